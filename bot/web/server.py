"""aiohttp app serving the chat page (the widget talks to Rasa's socket.io channel directly)
and the officials' page under /can-bo (see bot.web.officials)."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

from aiohttp import web

from bot.guard import message_limit
from bot.web import notifications, officials, uploads
from knowledge.officials import Courier
from knowledge.shared.clock import Clock, utc_now
from knowledge.shared.db import get_engine
from knowledge.shared.health import is_ready, readiness
from knowledge.shared.metrics import exposition
from knowledge.shared.settings import configure, load_settings
from knowledge.shared.wording import catalogue

STATIC = Path(__file__).parent / "static"
SOCKET_IO_CLIENT = Path(__file__).parent / "node_modules" / "socket.io-client" / "dist"
WIDGET_CONFIG = web.AppKey("widget_config", dict[str, object])
ENVIRON = web.AppKey("environ", dict[str, str])
# What the widget sends, unseen, to show the menu when a conversation opens: the same question
# as Telegram's /start (bot/telegram/handlers.py), so both channels show Rasa's one menu.
MENU_REQUEST = "bạn làm được gì"
# The files the widget's attach button offers (POST /api/upload checks the content itself).
UPLOAD_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf")
WIDGET_WORDING = "widget."


def widget_config(environ: dict[str, str]) -> dict[str, object]:
    """What the page needs: the public socket.io URL, the message length the Rasa server
    accepts (bot/guard.py), what opens a conversation, the files it may upload, its words."""
    public = load_settings(environ).rasa_public_url
    texts = {
        key.removeprefix(WIDGET_WORDING): value
        for key, value in catalogue().items()
        if key.startswith(WIDGET_WORDING)
    }
    return {
        "socketUrl": public,
        "maxMessageChars": message_limit(environ),
        "menuRequest": MENU_REQUEST,
        "uploadTypes": list(UPLOAD_TYPES),
        "texts": texts,
    }


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Ready when the database the officials' page works on answers and is migrated."""
    engine = get_engine(load_settings(request.app[ENVIRON]).database_url)
    checks = await asyncio.to_thread(readiness, engine)
    ready = is_ready(checks)
    body = {"status": "ok" if ready else "unavailable", **checks}
    return web.json_response(body, status=200 if ready else 503)


async def metrics(_request: web.Request) -> web.Response:
    body, content_type = exposition()
    # aiohttp wants the charset apart from the type.
    media_type, _, charset = content_type.partition("; charset=")
    return web.Response(body=body, content_type=media_type, charset=charset or None)


async def config_js(request: web.Request) -> web.Response:
    body = "window.WIDGET_CONFIG = " + json.dumps(request.app[WIDGET_CONFIG]) + ";"
    return web.Response(text=body, content_type="application/javascript")


async def index(_request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


def create_app(
    environ: dict[str, str],
    *,
    clock: Clock = utc_now,
    deliver: Courier | None = None,
    plan_sources: Path | None = None,
    watch_dossiers: bool = False,
) -> web.Application:
    """The web app; ``clock``, ``deliver`` (replies to Telegram citizens) and ``plan_sources``
    (where uploaded plans are published) are for tests. ``watch_dossiers`` runs the web chat's
    dossier-update watcher inside the app (the real process does)."""
    app = web.Application()
    app[WIDGET_CONFIG] = widget_config(environ)
    app[ENVIRON] = environ
    app.router.add_get("/", index)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/config.js", config_js)
    app.router.add_static("/static/", STATIC)
    if SOCKET_IO_CLIENT.is_dir():
        app.router.add_static("/vendor/socket.io/", SOCKET_IO_CLIENT)
    officials.setup(app, environ, clock=clock, deliver=deliver, sources_dir=plan_sources)
    notifications.setup(app, environ, clock=clock, watch=watch_dossiers)
    uploads.setup(app, environ)
    return app


def main() -> None:
    settings = configure()
    web.run_app(
        create_app(dict(os.environ), watch_dossiers=True),
        host=settings.bind_host,
        port=settings.web_port,
        print=None,
    )
