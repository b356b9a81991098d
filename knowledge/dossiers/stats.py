"""On-time statistics of settled dossiers, for officials ("tỷ lệ hồ sơ đúng hạn quý này").

A dossier counts in a period when it was finished (result ready, returned or rejected) within
it, and is on time when finished no later than its due date: the measure the plans' targets
use ("tỷ lệ hồ sơ giải quyết đúng hạn").
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz, process
from sqlalchemy import Engine, case, func, select
from sqlalchemy.orm import Session

from knowledge.db import session_scope
from knowledge.dossiers.models import Dossier
from knowledge.text import expand_abbreviations

# Below this token-set similarity a unit name is not what was asked for.
MIN_UNIT_SCORE = 80.0
# Names scoring this close to the best are equally plausible: ask rather than guess.
TIE_MARGIN = 2.0


@dataclass(frozen=True)
class UnitOnTime:
    unit: str
    finished: int
    on_time: int
    late: int
    rate: float | None  # on_time / finished, None when nothing was finished


@dataclass(frozen=True)
class OnTimeStats:
    unit: str | None  # the matched unit's name, None for all units
    start: date
    end: date
    finished: int
    on_time: int
    late: int
    rate: float | None
    by_unit: tuple[UnitOnTime, ...]  # per receiving unit, by name; empty unless asked


class UnknownUnitError(LookupError):
    """No receiving unit matches; ``str()`` is a Vietnamese message."""

    def __init__(self, query: str, suggestions: Sequence[str]) -> None:
        self.query = query
        self.suggestions = tuple(suggestions)
        super().__init__(f"Không tìm thấy đơn vị tiếp nhận hồ sơ “{query}”.")


class AmbiguousUnitError(LookupError):
    """Several receiving units match equally well; the caller should let the user choose."""

    def __init__(self, query: str, candidates: Sequence[str]) -> None:
        self.query = query
        self.candidates = tuple(candidates)
        super().__init__(f"“{query}” khớp với nhiều đơn vị: {'; '.join(self.candidates)}.")


def ontime_rate(
    source: Session | Engine,
    unit: str | None,
    start: date,
    end: date,
    *,
    by_unit: bool = False,
) -> OnTimeStats:
    """On-time counts of dossiers finished from ``start`` to ``end`` (both included), for the
    receiving unit best matching ``unit`` or for all units when it is None.

    Raises :class:`UnknownUnitError` or :class:`AmbiguousUnitError` for an unmatched unit.
    """
    if start > end:
        raise ValueError(f"period starts after it ends: {start} > {end}")
    on_time = func.sum(case((Dossier.finished_on <= Dossier.due_on, 1), else_=0))
    query = (
        select(Dossier.receiving_unit, func.count(), on_time)
        .where(Dossier.finished_on.between(start, end))
        .group_by(Dossier.receiving_unit)
        .order_by(Dossier.receiving_unit)
    )
    with _session(source) as session:
        matched = None
        if unit is not None:
            names = session.scalars(select(Dossier.receiving_unit).distinct()).all()
            matched = match_unit(unit, names)
            query = query.where(Dossier.receiving_unit == matched)
        units = [
            _unit_counts(name, count, good or 0) for name, count, good in session.execute(query)
        ]
    finished = sum(row.finished for row in units)
    good = sum(row.on_time for row in units)
    return OnTimeStats(
        unit=matched,
        start=start,
        end=end,
        finished=finished,
        on_time=good,
        late=finished - good,
        rate=good / finished if finished else None,
        by_unit=tuple(units) if by_unit else (),
    )


def _unit_counts(unit: str, finished: int, on_time: int) -> UnitOnTime:
    return UnitOnTime(
        unit=unit,
        finished=finished,
        on_time=on_time,
        late=finished - on_time,
        rate=on_time / finished if finished else None,
    )


@contextmanager
def _session(source: Session | Engine) -> Iterator[Session]:
    if isinstance(source, Session):
        yield source
    else:
        with session_scope(source) as session:
            yield session


def match_unit(query: str, names: Sequence[str]) -> str:
    """The one name in ``names`` meant by ``query`` ("phuong lam son" → "UBND phường Lam Sơn"),
    compared folded, abbreviations spelled out, by token-set similarity."""
    wanted = expand_abbreviations(query)
    keys = [expand_abbreviations(name) for name in names]
    if wanted in keys:
        return names[keys.index(wanted)]
    scored = process.extract(wanted, keys, scorer=fuzz.token_set_ratio, limit=None)
    if not scored or scored[0][1] < MIN_UNIT_SCORE:
        raise UnknownUnitError(query, [names[index] for _key, _score, index in scored[:3]])
    best = scored[0][1]
    close = [names[index] for _key, score, index in scored if score >= best - TIE_MARGIN]
    if len(close) > 1:
        raise AmbiguousUnitError(query, close)
    return close[0]


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
        year, key = today.year, f"Q{(today.month - 1) // 3 + 1}"
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
