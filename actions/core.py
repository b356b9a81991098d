"""Conversation basics: the capabilities menu, and cancelling whatever form is open."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import dossiers, feedback
from actions.forms import REQUESTED_SLOT, Cancellation, latest_text
from knowledge.shared.wording import say


def worded_button(name: str) -> tuple[str, str]:
    """Button ``name`` of wording/core.yml: (title shown, text sent back when pressed)."""
    return say(f"core.{name}"), say(f"core.{name}_sends")


# Plain text payloads go through NLU like typed text.
MENU: tuple[tuple[str, str], ...] = tuple(
    worded_button(name)
    for name in (
        "menu_dossier",
        "menu_payment",
        "menu_postal",
        "menu_feedback",
        "menu_plans",
        "menu_deadlines",
    )
)


def menu_buttons() -> list[dict[str, str]]:
    return [{"title": title, "payload": payload} for title, payload in MENU]


class ActionCapabilities(Action):
    def name(self) -> str:
        return "action_capabilities"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=say("core.menu"), buttons=menu_buttons())
        return []


# Responses in domain/core.yml; each form's own in its capability's domain file.
CANCELLED = Cancellation("utter_cancelled")
NOTHING_TO_CANCEL = "utter_nothing_to_cancel"
# What cancelling each form says, in the words of its capability.
CANCELLATIONS: dict[str, Cancellation] = {**dossiers.CANCELLATIONS, **feedback.CANCELLATIONS}


class ActionCancel(Action):
    """Stops the open form, forgets what was typed into it and says so: for the cancel intent
    (Telegram's /huy sends the /cancel payload) and for "hủy" or goodbye inside a form."""

    def name(self) -> str:
        return "action_cancel"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        form = (tracker.active_loop or {}).get("name")
        if not form:
            dispatcher.utter_message(response=NOTHING_TO_CANCEL)
            return []
        cancellation = CANCELLATIONS.get(form, CANCELLED)
        form_slots = domain.get("forms", {}).get(form, {}).get("required_slots", [])
        response = cancellation.response_at(tracker.get_slot(REQUESTED_SLOT), latest_text(tracker))
        dispatcher.utter_message(response=response)
        return [
            ActiveLoop(None),
            SlotSet(REQUESTED_SLOT, None),
            *(SlotSet(slot, None) for slot in [*form_slots, *cancellation.extra_slots]),
        ]
