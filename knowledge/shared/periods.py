"""Viet Nam's days and the report periods people name ("quý III", "6 tháng đầu năm", "quý
này"): one place for both, used by plan deadlines, dossier statistics and reminders.

Pure standard library: the Rasa engine environment may import it.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta, timezone

from knowledge.shared.text import expand_abbreviations

# Viet Nam keeps UTC+7 all year: citizens' days, codes' years and shown times are local.
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")


def vietnam_today(now: datetime | None = None) -> date:
    """The citizen's day, not the server's: ``now`` (by default the current time) in Viet Nam."""
    return (now or datetime.now(UTC)).astimezone(VIETNAM_TZ).date()


def vi_date(day: date) -> str:
    """A date as Vietnamese officials write it: 14/03/2024."""
    return f"{day:%d/%m/%Y}"


def quarter_of(day: date) -> int:
    """1-4: the quarter ``day`` falls in."""
    return (day.month - 1) // 3 + 1


_QUARTERS = {"Q1": 1, "Q2": 2, "Q3": 3, "Q4": 4}
# First and last month of each period of a year.
_MONTHS = {"H1": (1, 6), "H2": (7, 12), "9M": (1, 9), "Y": (1, 12)}
THIS_QUARTER = "this quarter"


def period_bounds(period: str, year: int, today: date) -> tuple[date, date]:
    """First and last day of ``period`` of ``year``: "Q1".."Q4", "H1", "H2", "9M" (nine
    months), "Y" (whole year), or "this quarter" (the quarter of ``today``; ``year`` ignored).

    A period still running ends ``today``; one not begun raises ValueError, as does an
    unknown period.
    """
    key = period.strip()
    if key.casefold() == THIS_QUARTER:
        year, key = today.year, f"Q{quarter_of(today)}"
    key = key.upper()
    if key in _QUARTERS:
        first_month = 3 * _QUARTERS[key] - 2
        months = (first_month, first_month + 2)
    elif key in _MONTHS:
        months = _MONTHS[key]
    else:
        raise ValueError(f"unknown period {period!r}")
    start = date(year, months[0], 1)
    end = date(year, months[1], calendar.monthrange(year, months[1])[1])
    if start > today:
        raise ValueError(f"period {period!r} of {year} has not begun on {today}")
    return start, min(end, today)


_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_QUARTER_WORDS = re.compile(r"\b(?:quy|q)\s*(iv|iii|ii|i|[1-4])\b")
_PERIOD_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:quy nay|quy hien tai|this quarter)\b"), THIS_QUARTER),
    (re.compile(r"\b(?:6 thang cuoi|nua cuoi)"), "H2"),
    (re.compile(r"\b(?:6 thang|sau thang|nua dau nam|nua nam)\b"), "H1"),
    (re.compile(r"\b(?:9 thang|chin thang)\b"), "9M"),
    (re.compile(r"\b(?:ca nam|12 thang|nam nay)\b"), "Y"),
)


def parse_period(text: str) -> str | None:
    """The period key of :func:`period_bounds` for a period as users write it ("quý III",
    "quy 3", "6 tháng đầu năm", "9 tháng", "cả năm", "quý này"), else None."""
    folded = expand_abbreviations(text)
    quarter = _QUARTER_WORDS.search(folded)
    if quarter:
        return f"Q{_ROMAN.get(quarter.group(1), quarter.group(1))}"
    for pattern, key in _PERIOD_PATTERNS:
        if pattern.search(folded):
            return key
    return None
