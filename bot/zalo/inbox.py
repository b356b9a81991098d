"""Where webhook events wait between Zalo's 200 and their answer, and who answers them.

Events go through the durable inbox every channel shares (``knowledge.inbox``): committed
before Zalo gets its 200, a second delivery of one dropped, replayed after a restart, each reply
sent once. ``knowledge.inbox.InboxWorker`` would answer events as they come; this worker also
keeps one user's events in the order they arrived (a citizen's "2" must not overtake the
question it answers), by claiming each only once the user's previous event is done.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.zalo.events import UserEvent, user_event
from bot.zalo.oa_api import ZaloError
from knowledge.inbox import Inbox, InboxItem, Sweeper, Turn, handle
from knowledge.shared.clock import Clock, utc_now

log = logging.getLogger(__name__)

CHANNEL = "zalo"
Handler = Callable[[Turn, UserEvent], Awaitable[None]]


class Worker:
    """Answers the channel's events from the inbox, one user's in order.

    A reply Zalo refuses for good (``ZaloError``: the user blocked the OA, ...) ends the event;
    one that cannot reach Zalo (``ZaloUnavailable``) has it retried later by the inbox, the
    replies already sent skipped.
    """

    def __init__(self, inbox: Inbox, handler: Handler, clock: Clock = utc_now) -> None:
        self._inbox = inbox
        self._handler = handler
        self._sweeper = Sweeper(inbox, CHANNEL, self._submit, clock=clock)
        self._turns: dict[str, asyncio.Lock] = {}  # users with events scheduled
        self._scheduled: dict[str, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Answer what the last run left, then keep sweeping for retries."""
        await self._sweeper.start()

    async def accept(self, event: UserEvent, payload: Mapping[str, Any]) -> bool:
        """Commit the event and schedule its answer; False for a duplicate."""
        new = await asyncio.to_thread(
            self._inbox.accept, CHANNEL, event.event_id, event.user_id, dict(payload)
        )
        if new:
            self._schedule(event.event_id, event.user_id)
        return new

    async def drain(self) -> None:
        """Wait until every scheduled answer has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        await self._sweeper.stop()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _submit(self, item: InboxItem) -> None:
        self._schedule(item.update_id, item.chat_id)

    def _schedule(self, event_id: str, user: str) -> None:
        # Tasks start in creation order and take the user's lock before anything else, and
        # asyncio's locks are fair: one user's events are claimed in the order they arrived.
        self._scheduled[user] = self._scheduled.get(user, 0) + 1
        task = asyncio.create_task(self._answer(event_id, user))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, event_id: str, user: str) -> None:
        try:
            async with self._turns.setdefault(user, asyncio.Lock()):
                await handle(self._inbox, CHANNEL, event_id, self._answer_item)
        finally:
            self._scheduled[user] -= 1
            if not self._scheduled[user]:
                del self._scheduled[user], self._turns[user]

    async def _answer_item(self, turn: Turn, item: InboxItem) -> None:
        event = user_event(item.payload)
        if event is None:  # accept stores user events only
            return
        try:
            await self._handler(turn, event)
        except ZaloError as error:
            log.warning("Zalo event %s not answered: %s", event.event_id, error)
