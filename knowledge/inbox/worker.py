"""Handling inbox updates from asyncio channels: a turn that sends each reply at most once and
keeps what must not be computed twice, the claim-handle-finish cycle, and the sweeper that
replays what a restart or a failure left.

Delivery is at least once: a crash after a reply reached the platform and before it was
recorded sends that one reply again on the replay. Everything recorded is never repeated.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from knowledge.inbox.store import Claim, Inbox, InboxItem
from knowledge.shared.clock import Clock, utc_now

log = logging.getLogger(__name__)

T = TypeVar("T")
SWEEP_EVERY_S = 30.0
# Handled updates are kept this long to recognise a late second delivery (Telegram keeps an
# unconfirmed update 24 hours), then deleted: they hold what people typed.
KEEP_HANDLED = timedelta(days=2)


class Turn:
    """One attempt at handling a claimed update.

    Replies go through :meth:`reply_once`, numbered in the order the handler sends them (their
    ordinal); a replay skips the ordinals an earlier attempt recorded as sent. The order is the
    same on every attempt as long as what the handler computes from outside (Rasa's answer) is
    kept with :meth:`remember`.
    """

    def __init__(self, inbox: Inbox | None = None, claim: Claim | None = None) -> None:
        self._inbox = inbox
        self._claim = claim
        self._sent = set(claim.sent) if claim else set()
        self._memo: dict[str, Any] = dict(claim.item.memo or {}) if claim else {}
        self._next = 0
        self.failed: BaseException | None = None  # set by the channel's error handler

    @property
    def claim(self) -> Claim | None:
        """None for an update handled outside the inbox (nothing recorded)."""
        return self._claim

    async def reply_once(self, send: Callable[[], Awaitable[T]]) -> T | None:
        """Send the next reply unless an earlier attempt did; what ``send`` returned, or None
        when skipped."""
        ordinal, self._next = self._next, self._next + 1
        if ordinal in self._sent:
            return None
        result = await send()
        if self._inbox is not None and self._claim is not None:
            await asyncio.to_thread(self._inbox.record_sent, self._claim, ordinal)
        self._sent.add(ordinal)
        return result

    async def remember(self, key: str, compute: Callable[[], Awaitable[Any]]) -> Any:
        """``compute()``'s JSON-able result, computed on the first attempt only."""
        if key in self._memo:
            return self._memo[key]
        value = await compute()
        self._memo[key] = value
        if self._inbox is not None and self._claim is not None:
            await asyncio.to_thread(self._inbox.remember, self._claim, dict(self._memo))
        return value


Handler = Callable[[Turn, InboxItem], Awaitable[None]]


async def handle(inbox: Inbox, channel: str, update_id: str | int, handler: Handler) -> bool:
    """Claim the update, run ``handler`` on it and record the outcome; False when it was not
    claimable (handled already, or held by another worker). A handler that raises has its
    update retried later (``Inbox.release``)."""
    claim = await asyncio.to_thread(inbox.claim, channel, update_id)
    if claim is None:
        return False
    turn = Turn(inbox, claim)
    try:
        async with holding(inbox, claim):
            await handler(turn, claim.item)
    except Exception as error:
        turn.failed = error
    await finish(inbox, turn)
    return True


@contextlib.asynccontextmanager
async def holding(inbox: Inbox, claim: Claim) -> AsyncIterator[None]:
    """Renews the claim while the block runs, so that a long handler (a document read) is not
    taken for a hung one and run a second time."""

    async def renew() -> None:
        while True:
            await asyncio.sleep(inbox.lease.total_seconds() / 3)
            try:
                await asyncio.to_thread(inbox.extend, claim)
            except SQLAlchemyError as error:
                log.warning("inbox claim of %s not renewed: %s", claim.item.update_id, error)

    renewer = asyncio.create_task(renew())
    try:
        yield
    finally:
        renewer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewer


async def finish(inbox: Inbox, turn: Turn, *, retry: bool = True) -> None:
    """Record a turn's outcome: done; or, when it failed, released for a retry (a channel
    whose handlers are not all safe to run twice passes ``retry=False``: given up)."""
    if turn.claim is None:
        return
    if turn.failed is None:
        await asyncio.to_thread(inbox.complete, turn.claim)
    elif retry:
        await asyncio.to_thread(inbox.release, turn.claim, turn.failed)
    else:
        await asyncio.to_thread(inbox.give_up, turn.claim, turn.failed)


class Sweeper:
    """Replays one channel's updates: at start every update the last run left unhandled, then
    every ``every_s`` those whose retry time came or whose worker hung; also deletes old handled
    updates. ``submit`` hands an update to the channel's handling (which claims it)."""

    def __init__(
        self,
        inbox: Inbox,
        channel: str,
        submit: Callable[[InboxItem], Awaitable[None]],
        *,
        every_s: float = SWEEP_EVERY_S,
        keep: timedelta = KEEP_HANDLED,
        clock: Clock = utc_now,
    ) -> None:
        self._inbox = inbox
        self._channel = channel
        self._submit = submit
        self._every_s = every_s
        self._keep = keep
        self._clock = clock
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Replay what the last run left, then keep sweeping in the background."""
        for item in await asyncio.to_thread(self._inbox.recover, self._channel):
            await self._submit(item)
        self._task = asyncio.create_task(self._sweep_forever(), name=f"inbox:{self._channel}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def sweep(self) -> None:
        """One round: submit what is due, delete what is old."""
        for item in await asyncio.to_thread(self._inbox.due, self._channel):
            await self._submit(item)
        await asyncio.to_thread(self._inbox.purge, self._clock() - self._keep)

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self._every_s)
            try:
                await self.sweep()
            except SQLAlchemyError as error:
                log.warning("inbox sweep of %s failed, tried again later: %s", self._channel, error)


class InboxWorker:
    """The whole cycle for a channel that has no dispatcher of its own (Zalo, web uploads):
    ``receive`` commits an update and handles it in the background; ``start`` replays."""

    def __init__(self, inbox: Inbox, channel: str, handler: Handler, **sweeper: Any) -> None:
        self._inbox = inbox
        self._channel = channel
        self._handler = handler
        self._tasks: set[asyncio.Task[bool]] = set()
        self.sweeper = Sweeper(inbox, channel, self._submit, **sweeper)

    async def receive(self, update_id: str | int, chat_id: str | int, payload: Any) -> bool:
        """Commit the update (acknowledge the platform after this returns) and start handling
        it; False for a duplicate, which is not handled again."""
        new = await asyncio.to_thread(
            self._inbox.accept, self._channel, update_id, chat_id, payload
        )
        if new:
            self._spawn(str(update_id))
        return new

    async def start(self) -> None:
        await self.sweeper.start()

    async def stop(self) -> None:
        """Stop sweeping and wait for the updates being handled."""
        await self.sweeper.stop()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _submit(self, item: InboxItem) -> None:
        self._spawn(item.update_id)

    def _spawn(self, update_id: str) -> None:
        task = asyncio.create_task(handle(self._inbox, self._channel, update_id, self._handler))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
