"""Personal data: the notice the complaint form shows before asking for name and phone, and
"xóa dữ liệu của tôi" once the citizen confirmed it (data/rules/privacy.yml)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from actions.formatting import button
from knowledge.feedback.personal_data import ComplaintPersonalData
from knowledge.privacy.notice import consent_notice
from knowledge.shared.db import get_engine
from knowledge.shared.privacy import FORGET_CONVERSATION_SLOT
from knowledge.shared.settings import load_retention
from knowledge.shared.wording import say

logger = logging.getLogger(__name__)


class ActionAskFeedbackConsent(Action):
    """The notice (purpose, retention, rights) with "Đồng ý" / "Không đồng ý"."""

    def name(self) -> str:
        return "action_ask_feedback_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(
            text=consent_notice(load_retention()),
            buttons=[
                button(say("privacy.agree_button"), "/affirm"),
                button(say("privacy.decline_button"), "/deny"),
            ],
        )
        return []


class ActionEraseMyData(Action):
    """Blanks the contact of the complaints this conversation filed, then has the tracker
    store forget the conversation (slot forget_conversation, bot/tracker_store.py)."""

    def __init__(self, engine: Engine | None = None) -> None:
        self._engine = engine

    def name(self) -> str:
        return "action_erase_my_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        complaints = ComplaintPersonalData(self._engine or get_engine())
        try:
            erased = await asyncio.to_thread(
                complaints.erase_sender, tracker.sender_id or "", datetime.now(UTC)
            )
        except SQLAlchemyError:
            # Nothing is forgotten either: the citizen asks again once the store is back.
            logger.exception("erasing a citizen's complaint contacts failed")
            dispatcher.utter_message(text=say("privacy.erase_failed"))
            return []
        logger.info("erased the contact of %d complaints on the citizen's request", erased)
        if erased:
            dispatcher.utter_message(text=say("privacy.erased", complaints=erased))
        else:
            dispatcher.utter_message(text=say("privacy.erased_conversation_only"))
        return [SlotSet(FORGET_CONVERSATION_SLOT, True)]
