"""Where webhook events wait between Zalo's 200 and their answer, and who answers them.

``Inbox`` is what the channel needs of a durable store: the Zalo channel's own table
(``knowledge.zalo.events.EventStore``) fits it. The worker answers each stored event once, the
events of one user in the order they arrived, and marks it handled; an event whose answer could
not reach Zalo stays pending and is answered again at the next start.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, TypeVar

from bot.zalo.events import UserEvent, user_event
from bot.zalo.oa_api import ZaloUnavailable
from knowledge.zalo.events import StoredEvent

log = logging.getLogger(__name__)

T = TypeVar("T")


class Turn(Protocol):
    """One attempt at answering an event."""

    async def reply_once(self, send: Callable[[], Awaitable[T]]) -> T | None:
        """Send the next reply, unless an earlier attempt at this event sent it."""
        ...

    async def remember(self, key: str, compute: Callable[[], Awaitable[Any]]) -> Any:
        """``compute()``'s JSON-able result, computed on the first attempt only."""
        ...


class FirstTurn:
    """The turn of a store that records neither replies nor results: everything runs."""

    async def reply_once(self, send: Callable[[], Awaitable[T]]) -> T | None:
        return await send()

    async def remember(self, key: str, compute: Callable[[], Awaitable[Any]]) -> Any:
        return await compute()


Handler = Callable[[Turn, UserEvent], Awaitable[None]]


class Inbox(Protocol):
    def accept(self, event_id: str, user_id: str, payload: Mapping[str, Any]) -> bool:
        """Store the event; False when it was accepted before (a duplicate)."""
        ...

    def pending(self) -> list[StoredEvent]:
        """Events accepted and not yet handled, oldest first."""
        ...

    def done(self, event_id: str) -> None: ...


class Worker:
    def __init__(self, inbox: Inbox, handle: Handler) -> None:
        self._inbox = inbox
        self._handle = handle
        self._turns: dict[str, asyncio.Lock] = {}  # users with events scheduled
        self._scheduled: dict[str, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def accept(self, event: UserEvent, payload: Mapping[str, Any]) -> bool:
        """Store the event and schedule its answer; False for a duplicate (nothing scheduled)."""
        new = await asyncio.to_thread(self._inbox.accept, event.event_id, event.user_id, payload)
        if new:
            self._schedule(event)
        return new

    async def replay(self) -> int:
        """Schedule the events a previous run stored and did not answer; how many."""
        stored = await asyncio.to_thread(self._inbox.pending)
        for item in stored:
            event = user_event(item.payload)
            if event is None:  # cannot happen for what accept stored; do not loop on it
                await asyncio.to_thread(self._inbox.done, item.event_id)
            else:
                self._schedule(event)
        return len(stored)

    async def drain(self) -> None:
        """Wait until every scheduled answer has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _schedule(self, event: UserEvent) -> None:
        # Tasks start in creation order and take the user's lock before anything else, and
        # asyncio's locks are fair: one user's events are answered in the order they arrived.
        self._scheduled[event.user_id] = self._scheduled.get(event.user_id, 0) + 1
        task = asyncio.create_task(self._answer(event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, event: UserEvent) -> None:
        user = event.user_id
        try:
            async with self._turns.setdefault(user, asyncio.Lock()):
                await self._answer_once(event)
        finally:
            self._scheduled[user] -= 1
            if not self._scheduled[user]:
                del self._scheduled[user], self._turns[user]

    async def _answer_once(self, event: UserEvent) -> None:
        try:
            await self._handle(FirstTurn(), event)
        except ZaloUnavailable as error:
            log.error("Zalo event %s kept for the next start: %s", event.event_id, error)
            return
        except Exception:
            # Refused by Zalo for good (the user blocked the OA...) or a bug: answering again
            # would fail the same way.
            log.exception("Zalo event %s failed", event.event_id)
        await asyncio.to_thread(self._inbox.done, event.event_id)
