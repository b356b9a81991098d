"""A local fake of Zalo: the OA API the channel calls (send, token refresh) and the webhook
sender that calls the channel, signing events as Zalo does.

The channel talks to it over real HTTP on 127.0.0.1, so its request code, token refresh and
retries are exercised. Zalo's documented shapes (bot/zalo/constants.py) are written out here
independently, so a wrong constant there makes a test fail.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer

from bot.zalo.app import WORKER, build_app
from bot.zalo.config import WEBHOOK_PATH, Settings
from bot.zalo.files import FileHook, acknowledge_file

APP_ID = "1234567890123456789"
APP_SECRET = "app-secret-for-tests"
OA_ID = "5678901234567890123"
OA_SECRET_KEY = "oa-secret-key-for-tests"
FIRST_REFRESH_TOKEN = "refresh-0"
TOKEN_LIFETIME_S = 90000  # what Zalo answers: 25 hours


@dataclass
class FakeZaloApi:
    """openapi.zalo.me (send) and oauth.zaloapp.com (refresh) in one server."""

    base_url: str = ""
    valid_tokens: set[str] = field(default_factory=set)
    refresh_token: str = FIRST_REFRESH_TOKEN  # the one refresh token Zalo accepts now
    refreshes: int = 0
    # Scripted answers to the next sends, as (HTTP status, JSON body); then success again.
    send_failures: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)  # delivered messages, in order
    # Zalo goes down (HTTP 503) once this many messages have been delivered; None: up.
    down_after: int | None = None
    attempts: int = 0  # send requests, failed ones included
    _serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3.0/oa/message/cs", self.send)
        app.router.add_post("/v4/oa/access_token", self.refresh)
        return app

    async def send(self, request: web.Request) -> web.Response:
        self.attempts += 1
        if self.send_failures:
            status, body = self.send_failures.pop(0)
            return web.json_response(body, status=status)
        if self.down_after is not None and len(self.sent) >= self.down_after:
            return web.json_response({}, status=503)
        if request.headers.get("access_token") not in self.valid_tokens:
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        body = await request.json()
        self.sent.append(body)
        return web.json_response(
            {"error": 0, "message": "Success", "data": {"message_id": f"m{next(self._serial)}"}}
        )

    async def refresh(self, request: web.Request) -> web.Response:
        form = await request.post()
        if (
            request.headers.get("secret_key") != APP_SECRET
            or form.get("app_id") != APP_ID
            or form.get("grant_type") != "refresh_token"
            or form.get("refresh_token") != self.refresh_token
        ):
            return web.json_response({"error": -14014, "message": "Invalid refresh token"})
        self.refreshes += 1
        access = f"access-{self.refreshes}"
        self.refresh_token = f"refresh-{self.refreshes}"  # single use: the old one dies
        self.valid_tokens = {access}
        return web.json_response(
            {
                "access_token": access,
                "refresh_token": self.refresh_token,
                "expires_in": str(TOKEN_LIFETIME_S),
            }
        )

    def texts_to(self, user_id: str) -> list[str]:
        return [
            m["message"].get("text", "") for m in self.sent if m["recipient"]["user_id"] == user_id
        ]

    def buttons_sent(self) -> list[list[dict[str, str]]]:
        """The buttons of each delivered message that had some."""
        return [
            m["message"]["attachment"]["payload"]["buttons"]
            for m in self.sent
            if "attachment" in m["message"]
        ]


@asynccontextmanager
async def serving_fake_zalo() -> AsyncIterator[FakeZaloApi]:
    fake = FakeZaloApi()
    server = TestServer(fake.app(), host="127.0.0.1")
    await server.start_server()
    fake.base_url = f"http://127.0.0.1:{server.port}"
    try:
        yield fake
    finally:
        await server.close()


# --- the webhook sender ---------------------------------------------------------------------------

_msg_ids = itertools.count(1)


def sign(body: bytes, timestamp: str, secret: str = OA_SECRET_KEY) -> str:
    """Zalo's signature header: sha256(app id + body + timestamp + OA secret key)."""
    digest = hashlib.sha256(APP_ID.encode() + body + timestamp.encode() + secret.encode())
    return "mac=" + digest.hexdigest()


def user_event(
    user_id: str,
    event_name: str,
    message: dict[str, Any],
    *,
    sent_at_s: float | None = None,
) -> dict[str, Any]:
    timestamp = str(int((time.time() if sent_at_s is None else sent_at_s) * 1000))
    return {
        "app_id": APP_ID,
        "user_id_by_app": f"app-{user_id}",
        "event_name": event_name,
        "timestamp": timestamp,
        "sender": {"id": user_id},
        "recipient": {"id": OA_ID},
        "message": {"msg_id": f"msg-{next(_msg_ids)}", **message},
    }


def text_event(user_id: str, text: str, **kwargs: Any) -> dict[str, Any]:
    return user_event(user_id, "user_send_text", {"text": text}, **kwargs)


def image_event(user_id: str, url: str) -> dict[str, Any]:
    attachment = {"type": "image", "payload": {"url": url, "thumbnail": url}}
    return user_event(user_id, "user_send_image", {"text": "", "attachments": [attachment]})


def file_event(user_id: str, url: str, name: str) -> dict[str, Any]:
    attachment = {"type": "file", "payload": {"url": url, "name": name, "size": "1024"}}
    return user_event(user_id, "user_send_file", {"attachments": [attachment]})


async def deliver(
    session: ClientSession,
    webhook_url: str,
    event: dict[str, Any],
    *,
    signature: str | None = "",
) -> int:
    """POST the event as Zalo does; ``signature`` "" signs it rightly, None sends none. Returns
    the HTTP status the channel answered."""
    body = json.dumps(event, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json"}
    if signature == "":
        headers["X-ZEvent-Signature"] = sign(body, event["timestamp"])
    elif signature is not None:
        headers["X-ZEvent-Signature"] = signature
    async with session.post(webhook_url, data=body, headers=headers) as response:
        return response.status


# --- the channel under test ---------------------------------------------------------------------


@dataclass
class Channel:
    """The running channel, as Zalo's webhook sender sees it."""

    app: web.Application
    url: str
    session: ClientSession

    async def post(self, event: dict[str, Any], *, signature: str | None = "") -> int:
        return await deliver(self.session, self.url, event, signature=signature)

    async def settle(self) -> None:
        """Wait until every accepted event has been answered."""
        await self.app[WORKER].drain()


@asynccontextmanager
async def running_channel(
    settings: Settings, *, receive_file: FileHook = acknowledge_file, **options: Any
) -> AsyncIterator[Channel]:
    app = build_app(settings, receive_file=receive_file, **options)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        async with ClientSession() as session:
            yield Channel(app, f"http://127.0.0.1:{server.port}{WEBHOOK_PATH}", session)
    finally:
        await server.close()


def channel_settings(zalo_api: FakeZaloApi, rasa_url: str, database_url: str) -> Settings:
    """Settings of a channel that talks to ``zalo_api`` and the Rasa at ``rasa_url``."""
    return Settings(
        oa_id=OA_ID,
        app_id=APP_ID,
        app_secret=APP_SECRET,
        oa_secret_key=OA_SECRET_KEY,
        refresh_token=FIRST_REFRESH_TOKEN,
        rasa_url=rasa_url,
        api_base_url=zalo_api.base_url,
        oauth_base_url=zalo_api.base_url,
        retry_backoff_s=0.01,
        database_url=database_url,
    )
