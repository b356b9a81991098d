"""Rasa's REST and socket.io input channels, screening each user message before Rasa sees it.

credentials.yml names them by module path (``bot.channels.GuardedRestInput``). They keep
Rasa's channel names, from which Rasa derives the URL prefix, so the endpoints stay
``/webhooks/rest/webhook`` and ``/webhooks/socketio``. The socket.io channel also answers each
web widget message exactly once, however often the widget sends it (bot/delivery.py). Runs
inside the Rasa server (engine environment); the decisions themselves are in bot/guard.py.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from sanic.request import Request

from bot import delivery, guard

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


async def tracker_events(agent: Agent | None, sender_id: str) -> list[dict[str, Any]]:
    """This sender's conversation so far, as Rasa serialises its events."""
    if agent is None or agent.tracker_store is None:
        return []
    tracker = await agent.tracker_store.retrieve(sender_id)
    if tracker is None:
        return []
    return [event.as_dict() for event in tracker.events]


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
            events: list[dict[str, Any]] = []
            if guard.needs_tracker(text, limit):
                # The blueprint knows its app once registered, and the app holds the agent.
                agent = next(iter(blueprint.apps)).ctx.agent
                events = await tracker_events(agent, message.sender_id)
            decision = guard.screen(
                text,
                offered=guard.offered_payloads(events),
                limit=limit,
                form_open=guard.in_form(events),
            )
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


class RecordingOutput(SocketIOOutput):
    """Rasa's socket.io output, each reply tagged with the message it answers and remembered,
    so a repeat of that message is answered with the same replies (bot/delivery.py)."""

    def __init__(
        self, output: SocketIOOutput, turns: delivery.Turns, sender_id: str, client_id: str
    ) -> None:
        super().__init__(output.sio, output.bot_message_evt)
        self._turns = turns
        self._sender_id = sender_id
        self._client_id = client_id

    async def _send_message(self, socket_id: str, response: Any) -> None:
        sent = self._turns.record(self._sender_id, self._client_id, response)
        await super()._send_message(socket_id, sent)


class ExactlyOnceMixin:
    """Processes a widget message once, whatever the number of times it arrives: a repeat gets
    the replies already sent for it instead. Place after ScreeningMixin, so a repeat is
    dropped before screening (and does not count against the sender's rate)."""

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        turns = delivery.Turns()

        async def once(message: UserMessage) -> None:
            client_id = delivery.client_id_of(message.metadata)
            output = message.output_channel
            if client_id is None or not isinstance(output, SocketIOOutput):
                await on_new_message(message)
                return
            sent = turns.begin(message.sender_id, client_id)
            if sent is not None:
                logger.info("A repeated message from %s answered again", message.sender_id)
                for reply in sent:
                    await output.sio.emit(output.bot_message_evt, reply, room=message.sender_id)
                return
            message.output_channel = RecordingOutput(output, turns, message.sender_id, client_id)
            await on_new_message(message)

        blueprint: Blueprint = super().blueprint(once)  # type: ignore[misc]
        return blueprint


class GuardedSocketIOInput(ScreeningMixin, ExactlyOnceMixin, SocketIOInput):
    pass
