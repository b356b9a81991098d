"""Helpers of the web page tests, importable by test modules (conftest is not, reliably)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp.test_utils import TestClient

from knowledge.feedback import FeedbackReply
from knowledge.officials import WEB, Delivery, channel_of

TOKEN = "can-bo-Noi-vu-2024-thu-nghiem"


@dataclass
class DeliveryRecorder:
    """Records replies the page hands over for Telegram; answers as Telegram would."""

    replies: list[FeedbackReply] = field(default_factory=list)

    async def __call__(self, reply: FeedbackReply) -> Delivery:
        self.replies.append(reply)
        return Delivery.ON_REQUEST if channel_of(reply.sender_id) == WEB else Delivery.SENT


ClientFactory = Callable[..., Awaitable[TestClient]]
