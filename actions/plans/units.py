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


def unit_answer(q: PlanQuestion, context: Context, plans: dict[str, PlanInfo]) -> Reply:
    refused = out_of_scope(q, plans)
    if refused is not None:
        return refused
    name = q.unit or unit_named_in(q.text) or unit_phrase(q.text)
    if not name:
        return examples_reply("Dạ, Anh/chị cho em biết tên đơn vị ạ, ví dụ:", q.kind)
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
        return examples_reply(
            f"Dạ, {message[:1].lower()}{message[1:]} Anh/chị kiểm tra lại tên đơn vị giúp em, "
            "ví dụ:",
            q.kind,
        )
    if not works:
        return Reply(
            f"Dạ, em không thấy nhiệm vụ nào giao cho “{name}”{where(q, plans)} ạ.",
            outcome=ABSTAIN,
        )
    documents = list(dict.fromkeys(d for work in works for d in _documents_of(work)))
    if len(works) > 1 and len(documents) > 1:
        return which_plan(documents, plans, "có {n} kế hoạch giao việc cho đơn vị tên này.")
    work = works[0]
    parts = [
        f"Dạ, {work.unit.name} ({locality_label(work.unit.locality)}) theo các kế hoạch:"
        if len(documents) > 1
        else f"Dạ, {work.unit.name} ({locality_label(work.unit.locality)}):"
    ]
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
        (f"Chủ trì ({len(lead)}):", [(t.text, t.section) for t in lead]),
        (f"Phối hợp ({len(support)}):", [(t.text, t.section) for t in support]),
        (f"Nhiệm vụ khác được giao ({len(duties)}):", [(d.text, d.section) for d in duties]),
    ]
    lines = [f"Theo {plan_label(plan)}:"]
    for title, items in sections:
        if items:
            lines += [title, _items(items)]
    lines.append(source_line(plan))
    return "\n".join(lines)


def _items(items: Sequence[tuple[str, str]]) -> str:
    """(text, section) items, the first few shortened, the rest counted."""
    shown = [f"{shorten(text, 140)} ({section})" for text, section in items]
    more = len(items) - MAX_ITEMS
    listed = bullet_list(shown[:MAX_ITEMS])
    return f"{listed}\n… và {more} nhiệm vụ khác" if more > 0 else listed
