"""Dossier status for citizens ("hồ sơ của tôi đến đâu rồi"): dossier_form asks for the code
(actions/forms.py says how the citizens' forms tell answers from interruptions), then
action_dossier_status looks it up."""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import os
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import Engine

from actions.formatting import button, fits_payload, intent_payload, text_button, vi_date
from actions.forms import REQUESTED_SLOT, Cancellation, CodeField
from knowledge.dossiers.codes import find_dossier_code, normalize_dossier_code
from knowledge.dossiers.lookup import make_dossier_lookup
from knowledge.dossiers.next_step import PlanPromise, apology_promise, next_step, timeliness
from knowledge.dossiers.status import DossierLookup, DossierServiceUnavailable, DossierStatus
from knowledge.shared.metrics import DOSSIER_LOOKUPS
from knowledge.shared.periods import vietnam_today
from knowledge.shared.ratelimit import SlidingWindowLimiter
from knowledge.shared.settings import load_settings
from knowledge.shared.wording import say

logger = logging.getLogger(__name__)

MAX_CODE_ATTEMPTS = 3

# Replies are worded in wording/dossiers.yml; the fixed ones are responses in domain/dossiers.yml.
WRONG_CODE = "utter_wrong_dossier_code"
TOO_MANY_WRONG_CODES = "utter_too_many_wrong_dossier_codes"
# The intent of the "notify me" button (actions/notify.py).
SUBSCRIBE_INTENT = "subscribe_dossier"
CANCELLATIONS = {
    "dossier_form": Cancellation(
        "utter_dossier_form_cancelled", extra_slots=("dossier_code_attempts",)
    )
}


def lookup_limit(env: Mapping[str, str] | None = None) -> tuple[int, float]:
    """(lookups, window in seconds) from ``DOSSIER_LOOKUP_LIMIT``: "10/600" or just "10"
    (per 10 minutes); the default when unset. A wrong value stops the action server at start."""
    rate = load_settings(env).dossier_lookup_limit
    return rate.count, rate.window_s


@functools.cache
def shared_lookup_limiter() -> SlidingWindowLimiter:
    """One limit per sender for every action that tells a dossier's status (the lookup, the
    subscription to its updates), so that codes cannot be probed through either."""
    return SlidingWindowLimiter(*lookup_limit(os.environ))


def over_limit(limiter: SlidingWindowLimiter, sender_id: str) -> str | None:
    """What a sender past the lookup limit is told; None when the lookup may go ahead."""
    if limiter.allow(sender_id):
        return None
    minutes = max(1, math.ceil(limiter.retry_after(sender_id) / 60))
    return say("dossiers.rate_limited", minutes=minutes)


def yes_no(flag: bool) -> str:
    return say("dossiers.yes_word") if flag else say("dossiers.no_word")


def format_status(
    status: DossierStatus,
    today: date,
    promise: PlanPromise | None = None,
    portal_url: str = "",
) -> str:
    """What a citizen holding the code is told, ending with what to do next; never the
    applicant's name or phone."""
    return say(
        "dossiers.status",
        code=status.code,
        procedure=status.procedure,
        receiving_unit=status.receiving_unit,
        status=status.status_label,
        received_on=vi_date(status.received_on),
        due_on=vi_date(status.due_on),
        timeliness=timeliness(status, today),
        paid_online=yes_no(status.paid_online),
        by_post=yes_no(status.result_by_post),
        next_step=next_step(status, promise, portal_url),
    )


def status_buttons(code: str) -> list[dict[str, str]]:
    """Notify me (an intent payload carrying the code, or its words when too long), file a
    complaint about this dossier, contact."""
    notify = say("next_steps.button_notify")
    payload = intent_payload(SUBSCRIBE_INTENT, dossier_code=code)
    return [
        (
            button(notify, payload)
            if fits_payload(payload)
            else text_button(notify, say("next_steps.button_notify_sends", code=code))
        ),
        text_button(
            say("next_steps.button_feedback"), say("next_steps.button_feedback_sends", code=code)
        ),
        text_button(say("next_steps.button_contact"), say("next_steps.button_contact_sends")),
    ]


