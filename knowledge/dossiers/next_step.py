"""What a citizen should do next about a dossier, by its status: the text every dossier answer
and every pushed update ends with (wording/next_steps.yml).

A dossier waiting for the applicant has its deadline paused (the processing time restarts when
the complete dossier is received), so it is never called late, and the answer says why rather
than set "not late" beside a date already past. A late dossier gets what the plans promise: an
apology, quoted and cited from the plan as the plan answers cite it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from knowledge.dossiers.status import CLOCK_PAUSED, DossierStatus
from knowledge.plans.service import find_targets
from knowledge.shared.periods import vi_date
from knowledge.shared.text import fold_vi
from knowledge.shared.wording import say

# What the plans' targets say about late dossiers; a target qualifies only if it speaks of an
# apology ("xin lỗi"), whatever else ranks high for the query.
APOLOGY_QUERY = "xin lỗi cá nhân tổ chức hồ sơ giải quyết quá hạn trễ hạn"
_APOLOGY_WORDS = "xin loi"


@dataclass(frozen=True)
class PlanPromise:
    """A plan's target, verbatim, with its citation ("Kế hoạch số … , Mục …")."""

    quote: str
    source: str


def apology_promise(engine: Engine | None = None) -> PlanPromise | None:
    """The plans' promise that late dossiers are apologised for, best match first; None when
    no plan holds one or the plans cannot be read (an uncited promise is not given)."""
    try:
        targets = find_targets(APOLOGY_QUERY, limit=5, engine=engine)
    except SQLAlchemyError:
        return None
    for target in targets:
        if _APOLOGY_WORDS in fold_vi(target.text):
            return PlanPromise(quote=target.text, source=target.source)
    return None


def timeliness(status: DossierStatus, today: date) -> str:
    """One line on the deadline: met or missed, running, or paused while the applicant
    supplements (and then why it is not late though the date has passed)."""
    if status.finished_on is not None:
        key = "finished_late" if status.overdue else "finished_on_time"
        return say(f"next_steps.{key}", finished_on=vi_date(status.finished_on))
    if status.status in CLOCK_PAUSED:
        key = "paused_past_due" if today > status.due_on else "paused"
        return say(f"next_steps.{key}", due_on=vi_date(status.due_on))
    return say("next_steps.overdue" if status.overdue else "next_steps.not_overdue")


def next_step(
    status: DossierStatus, promise: PlanPromise | None = None, portal_url: str = ""
) -> str:
    """What to do now: what to bring and where, when and where to collect, how to ask about a
    late dossier (with the plans' apology ``promise``, cited), the portal when configured."""
    unit = status.receiving_unit
    due_on = vi_date(status.due_on)
    if status.status == "result_ready":
        key = "result_by_post" if status.result_by_post else "result_ready"
    elif status.overdue and status.finished_on is None:
        key = "late"
    else:
        key = status.status
    lines = [say("next_steps.heading"), say(f"next_steps.{key}", unit=unit, due_on=due_on)]
    if status.overdue and promise is not None:
        lines += [
            say("next_steps.plan_promise", quote=promise.quote),
            say("citations.source", citation=promise.source),
        ]
    if portal_url:
        lines.append(say("next_steps.portal", url=portal_url))
    return "\n".join(lines)
