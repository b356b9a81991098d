"""Client of Rasa's REST channel (POST /webhooks/rest/webhook), shared by the channels that relay
to it (Telegram, Zalo, the web upload)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp

REST_WEBHOOK = "/webhooks/rest/webhook"


@dataclass(frozen=True)
class RasaButton:
    title: str
    payload: str


@dataclass(frozen=True)
class RasaReply:
    text: str
    buttons: tuple[RasaButton, ...] = ()


class RasaUnavailable(Exception):
    """Rasa could not be reached, timed out, or answered with an error."""


def parse_replies(body: Any) -> list[RasaReply]:
    """Rasa's JSON answer as replies; entries without text or buttons (e.g. custom) are dropped."""
    if not isinstance(body, list):
        raise RasaUnavailable(f"unexpected Rasa answer: {body!r:.200}")
    replies = []
    for item in body:
        if not isinstance(item, dict):
            continue
        buttons = tuple(
            # Rasa's own widgets send the title when a button has no payload; do the same.
            RasaButton(str(b["title"]), str(b.get("payload") or b["title"]))
            for b in item.get("buttons") or ()
            if isinstance(b, dict) and b.get("title")
        )
        text = str(item.get("text") or "").strip()
        if text or buttons:
            replies.append(RasaReply(text, buttons))
    return replies


def replies_as_json(replies: list[RasaReply]) -> list[dict[str, Any]]:
    """Replies in Rasa's JSON shape again (``parse_replies`` reads it back), to keep them."""
    return [
        {
            "text": reply.text,
            "buttons": [{"title": b.title, "payload": b.payload} for b in reply.buttons],
        }
        for reply in replies
    ]


class RasaClient:
    """One shared HTTP session to Rasa for the whole application."""

    def __init__(self, base_url: str, timeout_s: float) -> None:
        self._url = base_url.rstrip("/") + REST_WEBHOOK
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout_s))

    async def send(self, sender: str, message: str) -> list[RasaReply]:
        try:
            async with self._session.post(
                self._url, json={"sender": sender, "message": message}
            ) as response:
                response.raise_for_status()
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise RasaUnavailable(f"{type(exc).__name__}: {exc}") from exc
        return parse_replies(body)

    async def close(self) -> None:
        await self._session.close()
