"""Find the measurable goals of a plan ("Trên 95% số hồ sơ TTHC được trả kết quả đúng hạn").

Targets live in a plan's "MỤC TIÊU" / "chỉ tiêu" / "Mục đích" parts, or after a lead-in such as
"mục tiêu của Kế hoạch:" in a news item. Only statements carrying a figure (a percent, a rank, a
bounded count) or the word "chỉ tiêu" count: "Nâng cao mức độ tự chủ tài chính" is a wish, not a
target. Task tables and appendices are left to the task parsers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from knowledge.plans.ingest.outline import (
    Paragraph,
    body_paragraphs,
    is_letter,
    plain_sections,
    section_label,
    walk,
)
from knowledge.plans.ingest.phrases import split_sentences
from knowledge.plans.ingest.records import ParsedTarget, SourceRef
from knowledge.shared.text import fold_vi

_FIGURE = re.compile(
    r"\d+(?:[.,]\d+)?\s*%"  # "95%", "40 %"
    r"|[≥≤]\s*\d+"  # "≥70"
    r"|\bnhóm\s+\d+"  # rank: "nằm trong nhóm 03 ... dẫn đầu"
    r"|\btăng\s+(?:\d+\s+)?bậc\b"  # rank: "tăng bậc so với năm 2022"
    r"|\b(?:thứ hạng|xếp hạng|xếp thứ|hạng|top)\s+\d+"
    r"|\b(?:ít nhất|tối thiểu|tối đa|không quá)\s+\d+(?![\d/])"  # bounded counts
    r"|\bchỉ tiêu\b"
    r"|\b\d{1,3}(?:\.\d{3})+(?![\d/])"  # counts with thousands: "3.000 lượt"
    r"|\b\d+\s+(?:lượt|doanh nghiệp|sản phẩm|mô hình|sáng kiến|hộ)\b",  # "100 doanh nghiệp"
    re.IGNORECASE,
)
# Headings whose content is goals; folded so "MỤC TIÊU" and "Mục tiêu" match alike.
_GOAL_HEADING = re.compile(r"\b(?:muc tieu|chi tieu|muc dich|lo trinh)\b")
# A lead-in announcing goals ("Theo đó, mục tiêu của Kế hoạch:"), not one that merely cites
# them ("Căn cứ các chỉ tiêu, nhiệm vụ của Kế hoạch này, ... các nhiệm vụ chủ yếu sau:").
_GOAL_LEAD_IN = re.compile(r"\b(?:muc tieu|chi tieu)\b[^,;.]{0,30}:$")
# A clause this short is a fragment sharing its verb with the next ("80% cán bộ cấp xã; 100%
# công chức cấp xã đạt chuẩn ..."): such a sentence is kept whole. Counted in syllables.
_MIN_CLAUSE_WORDS = 8
# Goal wording after a lead clause: "Cụ thể hóa ..., phấn đấu Chỉ số PAPI ... tăng bậc".
_STRIVE = re.compile(r",\s+(phấn đấu\b.*)$", re.IGNORECASE)


def extract_targets(text: str) -> list[ParsedTarget]:
    """All targets of a document, each one statement with its figure, in document order. A
    text without outline cites them by paragraph, as its tasks are."""
    paragraphs = list(body_paragraphs(text))
    plain = {} if any(p.is_heading for p in paragraphs) else plain_sections(list(walk(text)))
    targets: list[ParsedTarget] = []
    for paragraph in _goal_paragraphs(paragraphs):
        label = plain.get(paragraph.line) or section_label(paragraph.path)
        source = SourceRef(label, paragraph.line)
        targets.extend(
            ParsedTarget(statement, source, paragraph.topic)
            for statement in _statements(paragraph.body)
        )
    return targets


def _goal_paragraphs(paragraphs: Iterable[Paragraph]) -> Iterator[Paragraph]:
    """Paragraphs under a goal heading, or after a goal lead-in ("mục tiêu của Kế hoạch:")
    until the next heading. Numbered headings themselves are titles, not goals."""
    after_lead_in = False
    for paragraph in paragraphs:
        numbered_heading = paragraph.is_heading and not is_letter(paragraph.path[-1])
        if numbered_heading:
            after_lead_in = False
            # A numbered item under a goal heading may be a goal itself ("1. Phấn đấu 100%
            # hồ sơ ... đúng hạn"), not a title: it carries a figure and a whole clause.
            body = paragraph.body
            if (
                _FIGURE.search(body)
                and len(body.split()) >= _MIN_CLAUSE_WORDS
                and any(_GOAL_HEADING.search(fold_vi(t)) for t in paragraph.ancestors)
            ):
                yield paragraph
            continue
        folded = fold_vi(paragraph.text)
        if (
            any(_GOAL_HEADING.search(fold_vi(title)) for title in paragraph.ancestors)
            or after_lead_in
        ):
            yield paragraph
        elif _GOAL_LEAD_IN.search(folded):
            after_lead_in = True


def _statements(body: str) -> Iterator[str]:
    """The goal statements of a paragraph: its sentences with a figure, split further at ";"
    when every clause is a whole goal with its own figure. A clause without a figure may carry
    the verb of the one before ("100% các văn bản QPPL về phòng, chống tham nhũng; thực hành
    tiết kiệm, chống lãng phí được tuyên truyền"), so its sentence stays whole."""
    for sentence in split_sentences(body):
        if not _FIGURE.search(sentence):
            continue
        clauses = [c.strip() for c in sentence.split(";") if c.strip()]
        whole_goals = all(
            _FIGURE.search(c) and len(c.split()) >= _MIN_CLAUSE_WORDS for c in clauses
        )
        for statement in clauses if whole_goals else [sentence.strip()]:
            yield _from_goal_wording(statement)


def _from_goal_wording(statement: str) -> str:
    strive = _STRIVE.search(statement)
    return strive.group(1) if strive and _FIGURE.search(strive.group(1)) else statement
