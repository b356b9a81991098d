"""Reporting deadlines: those falling in a window of days and the next one after a date.

A dated deadline ("trước ngày 14/9/2024") falls once. A recurring rule ("chậm nhất ngày 05 của
các tháng 3, tháng 6, tháng 9, tháng 12") falls in every listed month from the start of its
plan's year on, with no end: a reporting schedule stays in force until a later plan replaces
it, so the next report after any date is known. Each occurrence names the plan and section
that set it, so an answer can say which plan, of which year, it follows.

A ``period`` (the keys of :func:`knowledge.dossiers.stats.period_bounds`: "Q1".."Q4", "H1",
"H2", "9M", "Y") keeps the reports of that period only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import takewhile

from sqlalchemy import Engine

from knowledge.plans.ingest.deadlines import Recurrence, occurrences
from knowledge.plans.search import DeadlineRecord, DocumentInfo, catalog
from knowledge.plans.service import cite
from knowledge.shared.text import fold_vi

# The month the report of each period falls due in, for rules like "ngày 15 của tháng cuối kỳ".
_PERIOD_MONTH = {"Q1": 3, "Q2": 6, "H1": 6, "Q3": 9, "9M": 9, "Q4": 12, "Y": 12, "H2": 12}
# How the title of a dated report names its period (folded).
_ANNUAL = r"\bca nam\b|\bbao cao(?: cchc)? nam\b|\bhang nam\b"
_PERIOD_TITLE = {
    "Q1": r"\bquy (?:i|1)\b|\b3 thang\b",
    "Q2": r"\bquy (?:ii|2)\b|\b6 thang\b",
    "H1": r"\b6 thang\b",
    "Q3": r"\bquy (?:iii|3)\b|\b9 thang\b",
    "9M": r"\b9 thang\b|\bquy (?:iii|3)\b",
    "Q4": r"\bquy (?:iv|4)\b|" + _ANNUAL,
    "Y": _ANNUAL,
    "H2": r"\b6 thang cuoi\b|" + _ANNUAL,
}


@dataclass(frozen=True)
class DeadlineOccurrence:
    date: date
    title: str
    text: str  # the sentence as written
    recipient: str
    recurring: bool
    rule: str  # the recurring rule as described, "" for a dated deadline
    document: str  # slug of the plan
    plan: DocumentInfo  # the plan that sets the deadline: number, year, issuer, date
    section: str  # where in the plan, "Mục IV"
    source: str  # citation


@dataclass(frozen=True)
class RecurringRule:
    """A recurring reporting rule as a plan states it, for a calendar's list of rules."""

    title: str
    rule: str  # "chậm nhất ngày 05 của các tháng 3, 6, 9, 12"
    recipient: str
    source: str  # citation


def recurring_rules(engine: Engine | None = None) -> list[RecurringRule]:
    """Every recurring reporting rule of the plans, in the plans' order."""
    return [
        RecurringRule(d.title, d.rule_description, d.recipient, cite(d.document, d.section))
        for d in catalog(engine).deadlines
        if d.due_date is None and d.rule_day is not None
    ]


def deadlines_between(
    start: date,
    end: date,
    *,
    locality: str | None = None,
    document: str | None = None,
    period: str | None = None,
    engine: Engine | None = None,
) -> list[DeadlineOccurrence]:
    """Every deadline falling on a day from ``start`` to ``end`` (inclusive), by date; only
    the reports of ``period`` when one is given."""
    found = [
        _occurrence(deadline, day)
        for deadline in _selected(locality, document, engine)
        for day in occurrence_dates(deadline, start, end)
    ]
    return sorted((o for o in found if reports_period(o, period)), key=_order)


def next_deadlines(
    after: date,
    *,
    locality: str | None = None,
    document: str | None = None,
    engine: Engine | None = None,
) -> list[DeadlineOccurrence]:
    """The deadlines on the first day with any strictly after ``after`` (several plans may
    share it); empty when none is ahead."""
    upcoming = [
        _occurrence(deadline, day)
        for deadline in _selected(locality, document, engine)
        if (day := next_date(deadline, after)) is not None
    ]
    first = min((o.date for o in upcoming), default=None)
    return sorted((o for o in upcoming if o.date == first), key=_order)


def reports_period(occurrence: DeadlineOccurrence, period: str | None) -> bool:
    """Whether ``occurrence`` is the report of ``period`` (any report when None): by its month
    for a recurring rule, by the words of its title for a dated deadline."""
    if period is None:
        return True
    if occurrence.recurring:
        return occurrence.date.month == _PERIOD_MONTH[period]
    return re.search(_PERIOD_TITLE[period], fold_vi(occurrence.title)) is not None


def occurrence_dates(deadline: DeadlineRecord, start: date, end: date) -> list[date]:
    """Days from ``start`` to ``end`` on which ``deadline`` falls."""
    if deadline.due_date is not None:
        return [deadline.due_date] if start <= deadline.due_date <= end else []
    rule = _rule(deadline)
    if rule is None:
        return []
    first = max(start, _in_force_from(deadline))
    return list(takewhile(lambda day: day <= end, occurrences(rule, first - timedelta(days=1))))


def next_date(deadline: DeadlineRecord, after: date) -> date | None:
    """The first day strictly after ``after`` on which ``deadline`` falls, None if none."""
    if deadline.due_date is not None:
        return deadline.due_date if deadline.due_date > after else None
    rule = _rule(deadline)
    if rule is None:
        return None
    start = max(after, _in_force_from(deadline) - timedelta(days=1))
    return next(occurrences(rule, start), None)


def _rule(deadline: DeadlineRecord) -> Recurrence | None:
    if deadline.rule_day is None:
        return None
    return Recurrence(deadline.rule_day, deadline.rule_months, deadline.rule_description)


def _in_force_from(deadline: DeadlineRecord) -> date:
    """A rule applies from the start of its plan's year: an earlier date is not its to set."""
    return date(deadline.document.year, 1, 1)


def _selected(
    locality: str | None, document: str | None, engine: Engine | None
) -> list[DeadlineRecord]:
    return [
        deadline
        for deadline in catalog(engine).deadlines
        if (document is None or deadline.document.slug == document)
        and (locality is None or fold_vi(deadline.document.locality) == fold_vi(locality))
    ]


def _order(occurrence: DeadlineOccurrence) -> tuple[date, str, str]:
    return occurrence.date, occurrence.document, occurrence.title


def _occurrence(deadline: DeadlineRecord, day: date) -> DeadlineOccurrence:
    return DeadlineOccurrence(
        date=day,
        title=deadline.title,
        text=deadline.text,
        recipient=deadline.recipient,
        recurring=deadline.due_date is None,
        rule=deadline.rule_description,
        document=deadline.document.slug,
        plan=deadline.document,
        section=deadline.section,
        source=cite(deadline.document, deadline.section),
    )
