"""Who leads or supports a task, and by when: the task the question names, or the last one
answered about ("còn ai phối hợp?", "hạn khi nào?")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from actions.formatting import bullet_list, due_phrase, excerpt, source_line, units_with_wording
from actions.plans.questions import LEAD, SUPPORT, TASK_DUE, PlanQuestion, without_localities
from actions.plans.replies import (
    SEARCH_LIMIT,
    Context,
    Reply,
    examples_reply,
    not_found,
    which_plan,
)
from knowledge.plans.ranking import best_of_plan, merge_ranked, plans_in_contention, preferred
from knowledge.plans.service import NotFoundError, PlanInfo, TaskMatch, find_tasks, task_by_id

_PRODUCT_LIMIT = 160  # a longer product is a paragraph, not an answer
NOT_GIVEN = "kế hoạch không ghi"


def task_answer(q: PlanQuestion, context: Context, plans: dict[str, PlanInfo]) -> Reply:
    if not q.asks_anew:
        task = task_by_id(context.last_task_id) if context.last_task_id else None
        if task is None:
            which = "Dạ, Anh/chị hỏi về nhiệm vụ nào ạ? Anh/chị nhắn giúp em tên nhiệm vụ, ví dụ:"
            return replace(examples_reply(which, q.kind), follow_up=True)
        reply = _task_reply(task, q, plans[task.document], focus=context.last_query)
        return replace(reply, follow_up=True)
    hits = preferred(search_tasks(q, plans), _assigned)
    contenders = plans_in_contention(hits)
    if not contenders:
        return not_found(q, plans, "nhiệm vụ nào")
    if len(contenders) > 1:
        return which_plan(contenders, plans, "nhiệm vụ này có trong {n} kế hoạch.")
    (best,) = best_of_plan(hits, contenders[0], limit=1)
    return _task_reply(best, q, plans[best.document], focus=q.text)


def search_tasks(q: PlanQuestion, plans: dict[str, PlanInfo]) -> list[TaskMatch]:
    """Tasks matching the question within what it names, best first."""
    text = without_localities(q.text, {p.locality for p in plans.values()})
    localities: Sequence[str | None] = q.localities or (None,)
    units: Sequence[str | None] = (q.unit, None) if q.unit else (None,)
    for unit in units:  # a unit the plans do not know must not hide the task
        try:
            hits = merge_ranked(
                *(
                    find_tasks(
                        text,
                        locality=loc,
                        document=q.document,
                        year=q.year,
                        unit=unit,
                        limit=SEARCH_LIMIT,
                    )
                    for loc in localities
                )
            )
        except NotFoundError:
            continue
        if hits:
            return hits
    return []


def _assigned(task: TaskMatch) -> bool:
    return bool(task.lead or task.support or task.due)


def _task_reply(task: TaskMatch, q: PlanQuestion, plan: PlanInfo, focus: str) -> Reply:
    """The answer about ``task``, its text cut around what ``focus`` (the question) names."""
    lead = f"Đơn vị chủ trì: {units_with_wording(task.lead, task.lead_as_written) or NOT_GIVEN}"
    support = units_with_wording(task.support, task.support_as_written)
    support_line = f"Đơn vị phối hợp: {support or NOT_GIVEN + ' đơn vị phối hợp'}"
    due = due_phrase(task.due, task.due_kind, task.due_start, task.due_end)
    due_line = f"Thời hạn: {due or NOT_GIVEN + ' thời hạn'}"
    if q.kind == TASK_DUE:
        lines = [due_line, lead]
    elif q.role == LEAD:
        lines = [lead]
    elif q.role == SUPPORT:
        lines = [support_line] if support else [support_line, lead]
    else:
        lines = [lead, support_line, due_line]
        if task.product and len(task.product) <= _PRODUCT_LIMIT:
            lines.append(f"Kết quả, sản phẩm: {task.product}")
    text = (
        f"Dạ, nhiệm vụ “{excerpt(task.text, focus)}”:\n{bullet_list(lines)}\n"
        f"{source_line(plan, [task.section])}"
    )
    return Reply(text, task_id=task.task_id, document=task.document)
