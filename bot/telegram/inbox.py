"""The Telegram channel on the durable inbox (``knowledge.inbox``).

python-telegram-bot acknowledges an update once it sits in the application's update queue: by
polling, the Updater puts each fetched update there and only then asks Telegram for the next
ones with an offset past it (which confirms it); by webhook, the handler puts it there and only
then answers 200. :class:`InboxQueue` commits the update in its ``put``, so in both modes
Telegram learns of nothing the database does not hold, and a second delivery is dropped there.
:class:`InboxProcessor` claims each update before its handlers run and records the outcome;
the citizen's conversation (``handlers``) sends its replies through :func:`current_turn`, so a
replay sends none twice. The officials' commands do not: a replay may repeat their answers.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable
from contextvars import ContextVar
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, Update
from telegram.error import NetworkError
from telegram.ext import SimpleUpdateProcessor

from knowledge.inbox import Inbox, InboxItem, Sweeper, Turn, finish, holding

log = logging.getLogger(__name__)

CHANNEL = "telegram"
MAX_CONCURRENT_UPDATES = 256  # python-telegram-bot's default for concurrent_updates(True)

_TURN: ContextVar[Turn | None] = ContextVar("telegram_inbox_turn", default=None)


def current_turn() -> Turn:
    """The inbox turn of the update being handled; outside the inbox (an update given to
    ``process_update`` directly) a turn that records nothing."""
    return _TURN.get() or Turn()


def fail_current_turn(error: BaseException | None) -> None:
    """Called by the error handler: the update is recorded failed instead of done."""
    turn = _TURN.get()
    if turn is not None and error is not None:
        turn.failed = error


def payload_of(update: Update) -> dict[str, Any]:
    """The update as JSON, to rebuild it on a replay. Button payloads the library resolved
    (arbitrary callback data) stay resolved; one it had forgotten becomes null."""
    return json.loads(json.dumps(update.to_dict(), default=lambda _unknown: None))


def chat_of(update: Update) -> int:
    chat = update.effective_chat or update.effective_user
    return chat.id if chat is not None else 0


class InboxQueue(asyncio.Queue[object]):
    """The application's update queue: an update is committed to the inbox before ``put``
    returns, and a duplicate is dropped. ``replay`` queues a stored update again."""

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self._inbox = inbox

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and not await self._commit(item):
            return
        await super().put(item)

    def replay(self, update: Update) -> None:
        self.put_nowait(update)

    async def _commit(self, update: Update) -> bool:
        try:
            return await asyncio.to_thread(
                self._inbox.accept, CHANNEL, update.update_id, chat_of(update), payload_of(update)
            )
        except SQLAlchemyError as error:
            # A Telegram error, so that polling retries (without confirming) and a webhook
            # answers 500 (Telegram sends the update again later).
            raise NetworkError(f"inbox unavailable: {type(error).__name__}") from error


class InboxProcessor(SimpleUpdateProcessor):
    """Runs an update's handlers only under a claim of the inbox, then records it handled, or
    released for a retry when a handler failed."""

    def __init__(self, inbox: Inbox, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._inbox = inbox

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        claim = await asyncio.to_thread(self._inbox.claim, CHANNEL, update.update_id)
        if claim is None:  # handled already, or held by another worker
            if asyncio.iscoroutine(coroutine):
                coroutine.close()
            return
        turn = Turn(self._inbox, claim)
        token = _TURN.set(turn)
        try:
            async with holding(self._inbox, claim):
                await coroutine
        finally:
            _TURN.reset(token)
        # A handler that failed is not run again: the officials' commands act before they
        # answer and do not send through the turn. A crash is still replayed.
        await finish(self._inbox, turn, retry=False)


def telegram_sweeper(inbox: Inbox, queue: InboxQueue, bot: Bot) -> Sweeper:
    """Replays stored updates into the application's queue, where the processor claims them."""

    async def submit(item: InboxItem) -> None:
        update = Update.de_json(item.payload, bot)
        if update is None:
            log.error("telegram update %s cannot be rebuilt from the inbox", item.update_id)
            return
        queue.replay(update)

    return Sweeper(inbox, CHANNEL, submit)
