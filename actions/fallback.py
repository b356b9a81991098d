"""Two-stage fallback: first suggest what the user may have meant, then offer a person."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.core import MENU, menu_buttons, worded_button
from actions.plans.actions import answer_as_plan_question
from actions.services import outcome
from knowledge.faq import FaqIndex, render
from knowledge.plans.decide import ABSTAIN
from knowledge.shared.wording import say

logger = logging.getLogger(__name__)

# What each intent is about, as a button of wording/core.yml: (title, text sent when pressed).
SUGGESTIONS: dict[str, tuple[str, str]] = {
    "ask_dossier_status": worded_button("menu_dossier"),
    "ask_online_payment": worded_button("menu_payment"),
    "ask_postal_service": worded_button("menu_postal"),
    "ask_online_service": worded_button("suggest_online_service"),
    "submit_feedback": worded_button("suggest_feedback"),
    "check_feedback_status": worded_button("suggest_feedback_status"),
    "ask_task_responsible": worded_button("suggest_responsible"),
    "ask_reporting_deadline": worded_button("suggest_deadline"),
    "ask_plan_target": worded_button("suggest_target"),
    "request_human": worded_button("suggest_human"),
}
HUMAN = SUGGESTIONS["request_human"]
MAX_SUGGESTIONS = 3


def suggestion_buttons(intent_ranking: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Buttons for the best-ranked intents that have a suggestion, then "Gặp cán bộ"."""
    chosen = [SUGGESTIONS[i["name"]] for i in intent_ranking if i.get("name") in SUGGESTIONS]
    picked = [pair for pair in dict.fromkeys(chosen) if pair != HUMAN][:MAX_SUGGESTIONS]
    if not picked:
        picked = list(MENU[:MAX_SUGGESTIONS])
    return [{"title": title, "payload": text} for title, text in [*picked, HUMAN]]


def consecutive_fallbacks(events: list[dict[str, Any]]) -> int:
    """How many user messages in a row, counting the latest, fell below the NLU threshold."""
    count = 0
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        if (event.get("parse_data") or {}).get("intent", {}).get("name") != "nlu_fallback":
            break
        count += 1
    return count


def contact_text() -> str:
    entries = FaqIndex.load().by_topic("contact")
    return render(entries[0]) if entries else ""


class ActionFallbackSuggest(Action):
    def name(self) -> str:
        return "action_fallback_suggest"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        # The NLU was unsure, but a long question about a plan task ("... thì bộ phận nào phối
        # hợp?") or a follow-up ("bên nào phối hợp?") is read by the plan question reader.
        try:
            answered = answer_as_plan_question(dispatcher, tracker)
        except SQLAlchemyError:  # the knowledge base unreadable: suggestions still help
            logger.warning("plans unreadable: fallback without the plan reader", exc_info=True)
            answered = None
        if answered is not None:
            return answered
        if consecutive_fallbacks(tracker.events) >= 2:
            second_try = say("core.fallback_second", contact=contact_text())
            dispatcher.utter_message(text=second_try, buttons=menu_buttons())
            return outcome(ABSTAIN)
        ranking = tracker.latest_message.get("intent_ranking") or []
        dispatcher.utter_message(
            text=say("core.fallback_first"), buttons=suggestion_buttons(ranking)
        )
        return outcome(ABSTAIN)
