"""When reports are due: the next deadlines after today, or those of a year asked about.

Recurring rules stay in force after their plan's year (the knowledge service projects them),
so every date drawn from a rule says which plan, of which year, set it. When nothing is ahead
(a plan with dated deadlines only), the last dated ones are given as past.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from actions.formatting import bullet_list, plan_label, source_line, vi_date
from actions.plans.replies import (
    Context,
    Reply,
    documents_for,
    not_found,
    only_plan,
    out_of_scope,
    where,
    which_place,
    which_plan,
)
from knowledge.plans.deadlines import DeadlineOccurrence, deadlines_between
from knowledge.plans.decide import ABSTAIN
from knowledge.plans.question import PlanQuestion
from knowledge.plans.service import PlanInfo
from knowledge.shared.periods import THIS_QUARTER
from knowledge.shared.text import fold_vi
from knowledge.shared.wording import say

MAX_UPCOMING = 4  # deadlines listed as "next"
MAX_DATES = 4  # dates listed for one recurring deadline in a year
# A rule falls at least once a year; a dated deadline ahead is in this or next year's plan.
_AHEAD = timedelta(days=2 * 366)
_SINCE = date(1900, 1, 1)


@dataclass(frozen=True)
class Deadline:
    """One deadline of a plan with the days it falls on in the window answered about."""

    first: DeadlineOccurrence
    dates: tuple[date, ...]


@dataclass(frozen=True)
class DeadlineFacts:
    deadlines: list[Deadline]  # ahead of today, or in the year asked, by first date
    past: bool  # nothing was ahead: these are the last ones
    year: int | None  # the year asked about


def deadline_answer(q: PlanQuestion, context: Context, plans: dict[str, PlanInfo]) -> Reply:
    if not (q.localities or q.document or q.foreign) and context.last_document in plans:
        # "thế còn báo cáo 6 tháng năm 2024?" goes on about the place of the last answer
        q = replace(q, localities=(plans[context.last_document].locality,))
    # A year here is when reports fall, not which plan: a rule stays in force after its year.
    unyeared = replace(q, year=None)
    # A year no plan of the place has: its reports are not in the base, whatever an older
    # plan's rule would give.
    refused = out_of_scope(q, plans) or which_place(unyeared, plans)
    if refused is not None:
        return refused
    scope = documents_for(unyeared, plans)
    if scope is None and q.year:  # "báo cáo quý III năm 2024": the plans of that year
        scope = tuple(slug for slug, plan in plans.items() if plan.year == q.year) or None
    if scope is None:  # one locality's deadlines are never another's: ask whose
        setting = [slug for slug, plan in plans.items() if plan.deadlines]
        return which_plan(setting, plans, say("plans.deadlines_differ"))
    if scope == ():
        return not_found(q, plans, say("plans.what_plan"))
    facts = deadline_facts(context.today, scope, q.period, q.year)
    if not facts.deadlines:
        named = ", ".join(plan_label(plans[d]) for d in scope)
        return Reply(say("plans.no_deadlines", plans=named, where=where(q, plans)), outcome=ABSTAIN)
    return Reply(
        deadline_text(facts, plans, context.today),
        document=only_plan(scope),
        reference="deadlines:" + ",".join(scope),
    )


def deadline_facts(
    today: date, scope: Sequence[str] | None, period: str | None, year: int | None
) -> DeadlineFacts:
    """What to say about the reporting deadlines of the plans in ``scope`` (all when None)."""
    if period == THIS_QUARTER:
        period = f"Q{(today.month - 1) // 3 + 1}"
    if year:
        found = _between(date(year, 1, 1), date(year, 12, 31), scope, period)
        return DeadlineFacts(grouped(found), past=False, year=year)
    ahead = grouped(_between(today + timedelta(days=1), today + _AHEAD, scope, period))
    if ahead:
        return DeadlineFacts(ahead[:MAX_UPCOMING], past=False, year=None)
    before = grouped(_between(_SINCE, today, scope, period))
    last = {d.first.document: d for d in before}  # each plan's last deadline
    return DeadlineFacts(sorted(last.values(), key=lambda d: d.dates[-1]), past=True, year=None)


def _between(
    start: date, end: date, scope: Sequence[str] | None, period: str | None
) -> list[DeadlineOccurrence]:
    found = [
        o
        for d in scope or (None,)
        for o in deadlines_between(start, end, document=d, period=period)
    ]
    return sorted(found, key=lambda o: (o.date, o.document))


def grouped(occurrences: Sequence[DeadlineOccurrence]) -> list[Deadline]:
    """Occurrences (by date) gathered per deadline, in the order each first falls."""
    dates: dict[tuple[str, str, str], list[DeadlineOccurrence]] = {}
    for o in occurrences:
        dates.setdefault((o.document, o.section, o.title), []).append(o)
    return [Deadline(found[0], tuple(o.date for o in found)) for found in dates.values()]


def deadline_text(facts: DeadlineFacts, plans: dict[str, PlanInfo], today: date) -> str:
    if facts.year:
        head = say("plans.deadlines_of_year", year=facts.year)
    elif facts.past:
        head = say("plans.deadlines_past", today=vi_date(today))
    else:
        head = say("plans.deadlines_upcoming", today=vi_date(today))
    blocks = [head]
    projected = {
        d.first.document
        for d in facts.deadlines
        if d.first.recurring and plans[d.first.document].year < (facts.year or today.year)
    }
    for document in dict.fromkeys(d.first.document for d in facts.deadlines):
        plan = plans[document]
        mine = [d for d in facts.deadlines if d.first.document == document]
        blocks.append(
            "\n".join(
                (
                    say("plans.according_to", plan=plan_label(plan)),
                    bullet_list(_line(d, plan, several=facts.year is not None) for d in mine),
                    source_line(plan, [d.first.section for d in mine]),
                )
            )
        )
        if document in projected:
            blocks.append(say("plans.rule_of_an_old_plan", year=plan.year))
    return "\n\n".join(blocks)


def _line(deadline: Deadline, plan: PlanInfo, *, several: bool) -> str:
    first = deadline.first
    to = say("plans.deadline_to", recipient=first.recipient) if first.recipient else ""
    if not first.recurring:
        day = vi_date(first.date)
        if "truoc ngay" in fold_vi(first.text):
            return say("plans.deadline_before", title=first.title, to=to, date=day)
        return say("plans.deadline_on", title=first.title, to=to, date=day)
    shown = deadline.dates[:MAX_DATES] if several else deadline.dates[:1]
    days = ", ".join(vi_date(day) for day in shown)
    return say(
        "plans.deadline_by_rule",
        title=first.title,
        to=to,
        dates=days,
        rule=first.rule,
        year=plan.year,
    )
