"""Dossier status for citizens ("hồ sơ của tôi đến đâu rồi"): dossier_form asks for the code
(actions/forms.py says how the citizens' forms tell answers from interruptions), then
action_dossier_status looks it up."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Mapping
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.formatting import vi_date
from actions.forms import REQUESTED_SLOT, Cancellation, CodeField
from knowledge.dossiers.codes import find_dossier_code, normalize_dossier_code
from knowledge.dossiers.lookup import make_dossier_lookup
from knowledge.dossiers.status import DossierLookup, DossierServiceUnavailable, DossierStatus
from knowledge.shared.metrics import DOSSIER_LOOKUPS
from knowledge.shared.ratelimit import SlidingWindowLimiter
from knowledge.shared.settings import load_settings
from knowledge.shared.wording import say

logger = logging.getLogger(__name__)

MAX_CODE_ATTEMPTS = 3

# Replies are worded in wording/dossiers.yml; the fixed ones are responses in domain/dossiers.yml.
WRONG_CODE = "utter_wrong_dossier_code"
TOO_MANY_WRONG_CODES = "utter_too_many_wrong_dossier_codes"
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


def yes_no(flag: bool) -> str:
    return say("dossiers.yes_word") if flag else say("dossiers.no_word")


def timeliness(status: DossierStatus) -> str:
    if status.finished_on is not None:
        finished_on = vi_date(status.finished_on)
        if status.overdue:
            return say("dossiers.finished_late", finished_on=finished_on)
        return say("dossiers.finished_on_time", finished_on=finished_on)
    return say("dossiers.overdue") if status.overdue else say("dossiers.not_overdue")


def format_status(status: DossierStatus) -> str:
    """What a citizen holding the code is told; never the applicant's name or phone."""
    return say(
        "dossiers.status",
        code=status.code,
        procedure=status.procedure,
        receiving_unit=status.receiving_unit,
        status=status.status_label,
        received_on=vi_date(status.received_on),
        due_on=vi_date(status.due_on),
        timeliness=timeliness(status),
        paid_online=yes_no(status.paid_online),
        by_post=yes_no(status.result_by_post),
    )


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
    ) -> None:
        self._lookup = lookup
        # Not ``limiter or …``: an unused limiter has no keys, hence is falsy.
        self._limiter = limiter if limiter is not None else SlidingWindowLimiter(*lookup_limit())

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
        dispatcher.utter_message(text=await self.answer(tracker.sender_id, code))
        return reset

    async def answer(self, sender_id: str | None, code: str) -> str:
        key = sender_id or ""
        if not self._limiter.allow(key):
            DOSSIER_LOOKUPS.labels(result="rate_limited").inc()
            minutes = max(1, math.ceil(self._limiter.retry_after(key) / 60))
            return say("dossiers.rate_limited", minutes=minutes)
        try:
            # The lookup may be an HTTP call: keep the event loop free for other users.
            status = await asyncio.to_thread(self.lookup().get, code)
        except DossierServiceUnavailable:
            DOSSIER_LOOKUPS.labels(result="unavailable").inc()
            logger.warning("dossier lookup unavailable", exc_info=True)
            return say("dossiers.unavailable", code=code)
        DOSSIER_LOOKUPS.labels(result="not_found" if status is None else "found").inc()
        if status is None:
            return say("dossiers.not_found", code=code)
        return format_status(status)
