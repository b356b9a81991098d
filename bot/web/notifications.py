"""Dossier updates on the web chat.

Rasa's socket.io channel cannot push by itself, so this process runs the web channel's watcher,
whose sender keeps each notification in the outbox (knowledge/notify/outbox.py), and the widget
asks for them while the conversation is open:

``GET /api/notifications?sender_id=<the widget's session id>&after=<last id shown>`` answers
``{"notifications": [{"id": 7, "text": "...", "buttons": [{"title": "...", "payload": "..."}]}]}``;
passing ``after`` forgets those already shown, so a failed request loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import asdict

from aiohttp import web

from knowledge.notify.messages import Notification
from knowledge.notify.outbox import WebOutbox
from knowledge.notify.watcher import Sent, watcher_for
from knowledge.officials import WEB
from knowledge.shared.clock import Clock, utc_now
from knowledge.shared.db import get_engine
from knowledge.shared.settings import load_settings

OUTBOX = web.AppKey("notify_outbox", WebOutbox)
MAX_SENDER_ID = 200


class OutboxSender:
    """The web channel's NotificationSender: the outbox the widget reads."""

    channel = WEB

    def __init__(self, outbox: WebOutbox, clock: Clock = utc_now) -> None:
        self._outbox = outbox
        self._clock = clock

    async def send(self, notification: Notification) -> Sent:
        await asyncio.to_thread(self._outbox.put, notification, self._clock())
        return Sent.SENT


async def notifications(request: web.Request) -> web.Response:
    sender_id = request.query.get("sender_id", "").strip()
    after = request.query.get("after", "0")
    if not sender_id or len(sender_id) > MAX_SENDER_ID or not after.isdigit():
        return web.json_response({"error": "sender_id and after (a number) are needed"}, status=400)
    stored = await asyncio.to_thread(request.app[OUTBOX].take, sender_id, int(after))
    return web.json_response({"notifications": [asdict(item) for item in stored]})


def setup(
    app: web.Application, environ: Mapping[str, str], *, clock: Clock = utc_now, watch: bool
) -> None:
    """The endpoint, and (``watch``) the web watcher running for as long as the app runs."""
    outbox = WebOutbox(get_engine(load_settings(environ).database_url))
    app[OUTBOX] = outbox
    app.router.add_get("/api/notifications", notifications)
    if not watch:
        return

    async def watching(_app: web.Application) -> AsyncIterator[None]:
        watcher = watcher_for(OutboxSender(outbox, clock), environ, clock=clock)
        task = asyncio.create_task(watcher.run())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.cleanup_ctx.append(watching)
