"""Turn a task's "thời gian" as written into the period it covers.

Plans write due times in many shapes: "Quý I/2021", "Tháng 10/2021", "Năm 2023 và các năm
tiếp theo", "Quý II, III năm 2023", "Tháng 3 - 6/2021", "Năm 2023; 6 tháng; năm",
"Trước ngày 15/6/2023", "Thường xuyên", "Theo hướng dẫn của Bộ Nội vụ". The knowledge base needs
a first and a last day to answer "what is due this quarter"; the text is kept so every answer can
quote it. Nothing is guessed: a phrase that names no period ("Sau khi ... được phê duyệt",
"Trong năm học") is ``unknown``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from knowledge.plans.ingest.dates import DAY_MONTH, month_end, written_date, year_of
from knowledge.plans.ingest.deadlines import parse_schedule
from knowledge.shared.text import fold_vi, normalize_vi

KINDS = ("date", "month", "quarter", "half", "year", "continuous", "range", "unknown")


@dataclass(frozen=True)
class DueSpec:
    """A due time: ``kind`` says how precise it is, ``start``..``end`` the days it covers.

    ``end`` is the deadline. For ``date`` both ends are the day named ("trước ngày 15/6/2023"
    gives 15/6, the day the plan names). ``continuous`` and ``unknown`` have no period.
    """

    kind: str
    start: date | None
    end: date | None
    text: str


@dataclass(frozen=True)
class _Mention:
    at: int  # position in the folded text, to keep the writer's order
    kind: str
    start: date
    end: date


# Matching runs on folded text (no diacritics, lower case), so "Quý"/"quý"/"QUÝ" are alike.
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTER_NUM = r"(?:iv|iii|ii|i|[1-4])\b"
# A year written after a period: "/2021", "năm 2021" or nothing (the plan year).
_YEAR_TAIL = r"(?:\s*/\s*|\s+nam\s+)?(?P<year>\d{4})?(?![\d/])"

# "thường xuyên" beats any period beside it: "thường xuyên trong năm 2023" has no deadline.
_ALWAYS_CONTINUOUS = re.compile(r"\bthuong xuyen\b")
# Recurring without a named period: continuous unless a period is also named. A bare "Quý" list
# item ("Quý, năm") means every quarter.
_RECURRING = re.compile(
    r"\b(?:hang|moi) (?:thang|tuan|quy)\b|\bdinh ky\b|(?:^|[;,])\s*quy\s*(?:$|[;,.])"
)
# The time depends on an event or another document: no period can be stated.
_DEFERRED = re.compile(r"^(?:ngay )?(?:sau khi|theo|khi co|tuy)\b")

_DATE_SLASH = re.compile(DAY_MONTH)
_DATE_WORDS = re.compile(
    r"\bngay (?P<d>\d{1,2}) thang (?P<m>\d{1,2})(?: nam (?P<year>\d{4}))?(?!\d)"
)
_MONTH_RANGE = re.compile(
    r"\bthang\s+(?P<m1>\d{1,2})\s*(?:-|–|den)\s*(?:thang\s+)?(?P<m2>\d{1,2})(?!\d)" + _YEAR_TAIL
)
_BEFORE_MONTH = re.compile(r"\btruoc thang\s+(?P<m>\d{1,2})(?!\d)" + _YEAR_TAIL)
_MONTHS_FROM_JAN = re.compile(
    r"(?<![\d/])(?P<n>[369])\s+thang(?:\s+(?P<part>dau|cuoi)\s+nam)?(?:\s+nam)?(?:\s+(?P<year>\d{4}))?"
)
_MONTH = re.compile(r"\bthang\s+(?P<m>\d{1,2})(?!\d)" + _YEAR_TAIL)
_QUARTERS = re.compile(
    rf"\bquy\s+(?P<nums>{_QUARTER_NUM}(?:\s*(?:,|va|-|–)\s*(?:quy\s+)?{_QUARTER_NUM})*)"
    + _YEAR_TAIL
)
_YEAR_RANGE = re.compile(r"(?:\bnam\s+)?(?<!\d)(?P<y1>\d{4})\s*(?:-|–|den)\s*(?P<y2>\d{4})(?!\d)")
_YEAR = re.compile(r"\bnam\s+(?P<year>\d{4})(?!\d)")
# List items naming the plan year without its number ("6 tháng; năm", "Quý, năm").
_BARE_YEAR = {"nam", "ca nam"}


def normalize_due(text: str, year: int) -> DueSpec:
    """The period a due text covers; ``year`` is the plan year, used when the text names none."""
    written = normalize_vi(text)
    folded = fold_vi(written.replace("*", ""))
    if _ALWAYS_CONTINUOUS.search(folded):
        return DueSpec("continuous", None, None, written)
    # A date written as a limit ("trước ngày 15/6/2023") is the deadline, whatever periods the
    # text also names ("Báo cáo CCHC 6 tháng năm 2024: trước ngày 14/6/2024").
    limit, _ = parse_schedule(written, year)
    if limit is not None:
        return DueSpec("date", limit, limit, written)
    if _DEFERRED.match(folded):
        return DueSpec("unknown", None, None, written)
    mentions = _mentions(folded, year)
    if not mentions:
        kind = "continuous" if _RECURRING.search(folded) else "unknown"
        return DueSpec(kind, None, None, written)
    start = min(m.start for m in mentions)
    end = max(m.end for m in mentions)
    # "Năm 2023; 6 tháng; năm" covers the year: name it by the first period that spans it all.
    kind = next((m.kind for m in mentions if (m.start, m.end) == (start, end)), "range")
    return DueSpec(kind, start, end, written)


def _mentions(folded: str, year: int) -> list[_Mention]:
    """Every period the text names, each phrase read once: patterns run from the most
    specific to the least, and a matched phrase is blanked so "Tháng 3 - 6/2021" is not also
    read as "6/2021"."""
    found: list[_Mention] = []
    work = folded
    for pattern, read in _READERS:
        for match in pattern.finditer(work):
            period = read(match, year)
            if period is not None:
                found.append(_Mention(match.start(), *period))
                work = work[: match.start()] + " " * len(match.group()) + work[match.end() :]
    found.extend(_bare_parts(folded, year))
    return sorted(found, key=lambda m: m.at)


def _bare_parts(folded: str, year: int) -> list[_Mention]:
    mentions = []
    offset = 0
    for part in re.split(r"[;,]", folded):
        if part.strip(" .") in _BARE_YEAR:
            mentions.append(_Mention(offset, "year", date(year, 1, 1), date(year, 12, 31)))
        offset += len(part) + 1
    return mentions


_Period = tuple[str, date, date]


def _read_date(match: re.Match[str], year: int) -> _Period | None:
    day = written_date(match, year)
    return ("date", day, day) if day else None


def _read_month_range(match: re.Match[str], year: int) -> _Period | None:
    first, last = int(match.group("m1")), int(match.group("m2"))
    if not 1 <= first <= last <= 12:
        return None
    y = year_of(match, year)
    return "range", date(y, first, 1), month_end(y, last)


def _read_before_month(match: re.Match[str], year: int) -> _Period | None:
    month = int(match.group("m"))
    if not 1 <= month <= 12:
        return None
    # "Trước tháng 10" ends with the last day of September.
    end = date(year_of(match, year), month, 1) - timedelta(days=1)
    return "range", date(end.year, 1, 1), end


def _read_months_from_january(match: re.Match[str], year: int) -> _Period:
    """ "6 tháng (đầu năm)", "9 tháng", "6 tháng cuối năm": the report periods of a year."""
    y = year_of(match, year)
    months = int(match.group("n"))
    if match.group("part") == "cuoi":
        return "half", date(y, 12 - months + 1, 1), date(y, 12, 31)
    kind = {3: "quarter", 6: "half"}.get(months, "range")
    return kind, date(y, 1, 1), month_end(y, months)


def _read_month(match: re.Match[str], year: int) -> _Period | None:
    month = int(match.group("m"))
    if not 1 <= month <= 12:
        return None
    y = year_of(match, year)
    return "month", date(y, month, 1), month_end(y, month)


def _read_quarters(match: re.Match[str], year: int) -> _Period:
    numbers = [_ROMAN[n] for n in re.findall(_QUARTER_NUM, match.group("nums"))]
    y = year_of(match, year)
    start = date(y, 3 * min(numbers) - 2, 1)
    end = month_end(y, 3 * max(numbers))
    return ("quarter" if len(set(numbers)) == 1 else "range"), start, end


def _read_year_range(match: re.Match[str], year: int) -> _Period | None:
    first, last = int(match.group("y1")), int(match.group("y2"))
    if first > last:
        return None
    return "range", date(first, 1, 1), date(last, 12, 31)


def _read_year(match: re.Match[str], year: int) -> _Period:
    y = year_of(match, year)
    return "year", date(y, 1, 1), date(y, 12, 31)


_READERS = (
    (_MONTH_RANGE, _read_month_range),
    (_BEFORE_MONTH, _read_before_month),
    (_DATE_WORDS, _read_date),
    (_DATE_SLASH, _read_date),
    (_MONTHS_FROM_JAN, _read_months_from_january),
    (_MONTH, _read_month),
    (_QUARTERS, _read_quarters),
    (_YEAR_RANGE, _read_year_range),
    (_YEAR, _read_year),
)
