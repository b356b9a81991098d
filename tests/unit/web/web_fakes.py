"""Helpers of the web page tests, importable by test modules (conftest is not, reliably)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from knowledge.feedback import FeedbackReply
from knowledge.officials import WEB, Delivery, channel_of
from tests.unit.officials.accounts_fakes import ADMIN, PASSWORD


@dataclass
class DeliveryRecorder:
    """Records replies the page hands over for Telegram; answers as Telegram would."""

    replies: list[FeedbackReply] = field(default_factory=list)

    async def __call__(self, reply: FeedbackReply) -> Delivery:
        self.replies.append(reply)
        return Delivery.ON_REQUEST if channel_of(reply.sender_id) == WEB else Delivery.SENT


ClientFactory = Callable[..., Awaitable[TestClient]]


async def csrf(client: TestClient) -> str:
    """The CSRF token of the client's session (a pre-login one when not logged in)."""
    return str((await (await client.get("/can-bo/api/phien")).json())["csrf"])


async def log_in(client: TestClient, name: str = ADMIN, password: str = PASSWORD) -> ClientResponse:
    fields = {"ten": name, "mat_khau": password, "csrf": await csrf(client)}
    return await client.post("/can-bo/dang-nhap", data=fields, allow_redirects=False)


async def post_form(
    client: TestClient, path: str, *, follow: bool = False, **fields: str
) -> ClientResponse:
    """A form of the page, posted as the browser would: with the session's CSRF token;
    ``follow``: follow the redirect to the confirmation."""
    data = {"csrf": await csrf(client), **fields}
    return await client.post(path, data=data, allow_redirects=follow)


async def post_json(client: TestClient, path: str, payload: Any = None) -> ClientResponse:
    """An API write, as a script sends it: JSON, with the X-CSRF-Token header."""
    headers = {"X-CSRF-Token": await csrf(client)}
    return await client.post(path, json=payload, headers=headers)
