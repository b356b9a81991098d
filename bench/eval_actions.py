"""The answering actions driven without Rasa, for `make eval --mode actions`: the bank's answer
type stands in for the NLU's intent, slots are carried from turn to turn as Rasa would, and a
button's payload ("/choose_task{...}") is read as Rasa reads it."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.plans.actions import actions_by_intent
from actions.services import ActionAnswerFaq
from bench.eval_bank import Observed

# The intent the NLU should give each answer type of the bank.
INTENT_OF_TYPE = {
    "lead": "ask_task_responsible",
    "support": "ask_task_responsible",
    "lead_support": "ask_task_responsible",
    "due": "ask_task_due",
    "product": "ask_task_responsible",
    "unit_tasks": "ask_unit_tasks",
    "target": "ask_plan_target",
    "deadline": "ask_reporting_deadline",
    "plan_info": "ask_plan_info",
    "ambiguous": "ask_task_responsible",
    "unanswerable": "ask_task_responsible",
    "faq": "ask_online_service",
    "promise": "ask_online_service",
    "out_of_scope": "ask_online_service",
}
_PAYLOAD = re.compile(r"^/(?P<intent>\w+)(?P<entities>\{.*\})?$")


class ActionsConversations:
    def __init__(self) -> None:
        faq = ActionAnswerFaq()
        self._actions: dict[str, Action] = {
            **actions_by_intent(),
            "ask_online_service": faq,
            "ask_online_payment": faq,
            "ask_postal_service": faq,
        }
        self._slots: dict[str, dict[str, Any]] = {}

    def ask(self, sender: str, text: str, answer_type: str) -> Observed:
        slots = self._slots.setdefault(sender, {})
        intent, entities = INTENT_OF_TYPE.get(answer_type, "ask_task_responsible"), []
        pressed = _PAYLOAD.match(text)
        if pressed:
            intent = pressed["intent"]
            values = json.loads(pressed["entities"] or "{}")
            entities = [{"entity": k, "value": v} for k, v in values.items()]
            slots.update(values)
        message = {"text": text, "intent": {"name": intent}, "entities": entities}
        tracker = Tracker(sender, dict(slots), message, [], False, None, {}, "action_listen")
        dispatcher = CollectingDispatcher()
        events = asyncio.run(self._actions[intent].run(dispatcher, tracker, {}))
        outcome = reference = ""
        for event in events:
            if event.get("event") == "slot":
                slots[event["name"]] = event["value"]
                if event["name"] == "answer_outcome":
                    outcome = str(event["value"] or "")
                if event["name"] == "answer_reference":
                    reference = str(event["value"] or "")
        replies = dispatcher.messages
        return Observed(
            outcome,
            "\n".join(str(m.get("text") or "") for m in replies),
            tuple(
                (str(b["title"]), str(b["payload"]))
                for m in replies
                for b in m.get("buttons") or ()
            ),
            reference,
        )