DOSSIER_CODE = CodeField("dossier_code", find_dossier_code, normalize_dossier_code)


class ValidateDossierForm(FormValidationAction):
    def name(self) -> str:
        return "validate_dossier_form"

    async def extract_dossier_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # At activation, a request without a code ("tra cứu hồ sơ") is no try at all.
        return DOSSIER_CODE.extract(tracker)

    def validate_dossier_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        code = DOSSIER_CODE.read(value)
        if code:
            return {"dossier_code": code, "dossier_code_attempts": 0}
        attempts = int(tracker.get_slot("dossier_code_attempts") or 0) + 1
        if attempts >= MAX_CODE_ATTEMPTS:
            # Ends the form; action_dossier_status then says why.
            return {"dossier_code": None, "dossier_code_attempts": attempts, REQUESTED_SLOT: None}
        dispatcher.utter_message(response=WRONG_CODE)
        return {"dossier_code": None, "dossier_code_attempts": attempts}


class ActionDossierStatus(Action):
    """Looks the code up (rate-limited per sender) and tells the dossier's status."""

    def __init__(
        self,
        lookup: DossierLookup | None = None,
        limiter: SlidingWindowLimiter | None = None,
        *,
        today: Callable[[], date] = vietnam_today,
        plans: Engine | None = None,
    ) -> None:
        self._lookup = lookup
        self._today = today
        self._plans = plans  # the knowledge base's engine; None: the configured one
        # Not ``limiter or …``: an unused limiter has no keys, hence is falsy.
        self._limiter = limiter if limiter is not None else shared_lookup_limiter()

    def name(self) -> str:
        return "action_dossier_status"

    def lookup(self) -> DossierLookup:
        # Made on first use: the action server imports this module before the database is set.
        if self._lookup is None:
            self._lookup = make_dossier_lookup()
        return self._lookup

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        code = tracker.get_slot("dossier_code")
        reset = [SlotSet("dossier_code", None), SlotSet("dossier_code_attempts", 0)]
        if not code:
            if int(tracker.get_slot("dossier_code_attempts") or 0) >= MAX_CODE_ATTEMPTS:
                dispatcher.utter_message(response=TOO_MANY_WRONG_CODES)
            return reset
        text, status = await self.answer(tracker.sender_id, code)
        buttons = status_buttons(status.code) if status is not None else []
        dispatcher.utter_message(text=text, buttons=buttons)
        return reset

    async def answer(self, sender_id: str | None, code: str) -> tuple[str, DossierStatus | None]:
        """The reply, and the status it tells (None when it tells none)."""
        refused = over_limit(self._limiter, sender_id or "")
        if refused is not None:
            DOSSIER_LOOKUPS.labels(result="rate_limited").inc()
            return refused, None
        try:
            # The lookup may be an HTTP call: keep the event loop free for other users.
            status = await asyncio.to_thread(self.lookup().get, code)
        except DossierServiceUnavailable:
            DOSSIER_LOOKUPS.labels(result="unavailable").inc()
            logger.warning("dossier lookup unavailable", exc_info=True)
            return say("dossiers.unavailable", code=code), None
        DOSSIER_LOOKUPS.labels(result="not_found" if status is None else "found").inc()
        if status is None:
            return say("dossiers.not_found", code=code), None
        text = await asyncio.to_thread(describe, status, self._today(), self._plans)
        return text, status


def describe(
    status: DossierStatus,
    today: date,
    plans: Engine | None = None,
    env: Mapping[str, str] | None = None,
) -> str:
    """The whole status answer, with the plans' apology promise when the dossier is late and
    the portal when configured (reads the plans: call it off the event loop)."""
    promise = apology_promise(plans) if status.overdue else None
    return format_status(status, today, promise, load_settings(env).portal_url)
