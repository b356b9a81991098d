"""Zalo's webhook requests: is this one signed by our OA and fresh, and what does it carry.

Pure functions over the raw request; the facts they rely on are in ``constants``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.zalo import constants as zalo

# A sender's clock may run a little ahead of ours.
FUTURE_SKEW_S = 300.0


class Rejected(Exception):
    """The request is not an event of our OA to handle; ``status`` is the HTTP answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Attachment:
    kind: str  # "image", "file", ...
    url: str
    name: str | None = None


@dataclass(frozen=True)
class UserEvent:
    """Something a user sent to the OA."""

    event_id: str  # the message's msg_id
    name: str  # user_send_text, user_send_image, ...
    user_id: str
    text: str
    attachments: tuple[Attachment, ...] = ()


def signature(app_id: str, body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """The hex digest Zalo puts in the signature header for this body."""
    signed = app_id.encode() + body + timestamp.encode() + oa_secret_key.encode()
    return hashlib.sha256(signed).hexdigest()


def verified_event(
    body: bytes,
    header: str | None,
    *,
    app_id: str,
    oa_secret_key: str,
    now_s: float,
    max_age_s: float,
) -> dict[str, Any]:
    """The event, when ``body`` is signed with our OA's secret and not stale; else Rejected.

    The timestamp is the event's own field, so it is covered by the signature: a replayed old
    event cannot pass as new.
    """
    if not header or not header.strip():
        raise Rejected(401, "unsigned")
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Rejected(400, "not JSON") from None
    if not isinstance(event, dict):
        raise Rejected(400, "not a JSON object")
    timestamp = event.get("timestamp")
    if isinstance(timestamp, bool) or not isinstance(timestamp, (str, int)):
        raise Rejected(400, "no timestamp")
    stamp = str(timestamp)
    given = header.strip().lower().removeprefix(zalo.SIGNATURE_PREFIX)
    if not hmac.compare_digest(given, signature(app_id, body, stamp, oa_secret_key)):
        raise Rejected(403, "wrong signature")
    try:
        age_s = now_s - float(stamp) * zalo.TIMESTAMP_UNIT_S
    except ValueError:
        raise Rejected(400, "timestamp is not a number") from None
    if age_s > max_age_s or age_s < -FUTURE_SKEW_S:
        raise Rejected(403, f"stale: sent {age_s:.0f} s ago")
    return event


def user_event(event: Mapping[str, Any]) -> UserEvent | None:
    """What a user sent, or None for events that are not a user's message (follow, seen, the
    OA's own messages) or lack what a reply needs."""
    name = event.get("event_name")
    if not isinstance(name, str) or not name.startswith(zalo.USER_SEND_PREFIX):
        return None
    sender = event.get("sender")
    message = event.get("message")
    if not isinstance(sender, dict) or not isinstance(message, dict):
        return None
    user_id = str(sender.get("id") or "")
    event_id = str(message.get("msg_id") or "")
    if not user_id or not event_id:
        return None
    text = message.get("text")
    return UserEvent(
        event_id=event_id,
        name=name,
        user_id=user_id,
        text=text.strip() if isinstance(text, str) else "",
        attachments=tuple(_attachments(message.get("attachments"))),
    )


def _attachments(items: Any) -> list[Attachment]:
    found = []
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict) or not isinstance(item.get("payload"), dict):
            continue
        url = item["payload"].get("url")
        if isinstance(url, str) and url:
            name = item["payload"].get("name")
            found.append(
                Attachment(
                    str(item.get("type") or ""), url, name if isinstance(name, str) else None
                )
            )
    return found
