"""The fake Bot API of the unit tests, grown what a bot running as its own process needs:
``getUpdates`` with Telegram's offset rule (asking from offset N confirms every update below N,
which is then never sent again) and long polling, and a hold on a chat's first "typing…" so a
test knows the bot is between receiving a message and answering it."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.unit.telegram.telegram_fakes import USER, FakeBotApi

LONG_POLL_CAP_S = 1.0  # answer long polls early, so a test's updates go out promptly


def text_update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    """A private text message, as Telegram sends it."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": chat_id, "type": "private"},
            "from": {**USER, "id": chat_id},
            "text": text,
        },
    }


@dataclass
class PollingBotApi(FakeBotApi):
    queued: list[dict[str, Any]] = field(default_factory=list)  # not yet confirmed
    confirmed_below: int = 0
    hold_typing: set[int] = field(default_factory=set)  # chats whose first typing never returns
    held: set[int] = field(default_factory=set)  # chats with a typing held now
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def send_update(self, update: dict[str, Any]) -> None:
        self.queued.append(update)
        self._arrived.set()

    async def get_updates(self, request: web.Request) -> web.Response:
        params = dict(await request.post())
        self.requests.append(("getUpdates", params))
        offset = int(params.get("offset") or 0)
        self.confirmed_below = max(self.confirmed_below, offset)
        self.queued = [u for u in self.queued if u["update_id"] >= self.confirmed_below]
        if not self.queued:
            self._arrived.clear()
            timeout = min(float(params.get("timeout") or 0), LONG_POLL_CAP_S)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), timeout)
        return web.json_response({"ok": True, "result": self.queued})

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["method"] == "getUpdates":
            return await self.get_updates(request)
        if request.match_info["method"] == "sendChatAction":
            chat_id = int((await request.post())["chat_id"])
            if chat_id in self.hold_typing:
                self.hold_typing.discard(chat_id)
                self.held.add(chat_id)
                await asyncio.Event().wait()  # until the bot's connection dies with it
        return await super().handle(request)
