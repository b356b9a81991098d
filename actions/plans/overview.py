"""The plans themselves: which plans there are, and what one is (number, date, issuer, scope)."""

from __future__ import annotations

import re

from actions.formatting import bullet_list, locality_label, plan_label, source_line
from actions.plans.replies import Context, Reply, documents_for, out_of_scope, where, which_plan
from actions.plans.tasks import task_answer
from knowledge.plans.decide import ABSTAIN
from knowledge.plans.question import PlanQuestion, names_only_a_plan, topic_of
from knowledge.plans.service import PlanInfo
from knowledge.shared.text import fold_vi
from knowledge.shared.wording import say, text

# Folded phrases that ask for the list of plans rather than one plan.
_LIST_PHRASES = (
    "nhung ke hoach",
    "cac ke hoach",
    "danh sach",
    "ke hoach nao",
    "may cai",
    "bao nhieu ke hoach",
    "may ke hoach",
    "dia phuong nao",
    "van ban nao",
)


def plan_answer(q: PlanQuestion, context: Context, plans: dict[str, PlanInfo]) -> Reply:
    refused = out_of_scope(q, plans)
    if refused is not None:
        return refused
    if _asks_about_content(q, plans) and not _SIGNER.search(fold_vi(q.text)):
        return task_answer(q, context, plans)  # "kế hoạch ... bố trí bao nhiêu tiền ...": a task
    scope = documents_for(q, plans)
    refers_back = scope is None and context.last_document in plans and _says_this_plan(q.text)
    if refers_back and context.last_document:
        scope = (context.last_document,)
    if scope == ():
        listing = bullet_list(_plan_line(p) for p in plans.values())
        return Reply("\n".join((say("plans.no_plan_where", where=where(q, plans)), listing)))
    if scope is None or _asks_for_list(q.text):
        chosen = [plans[s] for s in scope] if scope else list(plans.values())
        return Reply(
            "\n".join(
                (
                    say("plans.plans_listed", n=len(chosen), where=where(q, plans)),
                    bullet_list(_plan_line(p) for p in chosen),
                    say("plans.ask_about_a_plan"),
                )
            )
        )
    if len(scope) > 1:
        return which_plan(list(scope), plans, text("plans.plans_matching"))
    plan = plans[scope[0]]
    if _SIGNER.search(fold_vi(q.text)):
        return _signer_answer(plan)
    return Reply(_plan_card(plan), document=plan.slug, reference=f"plan:{plan.slug}")


_SIGNER = re.compile(r"\b(?:ai ky|nguoi ky|ky ten|ky ban hanh|ky boi|ky quyet dinh)\b")


def _signer_answer(plan: PlanInfo) -> Reply:
    """Who signed ``plan``, as its signature block states; unknown where it has none."""
    if plan.signer is None:
        return Reply(
            say("plans.signer_unknown", plan=plan_label(plan)),
            document=plan.slug,
            outcome=ABSTAIN,
        )
    answer = say(
        "plans.signer",
        plan=plan_label(plan),
        signer=plan.signer,
        capacity=plan.signer_capacity or "",
        issuer=plan.issuer,
    )
    return Reply(
        "\n".join((answer, source_line(plan))),
        document=plan.slug,
        reference=f"plan:{plan.slug}",
    )


def _asks_about_content(q: PlanQuestion, plans: dict[str, PlanInfo]) -> bool:
    return not names_only_a_plan(topic_of(q, {p.locality for p in plans.values()}))


def _says_this_plan(text: str) -> bool:
    return any(word in fold_vi(text).split() for word in ("nay", "do", "tren"))


def _asks_for_list(text: str) -> bool:
    folded = fold_vi(text)
    return any(phrase in folded for phrase in _LIST_PHRASES)


def _plan_line(plan: PlanInfo) -> str:
    return say(
        "plans.plan_line",
        title=plan.title,
        number=plan.number or say("plans.plan_line_no_number"),
        issued=say("plans.plan_line_issued", issued=plan.issued) if plan.issued else "",
        issuer=plan.issuer,
    )


def _plan_card(plan: PlanInfo) -> str:
    if plan.number is None:
        number = say("plans.card_no_number")
    elif plan.kind == "QĐ":
        number = say("plans.card_number_of_decision", number=plan.number)
    else:
        number = plan.number
    lines = [
        say("plans.card_number", number=number),
        say("plans.card_issued", issued=plan.issued or say("plans.card_no_issued")),
        say("plans.card_issuer", issuer=plan.issuer),
        say("plans.card_scope", place=locality_label(plan.locality), year=plan.year),
        say(
            "plans.card_holdings",
            tasks=plan.tasks,
            targets=plan.targets,
            deadlines=plan.deadlines,
        ),
    ]
    if plan.note:
        lines.append(say("plans.card_note", note=plan.note.lower()))
    head = say("plans.plan_card_head", title=plan.title)
    return "\n".join((head, bullet_list(lines), source_line(plan)))
