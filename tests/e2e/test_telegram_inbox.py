"""The durable inbox, end to end: the Telegram bot runs as its own process against a fake Bot
API, with the real Rasa and action servers; it is killed (SIGKILL) after Telegram was told the
message arrived and before it answered. Restarted, it answers the citizen exactly once."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import urllib.request
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from knowledge.inbox import Inbox
from knowledge.shared.db import get_engine
from tests.e2e.conftest import RunningStack, _free_port
from tests.e2e.fake_telegram import PollingBotApi, text_update
from tests.unit.telegram.telegram_fakes import TOKEN, serving

GREETING = "xin chào"
WEBHOOK_PATH = "telegram-hook"
WEBHOOK_SECRET = "inbox-e2e-secret"
WAIT_S = 90.0  # the bot's start and a Rasa turn on a busy 2-core machine
QUIET_S = 3.0  # after the answer: time for a second one to show itself


async def until(condition: Callable[[], bool], what: str, timeout_s: float = WAIT_S) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


class BotProcess:
    """``python -m bot.telegram`` with the stack's settings, restartable, killable."""

    def __init__(self, environ: dict[str, str], log: Path) -> None:
        self._environ = environ
        self._log = log
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self._log.open("ab") as log:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.telegram", env=self._environ, stdout=log, stderr=log
            )

    async def kill(self) -> None:
        """SIGKILL: nothing of the process's own shutdown runs."""
        assert self._process is not None
        self._process.kill()
        await self._process.wait()

    async def stop(self) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.terminate()
            try:
                await asyncio.wait_for(self._process.wait(), 20)
            except TimeoutError:
                await self.kill()

    def output(self) -> str:
        return self._log.read_text(errors="replace")


@asynccontextmanager
async def telegram_bot(
    stack: RunningStack, api: PollingBotApi, tmp_path: Path, metrics_port: int, **mode: str
) -> AsyncIterator[BotProcess]:
    certs = tmp_path / "no-ca"  # the fakes speak plain HTTP; spares loading the CA bundle
    certs.mkdir(exist_ok=True)
    environ = {
        **os.environ,
        **stack.settings,
        "TELEGRAM_METRICS_PORT": str(metrics_port),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "RASA_URL": stack.rasa_url,
        "SSL_CERT_DIR": str(certs),
        **mode,
    }
    environ.pop("SSL_CERT_FILE", None)
    bot = BotProcess(environ, tmp_path / "telegram.log")
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


@asynccontextmanager
async def fake_api() -> AsyncIterator[PollingBotApi]:
    api = PollingBotApi()
    async with serving(api.app()) as url:
        api.base_url = f"{url}/bot"
        yield api


async def answers_count(stack: RunningStack) -> int:
    """How many messages Rasa answers a greeting with, asked by another sender."""
    replies = await asyncio.to_thread(stack.say, "telegram-inbox-reference", GREETING)
    assert replies
    return len(replies)


def inbox_state(stack: RunningStack, update_id: int) -> str | None:
    item = Inbox(get_engine(stack.settings["DATABASE_URL"])).get("telegram", update_id)
    return None if item is None else item.state


def inbox_count(port: int, name: str) -> float:
    """A count of the bot's inbox metrics, read from its /metrics."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        for family in text_string_to_metric_families(response.read().decode()):
            for sample in family.samples:
                if sample.name == f"assistant_inbox_{name}_total":
                    return float(sample.value)
    return 0.0


async def assert_answered_once(
    stack: RunningStack, api: PollingBotApi, chat_id: int, update_id: int, bot: BotProcess
) -> None:
    expected = await answers_count(stack)
    await until(lambda: len(api.texts_to(chat_id)) >= expected, "the answer after the restart")
    await until(lambda: inbox_state(stack, update_id) == "done", "the update marked handled")
    await asyncio.sleep(QUIET_S)
    assert len(api.texts_to(chat_id)) == expected, (api.texts_to(chat_id), bot.output()[-3000:])


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True


def post_update(port: int, update: dict[str, Any]) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/{WEBHOOK_PATH}",
        data=json.dumps(update).encode(),
        headers={
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET,
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(response.status)


async def test_inbox_polling_bot_killed_before_answering_answers_once_after_restart(
    stack: RunningStack, tmp_path: Path
) -> None:
    chat_id, update_id = 710_001, 910_001
    metrics = _free_port()
    async with fake_api() as api:
        api.hold_typing.add(chat_id)
        api.send_update(text_update(update_id, chat_id, GREETING))
        async with telegram_bot(stack, api, tmp_path, metrics, TELEGRAM_MODE="polling") as bot:
            await until(lambda: chat_id in api.held, "the bot to start handling the message")
            await until(lambda: api.confirmed_below > update_id, "Telegram told it arrived")
            await bot.kill()
            assert api.texts_to(chat_id) == []
            # Telegram will not send it again: only the inbox still has it.
            assert api.queued == []
            await bot.start()
            await assert_answered_once(stack, api, chat_id, update_id, bot)
            assert inbox_count(metrics, "replayed") == 1


async def test_inbox_webhook_bot_killed_before_answering_answers_once_after_restart(
    stack: RunningStack, tmp_path: Path
) -> None:
    chat_id, update_id = 720_001, 920_001
    port, metrics = _free_port(), _free_port()
    update = text_update(update_id, chat_id, GREETING)
    async with fake_api() as api:
        api.hold_typing.add(chat_id)
        webhook = {
            "TELEGRAM_MODE": "webhook",
            "TELEGRAM_WEBHOOK_URL": f"https://bot.example.vn/{WEBHOOK_PATH}",
            "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "TELEGRAM_WEBHOOK_PORT": str(port),
            "BIND_HOST": "127.0.0.1",
        }
        async with telegram_bot(stack, api, tmp_path, metrics, **webhook) as bot:
            await until(lambda: listening(port), "the webhook to listen")
            assert await asyncio.to_thread(post_update, port, update) == 200
            assert inbox_state(stack, update_id) is not None  # committed before the 200
            await until(lambda: chat_id in api.held, "the bot to start handling the message")
            await bot.kill()
            assert api.texts_to(chat_id) == []
            await bot.start()
            await until(lambda: listening(port), "the webhook to listen again")
            # Telegram sends an update again when it got no 200: a duplicate, dropped.
            assert await asyncio.to_thread(post_update, port, update) == 200
            await assert_answered_once(stack, api, chat_id, update_id, bot)
            assert (inbox_count(metrics, "replayed"), inbox_count(metrics, "duplicates")) == (1, 1)
