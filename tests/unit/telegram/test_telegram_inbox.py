"""The Telegram channel on the durable inbox: updates go through the application's queue and
update processor (as polling and the webhook deliver them), against the fake Bot API and Rasa."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from telegram.error import NetworkError
from telegram.ext import Application

from bot.telegram.config import Settings
from bot.telegram.inbox import CHANNEL, InboxQueue, payload_of
from knowledge.inbox import Inbox, Turn
from tests.unit.telegram.telegram_fakes import (
    CHAT_ID,
    FakeBotApi,
    FakeRasa,
    running,
    text_update,
)

ANSWER = [{"text": "Dạ, hồ sơ đang được xử lý."}, {"text": "Anh/chị cần gì thêm ạ?"}]


@pytest.fixture
def inbox_settings(settings: Settings, tmp_path: Path) -> Settings:
    """A database of the test's own: what a restart finds there is what the test left."""
    return replace(settings, database_url=f"sqlite:///{tmp_path / 'inbox.db'}")


def inbox_of(settings: Settings) -> Inbox:
    assert settings.database_url is not None
    return Inbox(create_engine(settings.database_url))


@asynccontextmanager
async def started(settings: Settings) -> AsyncIterator[Application]:
    """The application handling its update queue, as run_polling and run_webhook have it."""
    async with running(settings) as application:
        await application.start()
        try:
            yield application
        finally:
            await application.stop()


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0.025)
    raise AssertionError("timed out")


def state(settings: Settings, update_id: int) -> str | None:
    item = inbox_of(settings).get(CHANNEL, update_id)
    return None if item is None else item.state


async def test_inbox_an_update_delivered_twice_is_answered_once(
    inbox_settings: Settings, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    rasa.answers["hồ sơ của tôi"] = ANSWER
    async with started(inbox_settings) as application:
        update = text_update(application, "hồ sơ của tôi")
        await application.update_queue.put(update)
        await until(lambda: state(inbox_settings, update.update_id) == "done")
        await application.update_queue.put(update)  # Telegram sends it again
        await asyncio.sleep(0.2)
    assert rasa.messages() == ["hồ sơ của tôi"]
    assert bot_api.texts_to(CHAT_ID) == [reply["text"] for reply in ANSWER]


async def test_inbox_a_message_received_before_a_restart_is_answered_at_start(
    inbox_settings: Settings, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    rasa.answers["hồ sơ của tôi"] = ANSWER
    async with running(inbox_settings) as before:
        update = text_update(before, "hồ sơ của tôi")
    # Committed (so confirmed to Telegram), then the process died before handling it.
    inbox_of(inbox_settings).accept(CHANNEL, update.update_id, CHAT_ID, payload_of(update))
    async with started(inbox_settings):
        await until(lambda: state(inbox_settings, update.update_id) == "done")
    assert rasa.messages() == ["hồ sơ của tôi"]
    assert bot_api.texts_to(CHAT_ID) == [reply["text"] for reply in ANSWER]


async def test_inbox_a_replay_after_rasa_answered_sends_the_rest_without_asking_rasa_again(
    inbox_settings: Settings, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    async with running(inbox_settings) as before:
        update = text_update(before, "hồ sơ của tôi")
    inbox = inbox_of(inbox_settings)
    inbox.accept(CHANNEL, update.update_id, CHAT_ID, payload_of(update))
    # The last run got Rasa's answer, sent its first reply, and died.
    turn = Turn(inbox, inbox.claim(CHANNEL, update.update_id))
    await turn.remember("rasa", lambda: asyncio.sleep(0, [{**r, "buttons": []} for r in ANSWER]))
    await turn.reply_once(lambda: asyncio.sleep(0))
    async with started(inbox_settings):
        await until(lambda: state(inbox_settings, update.update_id) == "done")
    assert rasa.messages() == []
    assert bot_api.texts_to(CHAT_ID) == ["Anh/chị cần gì thêm ạ?"]


async def test_inbox_an_update_the_database_cannot_take_is_not_acknowledged(
    inbox_settings: Settings, tmp_path: Path
) -> None:
    """put raises a Telegram error: polling retries without confirming, a webhook answers 500."""
    unreachable = Inbox(create_engine(f"sqlite:///{tmp_path / 'missing' / 'inbox.db'}"))
    queue = InboxQueue(unreachable)
    async with running(inbox_settings) as application:
        update = text_update(application, "xin chào")
    with pytest.raises(NetworkError, match="inbox unavailable"):
        await queue.put(update)
    assert queue.empty()


async def test_inbox_an_update_whose_handler_failed_is_kept_failed_and_not_run_again(
    inbox_settings: Settings, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    rasa.answers["hồ sơ của tôi"] = ANSWER
    bot_api.failures["sendMessage"].append(
        (400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"})
    )
    async with started(inbox_settings) as application:
        update = text_update(application, "hồ sơ của tôi")
        await application.update_queue.put(update)
        await until(lambda: state(inbox_settings, update.update_id) == "failed")
    async with started(inbox_settings):  # a restart does not replay it
        await asyncio.sleep(0.2)
    assert rasa.messages() == ["hồ sơ của tôi"]
