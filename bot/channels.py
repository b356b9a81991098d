"""Rasa's REST and socket.io input channels, screening each user message before Rasa sees it.

credentials.yml names them by module path (``bot.channels.GuardedRestInput``). They keep
Rasa's channel names, from which Rasa derives the URL prefix, so the endpoints stay
``/webhooks/rest/webhook`` and ``/webhooks/socketio``. Runs inside the Rasa server (engine
environment); the decisions themselves are in bot/guard.py.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint
from sanic.request import Request

from bot import guard

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


async def offered_payloads(agent: Agent | None, sender_id: str) -> frozenset[str]:
    """The payloads of the buttons in the bot's latest turn to this sender."""
    if agent is None or agent.tracker_store is None:
        return frozenset()
    tracker = await agent.tracker_store.retrieve(sender_id)
    if tracker is None:
        return frozenset()
    return guard.offered_payloads(event.as_dict() for event in tracker.events)


class ScreeningMixin:
    """Wraps the handler Rasa gives a channel's blueprint; place before the Rasa channel class."""

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        limit = guard.message_limit(os.environ)
        # Per channel and per process: a sender id names one channel's user anyway.
        rate = guard.message_rate_limiter(os.environ)

        async def screened(message: UserMessage) -> None:
            too_fast = guard.rate_note(rate, message.sender_id)
            if too_fast is not None:
                logger.info("Refused a message from %s over the rate limit", message.sender_id)
                await message.output_channel.send_text_message(message.sender_id, too_fast)
                return
            text = guard.clean(message.text)
            offered: frozenset[str] = frozenset()
            if guard.is_command(text):
                # The blueprint knows its app once registered, and the app holds the agent.
                agent = next(iter(blueprint.apps)).ctx.agent
                offered = await offered_payloads(agent, message.sender_id)
            decision = guard.screen(text, offered=offered, limit=limit)
            if decision.note is not None:
                logger.info("Answered a message from %s without processing it", message.sender_id)
                await message.output_channel.send_text_message(message.sender_id, decision.note)
                return
            message.text = decision.text
            await on_new_message(message)

        blueprint: Blueprint = super().blueprint(screened)  # type: ignore[misc]
        return blueprint


class GuardedRestInput(ScreeningMixin, RestInput):
    def _extract_message(self, req: Request) -> str | None:
        # Rasa's UserMessage strips the text and fails on a JSON number with a 500.
        text = super()._extract_message(req)
        return text if isinstance(text, str) else None


class GuardedSocketIOInput(ScreeningMixin, SocketIOInput):
    pass
