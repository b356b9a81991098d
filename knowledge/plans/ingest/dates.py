"""Dates as the plans write them ("14/9/2024", "15/6", "ngày 15 tháng 6"), read on folded text
by the deadline and due-time readers alike."""

from __future__ import annotations

import calendar
import re
from datetime import date

# "dd/mm" or "dd/mm/yyyy", not a piece of a longer run of numbers and slashes ("1/2/3/4").
DAY_MONTH = r"(?<![\d/])(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<year>\d{4}))?(?![\d/])"


def year_of(match: re.Match[str], year: int) -> int:
    """The year a match names in its ``year`` group, else ``year`` (the plan's)."""
    return int(match.group("year")) if match.group("year") else year


def written_date(match: re.Match[str], year: int) -> date | None:
    """The day a match names in its ``d``, ``m`` and optional ``year`` groups; None when the
    calendar has no such day ("31/6")."""
    try:
        return date(year_of(match, year), int(match.group("m")), int(match.group("d")))
    except ValueError:
        return None


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])
