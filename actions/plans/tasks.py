"""Who leads or supports a task, and by when: the task the question names, or the last one
answered about ("còn ai phối hợp?", "hạn khi nào?").

Three steps with a seam between each: the question is read (knowledge.plans.question: what is
asked, filters, topic), tasks are retrieved over its topic (knowledge.plans.retrieval), and
the acceptance rule (knowledge.plans.decide) answers, asks which task with buttons, or says
that the plans hold no such task, never naming a unit as if it were the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from actions.formatting import (
    bullet_list,
    button,
    due_phrase,
    excerpt,
    intent_payload,
    plan_label,
    shorten,
    source_line,
    units_with_wording,
)
from actions.plans.replies import (
    SEARCH_LIMIT,
    Context,
    Reply,
    examples_reply,
    out_of_scope,
    where,
    which_place,
)
from actions.plans.units import unit_answer
from knowledge.plans.decide import ABSTAIN, ANSWER, CLARIFY, THRESHOLDS, Decision, decide
from knowledge.plans.question import (
    ASK_DUE,
    ASK_LEAD,
    ASK_PRODUCT,
    ASK_SUPPORT,
    PlanQuestion,
    asks_for_a_units_tasks,
    names_only_a_plan,
    topic_of,
    wanted,
)
from knowledge.plans.ranking import preferred
from knowledge.plans.service import (
    PlanInfo,
    TaskMatch,
    find_tasks,
    task_by_id,
    unit_named_in,
)
from knowledge.plans.units import unit_key
from knowledge.shared.wording import say

CHOOSE_TASK = "choose_task"
_PRODUCT_LIMIT = 160  # a longer product is a paragraph, not an answer
_TITLE_LIMIT = 48  # a task's text on a button


def task_answer(q: PlanQuestion, context: Context, plans: dict[str, PlanInfo]) -> Reply:
    if not q.asks_anew:
        task = task_by_id(context.last_task_id) if context.last_task_id else None
        if task is None:
            return replace(examples_reply(say("plans.which_task"), q.kind), follow_up=True)
        reply = _task_reply(task, q, plans[task.document], focus=context.last_query)
        return replace(reply, follow_up=True)
    refused = out_of_scope(q, plans) or which_place(q, plans)
    if refused is not None:
        return refused
    topic = topic_of(q, {p.locality for p in plans.values()})
    unit = q.unit or unit_named_in(q.text)
    rest = " ".join(set(topic.split()) - set(unit_key(unit).split())) if unit else topic
    if asks_for_a_units_tasks(q.text) or (unit and names_only_a_plan(rest)):
        # "Thanh tra thành phố chủ trì những việc gì?": the unit's tasks, not a task's unit
        return unit_answer(replace(q, unit=unit), context, plans)
    # A task that says nothing of what is asked (no lead named) cannot answer "ai chủ trì"; a
    # unit's general duty ("Các sở: xây dựng kế hoạch kiểm tra công vụ") answers only when no
    # task of the plans covers the topic.
    hits = search_tasks(q, plans)
    if q.asks:  # asked outright: only a task that says it can answer
        hits = preferred(hits, lambda t: tells(t, q.asks))
    hits = preferred(hits, lambda t: not is_duty(t) and t.coverage >= THRESHOLDS.answer_coverage)
    chosen_plan = bool(q.document or q.localities)
    decision = decide(
        hits,
        lambda a, b: same_answer(a, b, wanted(q)),
        topic_words=len(topic.split()),
        apart=None if chosen_plan else lambda a, b: a.document != b.document,
    )
    if decision.outcome == ANSWER:
        (best,) = decision.matches
        return _task_reply(best, q, plans[best.document], focus=q.text)
    return _undecided(decision, q, plans)


def chosen_task_answer(
    task_id: str, q: PlanQuestion | None, plans: dict[str, PlanInfo], focus: str
) -> Reply | None:
    """The answer about a task picked from buttons, to the question that offered them."""
    task = task_by_id(task_id)
    if task is None or task.document not in plans:
        return None
    asked = q or PlanQuestion("ask_task_responsible", focus)
    return _task_reply(task, asked, plans[task.document], focus=focus)


def search_tasks(q: PlanQuestion, plans: dict[str, PlanInfo]) -> list[TaskMatch]:
    """Tasks matching the question's topic within the plans it names, best first. A unit the
    question names stays in the topic rather than filtering: "bổ sung trang thiết bị cho Bộ
    phận một cửa" asks who does it, not what the Bộ phận một cửa does."""
    topic = topic_of(q, {p.locality for p in plans.values()})
    if not topic:
        return []
    localities: Sequence[str | None] = q.localities or (None,)
    hits = [
        hit
        for loc in localities
        for hit in find_tasks(
            topic, locality=loc, document=q.document, year=q.year, limit=SEARCH_LIMIT
        )
    ]
    return sorted(hits, key=lambda h: -h.score)


