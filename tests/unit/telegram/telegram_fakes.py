"""Fakes for the Telegram channel tests: a Bot API server and a Rasa REST channel, both local.

The application under test talks to both over real HTTP on 127.0.0.1, so its own request code,
retry hook and Rasa client are exercised; updates are fed with ``process_update``. Named
uniquely (not conftest) so test modules can import it whatever other conftest files exist.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from aiohttp.web_request import FileField
from telegram import Update
from telegram.ext import Application

from bot.telegram.app import build_application
from bot.telegram.config import Settings
from knowledge.shared.clock import Clock, utc_now

TOKEN = "123456:TEST-token"
CHAT_ID = 4242
BOT_USER: dict[str, Any] = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Trợ lý",
    "username": "tro_ly_test_bot",
}
USER: dict[str, Any] = {"id": CHAT_ID, "is_bot": False, "first_name": "Lan"}
OFFICIAL: dict[str, Any] = {
    "id": 9001,
    "is_bot": False,
    "first_name": "Hùng",
    "username": "can_bo_noi_vu",
}
JSON_FIELDS = ("reply_markup", "commands", "scope")


@dataclass
class FakeBotApi:
    """Telegram Bot API methods the channel calls, recording every request in order."""

    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # method -> scripted (status, body) answers returned before the method succeeds again
    failures: dict[str, list[tuple[int, dict[str, Any]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    keyboard_removed: set[int] = field(default_factory=set)
    delivered: list[dict[str, Any]] = field(default_factory=list)  # messages as Telegram has them
    base_url: str = ""
    files: dict[str, bytes] = field(default_factory=dict)  # file_id -> content, for getFile
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(100))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(f"/bot{TOKEN}/{{method}}", self.handle)
        app.router.add_get(f"/file/bot{TOKEN}/documents/{{file_id}}", self.download)
        return app

    async def download(self, request: web.Request) -> web.Response:
        self.requests.append(("download", {"file_id": request.match_info["file_id"]}))
        content = self.files.get(request.match_info["file_id"])
        return web.Response(body=content) if content is not None else web.Response(status=404)

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        # Files sent (sendPhoto, sendDocument) arrive as their bytes.
        params: dict[str, Any] = {
            name: value.file.read() if isinstance(value, FileField) else value
            for name, value in (await request.post()).items()
        }
        for name in JSON_FIELDS:
            if name in params:
                params[name] = json.loads(params[name])
        self.requests.append((method, params))
        if method == "getUpdates":  # a bot run as a process polls: a short empty long poll
            await asyncio.sleep(0.2)
            return web.json_response({"ok": True, "result": []})
        if self.failures[method]:
            status, body = self.failures[method].pop(0)
            return web.json_response(body, status=status)
        if method == "editMessageReplyMarkup":
            message_id = int(params["message_id"])
            if message_id in self.keyboard_removed:
                return web.json_response(
                    {"ok": False, "error_code": 400, "description": "message is not modified"},
                    status=400,
                )
            self.keyboard_removed.add(message_id)
        return web.json_response({"ok": True, "result": self.result(method, params)})

    def result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getFile":
            file_id = str(params["file_id"])
            return {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}",
                "file_size": len(self.files.get(file_id, b"")),
                "file_path": f"documents/{file_id}",
            }
        if method in ("sendPhoto", "sendDocument"):
            return {
                "message_id": next(self._message_ids),
                "date": 1_700_000_000,
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT_USER,
            }
        if method == "sendMessage":
            message = {
                "message_id": next(self._message_ids),
                "date": 1_700_000_000,
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT_USER,
                "text": params["text"],
                **({"reply_markup": params["reply_markup"]} if "reply_markup" in params else {}),
            }
            self.delivered.append(message)
            return message
        return True

    def calls(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.requests if name == method]

    def texts(self) -> list[str]:
        """Texts the bot sent, in order (failed attempts included: a retry shows twice)."""
        return [params["text"] for params in self.calls("sendMessage")]

    def texts_to(self, chat_id: int) -> list[str]:
        """Texts delivered to one chat, in order."""
        return [m["text"] for m in self.delivered if m["chat"]["id"] == chat_id]

    def methods(self) -> list[str]:
        return [name for name, _ in self.requests]


@dataclass
class FakeRasa:
    """Rasa's REST channel: canned replies per incoming message, optional delay or error."""

    answers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)
    status: int = 200
    received: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        await asyncio.sleep(self.delays.get(body["message"], 0))
        if self.status != 200:
            return web.Response(status=self.status, text="internal error")
        return web.json_response(
            [
                {"recipient_id": body["sender"], **reply}
                for reply in self.answers.get(body["message"], [])
            ]
        )

    def messages(self) -> list[str]:
        return [body["message"] for body in self.received]


@asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        await server.close()


@asynccontextmanager
async def running(settings: Settings, clock: Clock = utc_now) -> AsyncIterator[Application]:
    """The application as run_polling would have it, minus the polling (and its job queue:
    tests run jobs themselves)."""
    application = build_application(settings, clock=clock)
    assert application.post_init is not None and application.post_shutdown is not None
    await application.initialize()
    await application.post_init(application)
    try:
        yield application
    finally:
        await application.post_shutdown(application)
        await application.shutdown()


@asynccontextmanager
async def fake_bot_api() -> AsyncIterator[FakeBotApi]:
    """A FakeBotApi served on 127.0.0.1, its base_url set."""
    fake = FakeBotApi()
    async with serving(fake.app()) as url:
        fake.base_url = f"{url}/bot"
        yield fake


def without_ca_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The fakes speak plain HTTP. An empty CA directory (honoured by httpx) spares each bot
    loading the CA bundle twice, most of the time a test would otherwise take."""
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)


def closed_port_url() -> str:
    """A local URL nothing listens on: the port was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def with_rasa_at(settings: Settings, url: str) -> Settings:
    return replace(settings, rasa_url=url)


_update_ids = itertools.count(1)


def message_update(
    application: Application, *, user: dict[str, Any] = USER, **content: Any
) -> Update:
    """A message from ``user`` in their private chat with the bot (chat id = user id)."""
    message = {
        "message_id": next(_update_ids),
        "date": 1_700_000_000,
        "chat": {"id": user["id"], "type": "private"},
        "from": user,
        **content,
    }
    return Update.de_json({"update_id": next(_update_ids), "message": message}, application.bot)


def document_update(
    application: Application,
    file_id: str,
    name: str,
    size: int,
    *,
    user: dict[str, Any] = USER,
) -> Update:
    """A file sent as a document (the fake Bot API serves ``files[file_id]``)."""
    document = {
        "file_id": file_id,
        "file_unique_id": f"u-{file_id}",
        "file_name": name,
        "mime_type": "application/octet-stream",
        "file_size": size,
    }
    return message_update(application, user=user, document=document)


def photo_update(
    application: Application, sizes: dict[str, int], *, user: dict[str, Any] = USER
) -> Update:
    """A photo, in the sizes Telegram keeps of it (file id → file size, smallest first)."""
    photo = [
        {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "width": 90 * (index + 1),
            "height": 60 * (index + 1),
            "file_size": size,
        }
        for index, (file_id, size) in enumerate(sizes.items())
    ]
    return message_update(application, user=user, photo=photo)


def text_update(application: Application, text: str, *, user: dict[str, Any] = USER) -> Update:
    if text.startswith("/"):
        command = text.split()[0]
        entity = {"type": "bot_command", "offset": 0, "length": len(command)}
        return message_update(application, user=user, text=text, entities=[entity])
    return message_update(application, user=user, text=text)


def press_update(
    application: Application,
    delivered: dict[str, Any],
    data: str,
    *,
    user: dict[str, Any] = USER,
) -> Update:
    """A press on a button of a message the bot sent, as the fake Bot API delivered it."""
    query = {
        "id": f"cb{next(_update_ids)}",
        "from": user,
        "chat_instance": "ci-1",
        "data": data,
        "message": delivered,
    }
    update = Update.de_json(
        {"update_id": next(_update_ids), "callback_query": query}, application.bot
    )
    # What getUpdates and the webhook do to every update: the keys Telegram sends back become
    # the payloads the library kept (arbitrary callback data).
    application.bot.insert_callback_data(update)
    return update


def button_data(delivered: dict[str, Any], title: str) -> str:
    """The callback data Telegram holds for the button titled ``title`` of a delivered message."""
    for row in delivered["reply_markup"]["inline_keyboard"]:
        for button in row:
            if button["text"] == title:
                return str(button["callback_data"])
    raise AssertionError(f"no button {title!r}")
