"""Find a plan's reporting deadlines, dated or recurring, and compute when a rule next falls.

Plans state deadlines in two shapes:
- dated: "Báo cáo CCHC quý III năm 2024: trước ngày 14/9/2024", "Báo cáo 6 tháng đầu năm trước
  ngày 05/6/2023";
- recurring: "chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12", or "chậm nhất là
  ngày 15 của tháng cuối kỳ báo cáo", whose months follow from the report periods the plan names
  ("báo cáo CCHC Quý I, 6 tháng, 9 tháng, báo cáo CCHC năm" → months 3, 6, 9, 12).

A deadline's ``text`` is the clause that states it, so ``parse_schedule(deadline.text, year)``
recovers its date or rule. When the clause leaves the periods to its heading, the heading line is
kept in front of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from knowledge.plans.ingest.dates import DAY_MONTH, month_end, written_date
from knowledge.plans.ingest.outline import Paragraph, body_paragraphs, section_label
from knowledge.plans.ingest.records import ParsedDeadline, SourceRef
from knowledge.shared.text import fold_vi, normalize_vi

_QUARTER_ENDS = (3, 6, 9, 12)


@dataclass(frozen=True)
class Recurrence:
    """A report due on ``day`` of each of ``months``, every year."""

    day: int  # day of month the report is due
    months: tuple[int, ...]  # months of the year it falls in, e.g. (3, 6, 9, 12)
    description: str  # Vietnamese, as written in the plan

    def __post_init__(self) -> None:
        if not 1 <= self.day <= 31:
            raise ValueError(f"day of month out of range: {self.day}")
        if not self.months or any(not 1 <= m <= 12 for m in self.months):
            raise ValueError(f"months must be 1..12 and not empty: {self.months}")


# All matching runs on folded text (lower case, no diacritics). Folding normalised text keeps
# every character in place, so a match's span also locates the words as written.
_LIMIT_DATE = re.compile(r"\b(?:truoc|cham nhat(?: la)?)\s+ngay\s+" + DAY_MONTH)
# The same written out: "trước ngày 15 tháng 12 năm 2025", "chậm nhất ngày 20 tháng 11".
_LIMIT_WORDS = re.compile(
    r"\b(?:truoc|cham nhat(?: la)?)\s+ngay\s+(?P<d>\d{1,2})\s+thang\s+(?P<m>\d{1,2})"
    r"(?:\s+nam\s+(?P<year>\d{4}))?(?![\d/])"
)


def _limit(folded: str) -> re.Match[str] | None:
    """The first "trước ngày ..." / "chậm nhất ngày ..." of a text, in figures or in words."""
    found = [m for m in (_LIMIT_DATE.search(folded), _LIMIT_WORDS.search(folded)) if m]
    return min(found, key=lambda m: m.start()) if found else None


_RULE = re.compile(
    r"\bcham nhat(?: la)?\s+ngay\s+(?P<day>\d{1,2})\s+(?:cua\s+)?(?:"
    r"cac\s+thang\s+(?P<months>\d{1,2}(?:\s*(?:,|va)\s*(?:thang\s+)?\d{1,2})*)"
    r"|thang\s+cuoi\s+(?P<period>ky|quy|nam)[a-z ]*?(?=[,;.(]|$))"
)
# Report periods named around a "tháng cuối kỳ" rule, with the month each period ends in.
_PERIODS = (
    (re.compile(r"\bquy\s+(?P<q>iv|iii|ii|i)\b"), None),
    (re.compile(r"\b(?:hang|moi|cuoi)\s+quy\b"), _QUARTER_ENDS),
    (re.compile(r"(?<!\d)3\s+thang\b"), (3,)),
    (re.compile(r"(?<!\d)6\s+thang(?!\s+cuoi)\b"), (6,)),
    (re.compile(r"(?<!\d)9\s+thang\b"), (9,)),
    (re.compile(r"\b(?:bao cao(?:\s+[a-z]+)?|ca|hang|,)\s+nam\b|6\s+thang\s+cuoi"), (12,)),
)
_QUARTER_END = {"i": 3, "ii": 6, "iii": 9, "iv": 12}

# Report names: "Báo cáo CCHC quý I năm 2024", "báo cáo kết quả kiểm tra hằng quý". A name ends
# where the sentence goes on to the recipient or the time.
_REPORT = re.compile(r"\bbao cao\b")
_NAME_END = re.compile(
    r"\s*(?:[:;()]|\.(?:\s|$)|$|\s(?:ve|gui|cho|truoc|cham nhat|de|dam bao|theo)\s|\sva\s)"
)
_PLAN = re.compile(r"\bke hoach\b")
_PLAN_END = re.compile(r",\s*gui\b|\s+gui\b|[;:(]|\s(?:truoc|cham nhat)\s")
# Words that only say when a report is due; a name made of nothing else needs its subject.
_PERIOD_ONLY = re.compile(
    r"(?:\b(?:bao cao|quy|i{1,3}|iv|thang|dau|cuoi|ca|nam|dinh ky|hang|va|cac)\b|\d+|[\s,])*"
)
_PASSIVE_SUBJECT = re.compile(r"^(?P<subject>.+?)\s+duoc (?P<report>bao cao)\b")
# Recipient: "gửi về UBND thành phố (*qua Phòng Nội vụ*)", "Thời hạn UBND Thành phố (qua Sở
# Nội vụ) nhận báo cáo", "báo cáo ... về UBND Thành phố (qua Sở Nội vụ)".
# Matched on the text as written: folded, "số" (number) would read as "Sở" (department).
_RECIPIENT = re.compile(
    r"(?i:\b(?:gửi về|gửi|về|cho|thời hạn))\s+"
    r"(?P<unit>(?:UBND|Ủy ban|Uỷ ban|[Pp]hòng|Sở|Văn phòng|Ban)\b[^,;:.(]*?)"
    r"\s*(?P<via>\(qua [^)]*\))?(?=\s*(?:[,;:.(]|$|\s(?:để|đảm bảo|trước|nhận|theo)\b))"
)
_LEAD_IN = re.compile(r"\bcu the\s*:\s*")
# A day and month without a year, in a sentence saying the report recurs, fall every year:
# "định kỳ báo cáo ... trước ngày 20/11", "trước ngày 30/11 hằng năm".
_YEARLY = re.compile(r"\b(?:hang|moi) nam\b|\bdinh ky\b")
_YEARLY_TAIL = re.compile(r"\s+(?:hang|moi) nam\b")
# A periodic report without a day: "Định kỳ 06 tháng ... báo cáo kết quả ...", "báo cáo Chủ
# tịch UBND tỉnh kết quả thực hiện hằng năm". A report to someone, not "công bố báo cáo dự báo".
_REPORT_TO = re.compile(
    r"\bbao cao\s+(?:ket qua|tinh hinh|ubnd|uy ban|chu tich|so|bo|ve|gui|dinh ky)\b"
)
_PERIOD = re.compile(
    r"\bdinh ky(?:\s+(?:hang|moi)\s+(?:nam|quy|thang)"
    r"|\s+0?\d{1,2}\s+thang(?:\s*,\s*(?:0?\d{1,2}\s+thang|nam)\b)*)?\b"
    r"|\b(?:hang|moi)\s+(?:nam|quy|thang)\b|(?<!\d)0?[369]\s+thang\s+(?:mot lan|\d+ lan)\b"
)
_LIST_ITEM = re.compile(r"^[-+•]\s")


def parse_schedule(text: str, year: int) -> tuple[date | None, Recurrence | None]:
    """The date or the recurring rule a deadline text states; ``year`` completes a date
    written without one ("trước ngày 15/6"). (None, None) when the text states neither, e.g. a
    "tháng cuối kỳ báo cáo" rule whose periods the text does not name."""
    written = normalize_vi(text.replace("*", ""))
    folded = fold_vi(written)
    limit = _limit(folded)
    if limit and not limit.group("year") and _YEARLY.search(folded):
        yearly = _yearly(written, folded, limit)
        if yearly is not None:
            return None, yearly
    if limit:
        return written_date(limit, year), None
    return None, _rule(written, folded)


def _yearly(written: str, folded: str, limit: re.Match[str]) -> Recurrence | None:
    """ "trước ngày 30/11 hằng năm": day 30 of November, every year."""
    day, month = int(limit.group("d")), int(limit.group("m"))
    if not 1 <= month <= 12 or not 1 <= day <= month_end(2000, month).day:
        return None
    tail = _YEARLY_TAIL.match(folded, limit.end())
    end = tail.end() if tail else limit.end()
    return Recurrence(day, (month,), written[limit.start() : end].strip(" ,;."))


def periodic_report(text: str) -> str | None:
    """How often a report is due when the text gives no day ("Định kỳ 06 tháng", "hằng
    năm"), as written; None when the text states no periodic report."""
    written = normalize_vi(text.replace("*", ""))
    folded = fold_vi(written)
    if not _REPORT_TO.search(folded):
        return None
    period = _PERIOD.search(folded)
    return written[period.start() : period.end()] if period else None


def next_occurrence(rule: Recurrence, after: date) -> date:
    """The first due day strictly after ``after``. A day past a month's end falls on its last
    day ("ngày 31" of June is 30/6)."""
    for offset in range(13):  # the same month a year on is the latest a listed month can be
        year, month_index = divmod(after.year * 12 + after.month - 1 + offset, 12)
        month = month_index + 1
        if month in rule.months:
            due = date(year, month, min(rule.day, month_end(year, month).day))
            if due > after:
                return due
    raise AssertionError("unreachable: a Recurrence has at least one month")


def occurrences(rule: Recurrence, after: date) -> Iterator[date]:
    """Every due day strictly after ``after``, in order, until the calendar ends (year 9999)."""
    day = after
    while True:
        try:
            day = next_occurrence(rule, day)
        except ValueError:  # the next due day would be past date.max
            return
        yield day


def extract_deadlines(text: str) -> list[ParsedDeadline]:
    """All reporting deadlines of a document, in document order."""
    deadlines: list[ParsedDeadline] = []
    lead_in = ""  # "... gửi về UBND thành phố (qua Phòng Nội vụ) ..., cụ thể:" above a list
    for paragraph in body_paragraphs(text):
        if not _LIST_ITEM.match(paragraph.text):
            lead_in = ""
        deadlines.extend(_paragraph_deadlines(paragraph, lead_in))
        if paragraph.text.endswith(":"):
            lead_in = paragraph.body
    return deadlines


def _rule(written: str, folded: str) -> Recurrence | None:
    match = _RULE.search(folded)
    if not match:
        return None
    if match.group("months"):
        months = tuple(int(m) for m in re.findall(r"\d{1,2}", match.group("months")))
    elif match.group("period") == "quy":
        months = _QUARTER_ENDS
    elif match.group("period") == "nam":
        months = (12,)
    else:
        months = _period_ends(folded)
    valid = sorted({m for m in months if 1 <= m <= 12})
    if not valid:
        return None
    description = written[match.start() : match.end()].strip(" ,;.")
    return Recurrence(int(match.group("day")), tuple(valid), description)


def _period_ends(folded: str) -> tuple[int, ...]:
    """Months in which the named report periods end: "Quý I, 6 tháng, 9 tháng, năm" →
    (3, 6, 9, 12); none when the text names no period."""
    months: set[int] = set()
    for pattern, ends in _PERIODS:
        for match in pattern.finditer(folded):
            months.update(ends if ends else (_QUARTER_END[match.group("q")],))
    return tuple(sorted(months))


def _paragraph_deadlines(paragraph: Paragraph, lead_in: str) -> Iterator[ParsedDeadline]:
    body = paragraph.body
    source = SourceRef(section_label(paragraph.path), paragraph.line)
    for clause in _clauses(body):
        stated = _stated_schedule(clause, paragraph)
        if stated is None:
            continue
        context = " ".join(part for part in (lead_in, body) if part)
        yield ParsedDeadline(
            title=_title(clause, paragraph),
            text=stated,
            source=source,
            recipient=_recipient(clause) or _recipient(context),
        )


def _clauses(body: str) -> list[str]:
    """Clauses of a paragraph, the lead-in before "cụ thể:" dropped: "Định kỳ báo cáo ...,
    cụ thể: Báo cáo 6 tháng đầu năm trước ngày 05/6/2023; báo cáo cả năm trước ngày ..."."""
    lead_in = _LEAD_IN.search(fold_vi(body))
    items = body[lead_in.end() :] if lead_in else body
    return [c.strip(" ;") for c in items.split(";") if c.strip(" ;")]


def _stated_schedule(clause: str, paragraph: Paragraph) -> str | None:
    """The text that states the clause's deadline: the clause, or for a "tháng cuối kỳ" rule
    that leaves the periods to its heading, the heading and the clause. None when the clause
    states no deadline."""
    folded = fold_vi(clause)
    if _limit(folded) or _rule(clause, folded) or periodic_report(clause):
        return clause
    if not _RULE.search(folded):
        return None
    for title in reversed(paragraph.ancestors):
        stated = f"{title}\n{clause}"
        if _rule(stated, fold_vi(stated)):
            return stated
    return None


def _title(clause: str, paragraph: Paragraph) -> str:
    """What report is due: its name in the clause, completed by its subject when the name only
    gives a period ("Báo cáo 6 tháng đầu năm"): from the heading above, or from the sentence
    "<subject> được báo cáo định kỳ ..."."""
    name = _clause_report_name(clause) or _plan_name(clause) or "Báo cáo"
    if _has_subject(name):
        return _capitalised(name)
    for title in reversed(paragraph.ancestors):
        heading_name = next((n for _, n in _report_names(title) if _has_subject(n)), "")
        if not heading_name:
            continue
        if fold_vi(name) == "bao cao":
            return _capitalised(heading_name)
        return f"{_capitalised(name)}: {heading_name[len('báo cáo') :].strip()}"
    body = paragraph.body
    folded = fold_vi(body)
    passive = _PASSIVE_SUBJECT.search(folded)
    if passive:
        period = _name_at(body, folded, passive.span("report"), _NAME_END)
        return f"{_capitalised(period)}: {body[: passive.end('subject')]}"
    return _capitalised(name)


def _report_names(text: str) -> list[tuple[int, str]]:
    """Every report name in ``text`` with its position."""
    folded = fold_vi(text)
    return [
        (m.start(), _name_at(text, folded, m.span(), _NAME_END)) for m in _REPORT.finditer(folded)
    ]


def _clause_report_name(clause: str) -> str:
    """The report a deadline clause is about: the closest name with a subject before the
    deadline words, else the first after them, else the closest name at all."""
    folded = fold_vi(clause)
    deadline = _limit(folded) or _RULE.search(folded)
    anchor = deadline.start() if deadline else len(folded)
    names = _report_names(clause)
    before = [name for at, name in names if at < anchor]
    after = [name for at, name in names if at >= anchor]
    ranked = [n for n in reversed(before) if _has_subject(n)] + [
        n for n in after if _has_subject(n)
    ]
    if ranked:
        return ranked[0]
    return before[-1] if before else (after[0] if after else "")


def _plan_name(clause: str) -> str:
    """A plan to send in ("Kế hoạch CCHC năm 2024 của cơ quan, đơn vị mình, gửi về ...")."""
    folded = fold_vi(clause)
    deadline = _limit(folded) or _RULE.search(folded)
    end = deadline.start() if deadline else len(folded)
    plans = [m.span() for m in _PLAN.finditer(folded, 0, end)]
    return _name_at(clause, folded, plans[-1], _PLAN_END) if plans else ""


def _name_at(text: str, folded: str, keyword: tuple[int, int], end_pattern: re.Pattern[str]) -> str:
    """The name starting with the keyword at ``keyword`` (a span of ``folded``), as written."""
    start, after_keyword = keyword
    end = end_pattern.search(folded, after_keyword)
    return text[start : end.start() if end else len(text)].strip(" ,")


def _has_subject(name: str) -> bool:
    return not _PERIOD_ONLY.fullmatch(fold_vi(name))


def _recipient(text: str) -> str:
    match = _RECIPIENT.search(text.replace("*", ""))
    return " ".join(part for part in match.group("unit", "via") if part) if match else ""


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]
