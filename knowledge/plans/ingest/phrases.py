"""Phrases of the narrative plans: unit lists, "phối hợp với" partners, the unit a sentence
opens with, the role a duty gives, sentences. Shared by ``narrative``, ``duties`` and the
target extractor."""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge.plans.ingest.outline import clean_markup
from knowledge.plans.units import list_items
from knowledge.shared.text import fold_vi

# Words that start the predicate after a unit list ("phối hợp với <units> tham mưu ...").
# "đề" is the source's own typo for "để" ("có liên quan đề tham mưu").
_PREDICATES = (
    "tham mưu",
    "thực hiện",
    "xây dựng",
    "cập nhật",
    "kiểm tra",
    "tham gia",
    "theo dõi",
    "để",
    "đề",
)
_PARTNERS = re.compile(
    r"phối hợp với (?P<units>[^.;]+?)\s+(?=(?:" + "|".join(_PREDICATES) + r")\b)"
)
# A clause is the unit of a duty's role: "...; phối hợp Phòng Tư pháp ..." is a support clause.
_CLAUSE = re.compile(r"(?<=[.;:])\s+")
_MAX_SUBJECT_WORDS = 10
# A sentence ends at ". " (or "! ", "? ", "… ") before a capital letter: "kinh tế... lên Cổng"
# goes on.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+(?=\w)")


def split_units(phrase: str) -> tuple[str, ...]:
    """Unit names of a list as written, split only where the split is unambiguous (see
    :func:`knowledge.plans.units.list_items`); the build splits them further with the registry."""
    return tuple(list_items(clean_markup(phrase)))


def partner_units(text: str) -> tuple[str, ...]:
    """Units named after "phối hợp với", up to the predicate that follows them."""
    units: list[str] = []
    for match in _PARTNERS.finditer(text):
        units.extend(unit for unit in split_units(match.group("units")) if unit not in units)
    return tuple(units)


def leading_unit(sentence: str, predicates: Iterable[str]) -> str | None:
    """The unit a sentence opens with, ending where one of ``predicates`` starts.

    "Giao CC VP - TK thường xuyên theo dõi ..." → "CC VP - TK". None when the sentence does
    not open with a short capitalised name (it opens with a verb or names no unit).
    """
    pattern = r"^(?:Giao\s+)?(?P<unit>.+?)\s+(?:" + "|".join(map(re.escape, predicates)) + r")\b"
    match = re.match(pattern, sentence)
    if match is None:
        return None
    unit = match.group("unit").strip(" ,")
    if not unit[:1].isupper() or len(unit.split()) > _MAX_SUBJECT_WORDS:
        return None
    return unit


def duty_role(text: str) -> str:
    """ "lead" when a clause opens with "Chủ trì", "support" with "(Chủ động) phối hợp"."""
    openings = [fold_vi(clause) for clause in _CLAUSE.split(text)]
    if any(opening.startswith("chu tri") for opening in openings):
        return "lead"
    if any(opening.startswith(("phoi hop", "chu dong phoi hop")) for opening in openings):
        return "support"
    return "carry_out"


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph: a break after ".", "!", "?" or "…" only where a capital letter
    follows."""
    sentences: list[str] = []
    start = 0
    for gap in _SENTENCE_BREAK.finditer(text):
        if text[gap.end()].isupper():
            sentences.append(text[start : gap.start()])
            start = gap.end()
    sentences.append(text[start:])
    return sentences


# How the name of a unit (or of the people heading it) starts, folded; a phrase starting
# otherwise ("Kết quả thực hiện", "Cải cách thể chế") names no unit.
_UNIT_HEADS = re.compile(
    r"^(?:cac |toan the |moi )?(?:so|phong|van phong|ubnd|uy ban|ban|trung tam|cong an|giam doc"
    r"|chu tich|pho chu tich|thu truong|cong chuc|can bo|cc|dai|bao|hoi|mat tran|mttq|bo phan"
    r"|doan|lien doan|kho bac|chi cuc|cuc|vien|truong|nguoi dung dau|co quan|don vi|to|thanh tra"
    r"|chi nhanh|bao hiem|ban chi huy|bch|buu dien|dang uy|thuong truc|hoi dong|hdnd|toa an"
    r"|cong ty|tong cong ty|bo|tinh doan|thanh doan|huyen doan|quan doan|cac nganh|nganh"
    r"|phu trach|lanh dao|thanh vien|ca nhan|to chuc chinh tri|cac to chuc|dia phuong"
    r"|cac dia phuong|xa|phuong|thi tran|huyen|thanh pho|tinh)\b"
)


def looks_like_unit(name: str) -> bool:
    """Whether ``name`` starts like the name of a unit or of its head ("Sở Nội vụ", "Giám đốc
    các Sở", "Công chức VP - TK", "UBND các xã"), not like a sector heading or a verb."""
    return bool(_UNIT_HEADS.match(fold_vi(clean_markup(name)).lstrip("-+• ")))
