"""What every plan answer is made of: the reply and the conversation it answers in, the plans a
question is limited to, and the replies shared by all question kinds (which plan?, nothing
found, questions that work)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from actions.formatting import (
    bullet_list,
    button,
    intent_payload,
    locality_label,
    plan_label,
    shorten,
    text_button,
)
from knowledge.plans.decide import ABSTAIN, ANSWER, CLARIFY
from knowledge.plans.question import (
    PLAN_INFO,
    PLAN_TARGET,
    REPORTING_DEADLINE,
    TASK_DUE,
    TASK_RESPONSIBLE,
    UNIT_TASKS,
    PlanQuestion,
)
from knowledge.plans.service import PlanInfo, list_plans
from knowledge.shared.wording import say, text

CHOOSE_PLAN = "choose_plan"
MAX_CHOICES = 4  # plans offered as buttons at once
MAX_ITEMS = 4  # tasks or targets listed per plan
SEARCH_LIMIT = 12


def _questions(lines: str) -> tuple[str, ...]:
    """One question a line, as the catalogue lists them."""
    return tuple(line.strip() for line in lines.splitlines() if line.strip())


# Questions offered when nothing matched (wording/plans.yml): each is answered from the plans.
EXAMPLES: dict[str, tuple[str, ...]] = {
    TASK_RESPONSIBLE: _questions(text("plans.examples_task_responsible")),
    TASK_DUE: _questions(text("plans.examples_task_due")),
    UNIT_TASKS: _questions(text("plans.examples_unit_tasks")),
    REPORTING_DEADLINE: _questions(text("plans.examples_reporting_deadline")),
    PLAN_TARGET: _questions(text("plans.examples_plan_target")),
    PLAN_INFO: _questions(text("plans.examples_plan_info")),
}


@dataclass(frozen=True)
class Context:
    """What the conversation already established."""

    today: date
    last_task_id: str | None = None
    last_document: str | None = None
    last_query: str = ""  # the words of the last plan question


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[dict[str, str], ...] = ()
    task_id: str | None = None  # the task answered about, for "còn ai phối hợp?"
    document: str | None = None  # the one plan the answer comes from
    follow_up: bool = False  # answered about the last task, not about the message's words
    outcome: str = ANSWER  # ANSWER, CLARIFY (buttons to choose from) or ABSTAIN
    reference: str = ""  # what the answer is drawn from: "task:<id>", "plan:<slug>", ...


def plans_by_slug() -> dict[str, PlanInfo]:
    return {plan.slug: plan for plan in list_plans()}


def documents_for(q: PlanQuestion, plans: dict[str, PlanInfo]) -> tuple[str, ...] | None:
    """The plans a question is limited to (by choice, number, locality or year), or None when
    it names none; an empty tuple when what it names matches no plan."""
    if q.document:
        return (q.document,)
    if not (q.localities or q.year):
        return None
    return tuple(
        slug
        for slug, plan in plans.items()
        if (not q.localities or plan.locality in q.localities) and q.year in (None, plan.year)
    )


def only_plan(documents: Sequence[str] | None) -> str | None:
    """The plan an answer comes from when it comes from one, for "kế hoạch này" later."""
    return documents[0] if documents and len(documents) == 1 else None


def which_plan(documents: Sequence[str], plans: dict[str, PlanInfo], found: str) -> Reply:
    """Ask which plan is meant; ``found`` says what was found in several, a text of the
    catalogue that may hold "{n}" for how many plans are offered."""
    buttons = tuple(
        button(plan_label(plans[d]), intent_payload(CHOOSE_PLAN, plan_document=d))
        for d in documents[:MAX_CHOICES]
    )
    return Reply(
        say("plans.which_plan", found=found.format(n=len(buttons))), buttons, outcome=CLARIFY
    )


def not_found(q: PlanQuestion, plans: dict[str, PlanInfo], what: str) -> Reply:
    """Nothing matched: ``what`` names what was looked for ("chỉ tiêu nào")."""
    return examples_reply(
        say("plans.not_found", what=what, question=shorten(q.text, 120), where=where(q, plans)),
        q.kind,
    )


def examples_reply(head: str, kind: str) -> Reply:
    return Reply(head, tuple(text_button(e) for e in EXAMPLES[kind]), outcome=ABSTAIN)


def out_of_scope(q: PlanQuestion, plans: dict[str, PlanInfo]) -> Reply | None:
    """The plain answer to a question about a place or year the base holds no plan of: which
    plans it holds, never another plan's facts; None when the plans cover the question."""
    if q.foreign:
        places = ", ".join(q.foreign)
        return _not_held(say("plans.place_not_held", places=places), plans)
    if q.year and not q.document:
        of_place = [p for p in plans.values() if not q.localities or p.locality in q.localities]
        if of_place and all(p.year != q.year for p in of_place):
            where_ = _of_places(q.localities) if q.localities else ""
            return _not_held(say("plans.year_not_held", year=q.year, where=where_), plans)
    return None


def _not_held(head: str, plans: dict[str, PlanInfo]) -> Reply:
    listing = bullet_list(plan_label(p) for p in plans.values())
    return Reply("\n".join((head, say("plans.plans_held"), listing)), outcome=ABSTAIN)


def which_place(q: PlanQuestion, plans: dict[str, PlanInfo]) -> Reply | None:
    """Ask which locality is meant when the question names a place shared by several (a bare
    "Hưng Yên": the city or the province) and nothing else picks one plan; else None."""
    if len(q.localities) < 2 or q.document:
        return None
    fitting = [
        slug
        for slug, plan in plans.items()
        if plan.locality in q.localities and q.year in (None, plan.year)
    ]
    if len({plans[s].locality for s in fitting}) < 2:
        return None
    return which_plan(fitting, plans, say("plans.place_is_ambiguous"))


def where(q: PlanQuestion, plans: dict[str, PlanInfo]) -> str:
    """ " trong <plan> của <locality> năm <year>": what the question was limited to."""
    parts: list[str] = []
    if q.document in plans:
        parts.append(say("plans.where_plan", plan=plan_label(plans[q.document])))
    if q.localities:
        parts.append(_of_places(q.localities))
    if q.year:
        parts.append(say("plans.where_year", year=q.year))
    return "".join(parts)


def _of_places(localities: Sequence[str]) -> str:
    """ " của thành phố Hưng Yên hoặc tỉnh Hưng Yên"."""
    places = say("plans.places_or").join(map(locality_label, localities))
    return say("plans.where_places", places=places)


def unclear(kind: str) -> Reply:
    """For a reply to a plan answer that names nothing the plans know."""
    return examples_reply(say("plans.unclear"), kind)
