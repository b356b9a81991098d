"""Citizens' practical questions (online payment, public postal service, online public services)
and "gặp cán bộ", answered from the curated FAQ with the plan line behind it, cited."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from actions.formatting import source_line
from actions.forms import latest_intent, latest_text
from actions.plans.actions import answer_as_plan_question
from actions.plans.replies import plans_by_slug
from actions.plans.targets import promised
from knowledge.faq import (
    TOPIC_BY_INTENT,
    FaqEntry,
    FaqIndex,
    RelatedFact,
    contact_details,
    render,
)
from knowledge.plans.decide import ABSTAIN, ANSWER
from knowledge.plans.service import NotFoundError, PlanInfo, plan_info
from knowledge.shared.db import get_engine
from knowledge.shared.wording import say

logger = logging.getLogger(__name__)

# One plan line is enough to show where the answer stands in the plans; more would bury it.
RELATED_SHOWN = 1
FALLBACK_TOPIC = "contact"


# How much better (0-100) an entry of another topic must fit than the intent's best entry.
TOPIC_MARGIN = 5.0


def pick_entry(index: FaqIndex, intent: str | None, text: str) -> FaqEntry | None:
    """The entry closest to ``text``: in the intent's topic, unless an entry of another topic
    fits clearly better (the NLU's topic is a hint: "không thanh toán online được thì nộp phí ở
    đâu" may come as a question about online services); None when no entry answers it (the
    assistant then says it cannot help with this, rather than giving a generic text). Asking
    for a person always gets the contact entry."""
    topic = TOPIC_BY_INTENT.get(intent or "", FALLBACK_TOPIC)
    in_topic = index.best(text, topic) if text else None
    anywhere = index.best(text) if text else None
    if anywhere is not None and (
        in_topic is None or anywhere.score >= in_topic.score + TOPIC_MARGIN
    ):
        return anywhere.entry
    if in_topic is not None:
        return in_topic.entry
    entries = index.by_topic(topic) if topic == FALLBACK_TOPIC else ()
    return entries[0] if entries else None


def not_supported(env: Mapping[str, str] | None = None) -> str:
    """What the assistant cannot help with, and where to ask instead."""
    contact = contact_details(env)
    return say("services.not_supported", office=contact["office"], hotline=contact["hotline"])


def outcome(kind: str, reference: str = "") -> list[EventType]:
    """The events recording what an answer did, for metrics and `make eval`."""
    return [SlotSet("answer_outcome", kind), SlotSet("answer_reference", reference)]


def related_lines(fact: RelatedFact, plan: PlanInfo) -> list[str]:
    return [say("citations.plan_says", quote=fact.quote), source_line(plan, [fact.section])]


class ActionAnswerFaq(Action):
    """Answers ask_online_payment, ask_postal_service, ask_online_service and request_human."""

    def __init__(
        self,
        index: FaqIndex | None = None,
        engine: Engine | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._index = index
        self._engine = engine
        self._env = env

    def name(self) -> str:
        return "action_answer_faq"

    def index(self) -> FaqIndex:
        if self._index is None:
            self._index = FaqIndex.load()
        return self._index

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = latest_text(tracker)
        entry = pick_entry(self.index(), latest_intent(tracker), text)
        if entry is None:
            promise = await asyncio.to_thread(promised, text, plans_by_slug()) if text else None
            if promise is not None:  # what the plans promise citizens on this: cited
                dispatcher.utter_message(text=promise.text)
                return outcome(ANSWER, promise.reference)
            # A question about the plans that reached this intent: the plan reader's answer.
            read = await asyncio.to_thread(answer_as_plan_question, dispatcher, tracker)
            if read is not None:
                return read
            dispatcher.utter_message(text=not_supported(self._env))
            return outcome(ABSTAIN)
        lines = [render(entry, self._env)]
        lines += await asyncio.to_thread(self.plan_lines, entry)
        dispatcher.utter_message(text="\n".join(lines))
        return outcome(ANSWER, f"faq:{entry.id}")

    def plan_lines(self, entry: FaqEntry) -> list[str]:
        """The entry's plan lines with their citation; none when the plans cannot be read,
        since an uncited quote is worse than no quote."""
        engine = self._engine or get_engine()
        lines: list[str] = []
        try:
            for fact in entry.related[:RELATED_SHOWN]:
                lines += related_lines(fact, plan_info(fact.document, engine))
        except (SQLAlchemyError, NotFoundError):
            logger.warning("plan unreadable: FAQ answer without plan lines", exc_info=True)
            return []
        return lines