_FIELDS = {
    ASK_LEAD: lambda t: t.lead or t.lead_as_written,
    ASK_SUPPORT: lambda t: t.support or t.support_as_written,
    ASK_DUE: lambda t: t.due,
    ASK_PRODUCT: lambda t: t.product,
}


def is_duty(task: TaskMatch) -> bool:
    """A unit's duty from "Tổ chức thực hiện", searchable as a task (knowledge.plans.search)."""
    return ":duty:" in task.task_id


def tells(task: TaskMatch, asked: frozenset[str]) -> bool:
    """Whether the task states something of what is asked."""
    return any(_FIELDS[ask](task) for ask in asked)


def same_answer(a: TaskMatch, b: TaskMatch, asked: frozenset[str]) -> bool:
    """Whether two tasks give the same answer to what is asked (the same lead, say)."""
    return all(_FIELDS[ask](a) == _FIELDS[ask](b) and _FIELDS[ask](a) for ask in asked)


def _undecided(decision: Decision[TaskMatch], q: PlanQuestion, plans: dict[str, PlanInfo]) -> Reply:
    """Ask which task (CLARIFY), or say the plans hold none (ABSTAIN) offering the nearest."""
    buttons = tuple(b for b in (_task_button(t, plans) for t in decision.matches) if b is not None)
    place = where(q, plans)
    if decision.outcome == CLARIFY and buttons:
        several = len(buttons) > 1 and len({t.task_id for t in decision.matches}) > 1
        head = (
            say("plans.task_choices", n=len(buttons), where=place)
            if several
            else say("plans.task_confirm", where=place)
        )
        return Reply(head, buttons, outcome=CLARIFY)
    text = say("plans.task_not_in_plans", question=shorten(q.text, 120), where=place)
    if buttons:
        text += "\n" + say("plans.nearest_topics")
    return Reply(text, buttons, outcome=ABSTAIN)


def _task_button(task: TaskMatch, plans: dict[str, PlanInfo]) -> dict[str, str] | None:
    title = say(
        "plans.task_button",
        task=shorten(task.text, _TITLE_LIMIT),
        plan=plan_label(plans[task.document]),
    )
    try:
        return button(title, intent_payload(CHOOSE_TASK, task_id=task.task_id))
    except ValueError:  # an id too long for a button payload: not offered
        return None


def _task_reply(task: TaskMatch, q: PlanQuestion, plan: PlanInfo, focus: str) -> Reply:
    """The answer about ``task``, saying what ``q`` asks, its text cut around ``focus``."""
    lead = units_with_wording(task.lead, task.lead_as_written) or say("plans.not_given")
    support = units_with_wording(task.support, task.support_as_written)
    due = due_phrase(task.due, task.due_kind, task.due_start, task.due_end)
    lines = {
        ASK_LEAD: say("plans.lead_line", units=lead),
        ASK_SUPPORT: say("plans.support_line", units=support or say("plans.no_support_given")),
        ASK_DUE: say("plans.due_line", due=due or say("plans.no_due_given")),
        ASK_PRODUCT: say("plans.product_line", product=shorten(task.product, _PRODUCT_LIMIT))
        if task.product
        else "",
    }
    asked = wanted(q)
    order = [ASK_LEAD, ASK_SUPPORT, ASK_DUE, ASK_PRODUCT]
    shown = [lines[a] for a in order if a in asked and lines[a]]
    if asked == {ASK_SUPPORT} and not support:
        shown.append(lines[ASK_LEAD])  # no support named: who leads it is the useful answer
    if asked == {ASK_DUE}:
        shown.append(lines[ASK_LEAD])
    text = "\n".join(
        (
            say("plans.task_head", task=excerpt(task.text, focus)),
            bullet_list(shown),
            source_line(plan, [task.section]),
        )
    )
    # The plan leaves out all that was asked outright ("hạn khi nào?" of a task with no due):
    # said so, with the source to check, but not an answer to act on.
    told = not q.asks or tells(task, q.asks)
    return Reply(
        text,
        task_id=task.task_id,
        document=task.document,
        reference=f"task:{task.task_id}",
        outcome=ANSWER if told else ABSTAIN,
    )
