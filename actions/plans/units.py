"""What a unit leads, supports and must do, plan by plan."""

from __future__ import annotations

from collections.abc import Sequence

from actions.formatting import bullet_list, locality_label, plan_label, shorten, source_line
from actions.plans.replies import (
    MAX_ITEMS,
    Context,
    Reply,
    documents_for,
    examples_reply,
    only_plan,
    out_of_scope,
    where,
    which_plan,
)
from knowledge.plans.decide import ABSTAIN
from knowledge.plans.question import PlanQuestion, unit_phrase
from knowledge.plans.service import NotFoundError, PlanInfo, UnitWork, unit_named_in, unit_work
from knowledge.shared.text import fold_vi
from knowledge.shared.wording import say, text


def unit_answer(q: PlanQuestion, context: Context, plans: dict[str, PlanInfo]) -> Reply:
    refused = out_of_scope(q, plans)
    if refused is not None:
        return refused
    name = q.unit or unit_named_in(q.text) or unit_phrase(q.text)
    if not name:
        return examples_reply(say("plans.which_unit"), q.kind)
    # Within the plans the question names (by number, place or year): a unit's work in the
    # PAPI plan of 2023 is no answer about the 2024 plan.
    scope: tuple[str | None, ...] = documents_for(q, plans) or (None,)
    try:
        works = [
            work
            for loc in q.localities or (None,)
            for document in scope
            for work in unit_work(name, locality=loc, document=document, role=q.role)
            if work.lead or work.support or work.duties
        ]
    except NotFoundError as error:
        message = str(error)
        note = message[:1].lower() + message[1:]
        return examples_reply(say("plans.unit_not_known", error=note), q.kind)
    if not works:
        return Reply(
            say("plans.unit_without_tasks", unit=name, where=where(q, plans)), outcome=ABSTAIN
        )
    documents = list(dict.fromkeys(d for work in works for d in _documents_of(work)))
    if len(works) > 1 and len(documents) > 1:
        return which_plan(documents, plans, text("plans.unit_in_several_plans"))
    work = works[0]
    head = "plans.unit_head_plans" if len(documents) > 1 else "plans.unit_head"
    parts = [say(head, unit=work.unit.name, place=locality_label(work.unit.locality))]
    parts += [_unit_in_plan(work, plans[d]) for d in documents]
    return Reply("\n\n".join(parts), document=only_plan(documents))


def _documents_of(work: UnitWork) -> list[str]:
    return list(
        dict.fromkeys(
            item.document for items in (work.lead, work.support, work.duties) for item in items
        )
    )


def _unit_in_plan(work: UnitWork, plan: PlanInfo) -> str:
    lead = [t for t in work.lead if t.document == plan.slug]
    support = [t for t in work.support if t.document == plan.slug]
    listed = {fold_vi(t.text) for t in (*lead, *support)}
    duties = [d for d in work.duties if d.document == plan.slug and fold_vi(d.text) not in listed]
    sections = [
        (say("plans.unit_leads", n=len(lead)), [(t.text, t.section) for t in lead]),
        (say("plans.unit_supports", n=len(support)), [(t.text, t.section) for t in support]),
        (say("plans.unit_duties", n=len(duties)), [(d.text, d.section) for d in duties]),
    ]
    lines = [say("plans.according_to", plan=plan_label(plan))]
    for title, items in sections:
        if items:
            lines += [title, _items(items)]
    lines.append(source_line(plan))
    return "\n".join(lines)


def _items(items: Sequence[tuple[str, str]]) -> str:
    """(text, section) items, the first few shortened, the rest counted."""
    shown = [say("plans.item_in_section", text=shorten(t, 140), section=s) for t, s in items]
    more = len(items) - MAX_ITEMS
    listed = bullet_list(shown[:MAX_ITEMS])
    return "\n".join((listed, say("plans.more_tasks", more=more))) if more > 0 else listed
