"""Dossier updates for citizens: "Nhận thông báo khi hồ sơ có thay đổi" (the button under a
status answer, or typed) and "hủy nhận thông báo" (a button under each update, typed, or
Telegram's /huythongbao). The watcher that sends the updates is knowledge/notify/watcher.py."""

from __future__ import annotations

import asyncio
import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import Engine

from actions.dossiers import over_limit, shared_lookup_limiter
from actions.forms import entity_value, latest_text
from knowledge.dossiers.codes import find_dossier_code, normalize_dossier_code
from knowledge.dossiers.lookup import make_dossier_lookup
from knowledge.dossiers.status import DossierLookup, DossierServiceUnavailable
from knowledge.notify.messages import unsubscribe_button
from knowledge.notify.service import (
    CLOSED_STATUSES,
    MAX_PER_CHAT,
    SubscriptionStore,
    TooManySubscriptions,
)
from knowledge.officials import WEB, channel_of
from knowledge.shared.clock import Clock, utc_now
from knowledge.shared.db import get_engine
from knowledge.shared.ratelimit import SlidingWindowLimiter
from knowledge.shared.wording import say

logger = logging.getLogger(__name__)


def code_in(tracker: Tracker) -> str | None:
    """The dossier code the latest message names (a button's entity, or written in it)."""
    value = entity_value(tracker, "dossier_code")
    found = normalize_dossier_code(value) if value else None
    return found or find_dossier_code(latest_text(tracker))


class _UsesSubscriptions:
    """The subscriptions and the dossier store, made on first use (the action server imports
    actions before the database is configured)."""

    def __init__(self, engine: Engine | None = None, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._store: SubscriptionStore | None = None
        self._clock = clock

    def subscriptions(self) -> SubscriptionStore:
        if self._store is None:
            self._store = SubscriptionStore(self._engine or get_engine())
        return self._store


class ActionSubscribeDossier(_UsesSubscriptions, Action):
    def __init__(
        self,
        lookup: DossierLookup | None = None,
        engine: Engine | None = None,
        *,
        limiter: SlidingWindowLimiter | None = None,
        clock: Clock = utc_now,
    ) -> None:
        super().__init__(engine, clock)
        self._lookup = lookup
        self._limiter = limiter

    def name(self) -> str:
        return "action_subscribe_dossier"

    def lookup(self) -> DossierLookup:
        if self._lookup is None:
            self._lookup = make_dossier_lookup()
        return self._lookup

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        code = code_in(tracker)
        if code is None:
            dispatcher.utter_message(text=say("notify.which_code"))
            return []
        reply, subscribed = await self.subscribe(tracker.sender_id or "", code)
        buttons = [vars(unsubscribe_button(code))] if subscribed else []
        dispatcher.utter_message(text=reply, buttons=buttons)
        return []

    async def subscribe(self, chat: str, code: str) -> tuple[str, bool]:
        """The reply, and whether the chat now follows the dossier."""
        limiter = self._limiter if self._limiter is not None else shared_lookup_limiter()
        refused = over_limit(limiter, chat)
        if refused is not None:
            return refused, False
        try:
            status = await asyncio.to_thread(self.lookup().get, code)
        except DossierServiceUnavailable:
            logger.warning("dossier lookup unavailable", exc_info=True)
            return say("dossiers.unavailable", code=code), False
        if status is None:
            return say("dossiers.not_found", code=code), False
        if status.status in CLOSED_STATUSES:
            return say("notify.already_finished", code=code, status=status.status_label), False
        try:
            new = await asyncio.to_thread(
                self.subscriptions().subscribe, chat, status.code, status.status, self._clock()
            )
        except TooManySubscriptions:
            return say("notify.too_many", count=MAX_PER_CHAT), False
        if not new:
            return say("notify.already_subscribed", code=status.code), True
        key = "notify.subscribed_web" if channel_of(chat) == WEB else "notify.subscribed"
        return say(key, code=status.code, status=status.status_label), True


class ActionUnsubscribeDossier(_UsesSubscriptions, Action):
    def name(self) -> str:
        return "action_unsubscribe_dossier"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        stopped = await asyncio.to_thread(
            self.subscriptions().unsubscribe,
            tracker.sender_id or "",
            code_in(tracker),
            self._clock(),
        )
        if stopped:
            dispatcher.utter_message(text=say("notify.unsubscribed", codes=", ".join(stopped)))
        else:
            dispatcher.utter_message(text=say("notify.nothing_to_unsubscribe"))
        return []
