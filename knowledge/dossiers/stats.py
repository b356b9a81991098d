"""On-time statistics of settled dossiers, for officials ("tỷ lệ hồ sơ đúng hạn quý này").

A dossier counts in a period when it was finished (result ready, returned or rejected) within
it, and is on time when finished no later than its due date: the measure the plans' targets
use ("tỷ lệ hồ sơ giải quyết đúng hạn").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz, process
from sqlalchemy import Engine, case, func, select
from sqlalchemy.orm import Session

from knowledge.dossiers.models import Dossier
from knowledge.shared.db import session_scope
from knowledge.shared.text import expand_abbreviations
from knowledge.shared.wording import say

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
        super().__init__(say("dossiers.unknown_receiving_unit", unit=query))


class AmbiguousUnitError(LookupError):
    """Several receiving units match equally well; the caller should let the user choose."""

    def __init__(self, query: str, candidates: Sequence[str]) -> None:
        self.query = query
        self.candidates = tuple(candidates)
        super().__init__(
            say("dossiers.ambiguous_units", unit=query, candidates="; ".join(self.candidates))
        )


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
