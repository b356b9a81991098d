"""The targets a plan sets: those on the topic asked about, or all of a plan's."""

from __future__ import annotations

import re
from datetime import date

from actions.formatting import bullet_list, plan_label, shorten, source_line
from actions.plans.replies import (
    MAX_ITEMS,
    SEARCH_LIMIT,
    Context,
    Reply,
    documents_for,
    not_found,
    only_plan,
    out_of_scope,
    which_place,
    which_plan,
)
from knowledge.plans.decide import ABSTAIN, ANSWER
from knowledge.plans.question import (
    PLAN_TARGET,
    PlanQuestion,
    names_only_a_plan,
    read_question,
    target_topic,
)
from knowledge.plans.ranking import best_of_plan, merge_ranked, plans_in_contention
from knowledge.plans.service import (
    PlanInfo,
    TargetMatch,
    TaskMatch,
    find_targets,
    find_tasks,
    targets_of,
)
from knowledge.shared.text import fold_vi
from knowledge.shared.wording import say, text

MAX_TARGET_PLANS = 3
# A figure a task row sets: a share, or a count ("2 lần/năm"), in its text or its product.
_FIGURE = re.compile(r"\d+(?:[.,]\d+)?\s*%|\b\d+\s*lần\b")
# A target answer lists a plan's targets on the topic: it needs more of the topic than a task
# answer to be about it (tuned on the question bank's dev split).
TARGET_COVERAGE = 0.4


def target_answer(q: PlanQuestion, context: Context, plans: dict[str, PlanInfo]) -> Reply:
    refused = out_of_scope(q, plans) or which_place(q, plans)
    if refused is not None:
        return refused
    topic = target_topic(q.text, {p.locality for p in plans.values()})
    scope = documents_for(q, plans)
    if scope and not any(plans[d].targets for d in scope):
        none_set = "; ".join(
            say("plans.plan_without_targets", plan=plan_label(plans[d])) for d in scope
        )
        sources = [source_line(plans[d]) for d in scope]
        return Reply(
            "\n".join((say("plans.no_targets", plans=none_set), *sources)),
            document=only_plan(scope),
            outcome=ABSTAIN,
        )
    if not topic or names_only_a_plan(topic):  # "mục tiêu của kế hoạch CCHC tỉnh ... là gì"
        return _all_targets(scope, plans)
    hits = merge_ranked(
        *(find_targets(topic, document=d, limit=SEARCH_LIMIT) for d in scope or (None,))
    )
    hits = [hit for hit in hits if scope is None or hit.document in scope]
    if hits and max(h.coverage for h in hits) < TARGET_COVERAGE:
        hits = []  # only scattered words of the topic: no target is about it
    contenders = plans_in_contention(hits)[:MAX_TARGET_PLANS]
    if not contenders:  # a figure set in a task row ("Tỷ lệ ... ≥70%"), else said so
        return _figure_in_tasks(topic, scope, plans) or not_found(
            q, plans, say("plans.what_target")
        )
    blocks = [
        _targets_block(best_of_plan(hits, document, limit=2), plans[document], shown=260)
        for document in contenders
    ]
    return _targets_reply(blocks, contenders)


# What a citizen says when asking what the plans promise (folded).
_PROMISE = re.compile(
    r"\b(?:xin loi|hua|cam ket|ke hoach|chi tieu|muc tieu|phan tram|dung hen|dung han|tre hen|"
    r"qua han|so hoa|nam 20\d\d)\b|%"
)


def promised(question: str, plans: dict[str, PlanInfo]) -> Reply | None:
    """What the plans promise citizens on the topic of ``question`` ("hồ sơ trễ hẹn có được xin
    lỗi không", "trả đúng hẹn bao nhiêu phần trăm"): the targets that speak of it, cited; None
    when no target does."""
    if not _PROMISE.search(fold_vi(question)):
        return None  # a practical question ("dvc toàn trình là gì"), not one about the plans
    q = read_question(PLAN_TARGET, question, (), list(plans.values()))
    if q.foreign or out_of_scope(q, plans) is not None:
        return None
    reply = target_answer(q, Context(date.min), plans)
    return reply if reply.outcome == ANSWER else None


def _figure_in_tasks(
    topic: str, scope: tuple[str, ...] | None, plans: dict[str, PlanInfo]
) -> Reply | None:
    """The task rows that set a figure on the topic (PAPI's appendix gives "Tỷ lệ dân số có sổ
    khám chữa bệnh điện tử ≥70%" as a task), cited; None when none covers the topic."""
    hits = [
        hit
        for document in scope or (None,)
        for hit in find_tasks(topic, document=document, limit=SEARCH_LIMIT)
        if _FIGURE.search(f"{hit.text} {hit.product}") and hit.coverage >= TARGET_COVERAGE
    ]
    if not hits:
        return None
    best = max(hits, key=lambda hit: (hit.coverage, hit.score))
    rows = [h for h in hits if h.document == best.document][:2]
    plan = plans[best.document]
    text = "\n".join(
        (
            say("plans.figure_in_tasks", plan=plan_label(plan)),
            bullet_list(_with_product(h) for h in rows),
            source_line(plan, [h.section for h in rows]),
        )
    )
    return Reply(text, document=best.document, reference=f"task:{best.task_id}")


def _with_product(hit: TaskMatch) -> str:
    """A task row, with its product when the figure is there ("Kết quả: Trên 95% ...")."""
    row = shorten(hit.text, 260)
    if hit.product and _FIGURE.search(hit.product) and not _FIGURE.search(hit.text):
        row = say("plans.row_with_product", row=row, product=shorten(hit.product, 200))
    return row


def _all_targets(scope: tuple[str, ...] | None, plans: dict[str, PlanInfo]) -> Reply:
    """ "Các chỉ tiêu của kế hoạch …": those of the plan named, or which plan when none is."""
    if scope is None:
        setting = [slug for slug, plan in plans.items() if plan.targets]
        return which_plan(setting, plans, text("plans.target_plans"))
    blocks = []
    for document in scope:
        targets = targets_of(document)
        more = len(targets) - MAX_ITEMS
        blocks.append(_targets_block(targets[:MAX_ITEMS], plans[document], shown=200, more=more))
    return _targets_reply(blocks, scope)


def _targets_block(targets: list[TargetMatch], plan: PlanInfo, *, shown: int, more: int = 0) -> str:
    """The ``targets`` of ``plan``, each shortened to ``shown`` characters, with how many
    ``more`` there are, and their source."""
    lines = [
        say("plans.according_to", plan=plan_label(plan)),
        bullet_list(shorten(t.text, shown) for t in targets),
    ]
    if more > 0:
        lines.append(say("plans.more_targets", more=more))
    lines.append(source_line(plan, [t.section for t in targets]))
    return "\n".join(lines)


def _targets_reply(blocks: list[str], documents: list[str] | tuple[str, ...]) -> Reply:
    return Reply(
        say("plans.targets_head") + "\n\n" + "\n\n".join(blocks),
        document=only_plan(documents),
        reference="targets:" + ",".join(documents),
    )
