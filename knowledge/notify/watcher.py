"""The watcher: looks at every subscribed dossier of one channel at an interval, and for each
status change sends the subscriber one message (claim → send → mark, see service.py).

Each channel runs its own watcher in its own long-running process, with a sender that speaks
its API: the Telegram bot (bot/telegram/notify.py), the web server's outbox
(bot/web/notifications.py), and any later channel (Zalo) by implementing
:class:`NotificationSender`.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Protocol

from sqlalchemy import Engine

from knowledge.dossiers.lookup import make_dossier_lookup
from knowledge.dossiers.next_step import apology_promise
from knowledge.dossiers.status import DossierLookup, DossierServiceUnavailable, DossierStatus
from knowledge.notify.messages import Notification, status_changed
from knowledge.notify.service import BLOCKED, Subscription, SubscriptionStore
from knowledge.shared.clock import Clock, utc_now
from knowledge.shared.db import get_engine
from knowledge.shared.periods import vietnam_today
from knowledge.shared.settings import load_settings

log = logging.getLogger(__name__)

# A claim older than this belongs to a watcher that died: another may send it.
DEFAULT_LEASE = timedelta(minutes=2)


class Sent(enum.Enum):
    """What became of one notification."""

    SENT = "sent"
    BLOCKED = "blocked"  # the chat refuses the bot for good (Telegram 403): the subscription ends
    FAILED = "failed"  # not now (network, rate limit): the next round tries again


class NotificationSender(Protocol):
    """One channel's way of pushing a message to a chat."""

    channel: str  # as knowledge.officials.channel_of names it: "telegram", "zalo", "web"

    async def send(self, notification: Notification) -> Sent: ...


class Watcher:
    def __init__(
        self,
        store: SubscriptionStore,
        lookup: DossierLookup,
        sender: NotificationSender,
        *,
        poll_s: float,
        clock: Clock = utc_now,
        lease: timedelta = DEFAULT_LEASE,
        plans: Engine | None = None,
        portal_url: str = "",
    ) -> None:
        self._store = store
        self._lookup = lookup
        self._sender = sender
        self._poll_s = poll_s
        self._clock = clock
        self._lease = lease
        self._plans = plans
        self._portal_url = portal_url

    async def run(self) -> None:
        """Poll until cancelled; a failed round is logged and the next one tries again."""
        log.info("watching dossiers for %s every %.0f s", self._sender.channel, self._poll_s)
        while True:
            try:
                await self.poll_once()
            except Exception:
                log.exception("dossier watcher round failed")
            await asyncio.sleep(self._poll_s)

    async def poll_once(self) -> int:
        """One look at every subscription of the channel; the number of messages sent."""
        now = self._clock()
        subscriptions = await asyncio.to_thread(
            self._store.claimable, self._sender.channel, now, self._lease
        )
        statuses: dict[str, DossierStatus | None] = {}
        sent = 0
        for subscription in subscriptions:
            code = subscription.dossier_code
            if code not in statuses:
                statuses[code] = await self._status(code)
            status = statuses[code]
            if status is None or status.status == subscription.notified_status:
                continue
            sent += await self._notify(subscription, status)
        return sent

    async def _status(self, code: str) -> DossierStatus | None:
        try:
            return await asyncio.to_thread(self._lookup.get, code)
        except DossierServiceUnavailable:
            log.warning("dossier %s unavailable; looked at again next round", code)
            return None

    async def _notify(self, subscription: Subscription, status: DossierStatus) -> int:
        now = self._clock()
        claimed = await asyncio.to_thread(
            self._store.claim, subscription, status.status, now, self._lease
        )
        if not claimed:
            return 0
        notification = await asyncio.to_thread(self._message, subscription.chat, status)
        result = await self._sender.send(notification)
        if result is Sent.SENT:
            await asyncio.to_thread(self._store.mark_sent, subscription, status.status, now)
            return 1
        if result is Sent.BLOCKED:
            log.info("chat %s blocks the bot: its subscription ends", subscription.chat)
            await asyncio.to_thread(self._store.end, subscription, BLOCKED, now)
        else:
            await asyncio.to_thread(self._store.release, subscription)
        return 0

    def _message(self, chat: str, status: DossierStatus) -> Notification:
        promise = apology_promise(self._plans) if status.overdue else None
        return status_changed(chat, status, self._today(), promise, self._portal_url)

    def _today(self) -> date:
        return vietnam_today(self._clock())


def watcher_for(
    sender: NotificationSender, env: Mapping[str, str] | None = None, *, clock: Clock = utc_now
) -> Watcher:
    """The watcher of ``sender``'s channel as the settings describe it: the configured
    database and dossier store (local table or provincial API), ``NOTIFY_POLL_S``, the portal."""
    settings = load_settings(env)
    engine = get_engine(settings.database_url)
    return Watcher(
        SubscriptionStore(engine),
        make_dossier_lookup(env),
        sender,
        poll_s=settings.notify_poll_s,
        clock=clock,
        plans=engine,
        portal_url=settings.portal_url,
    )
