"""The Zalo channel's web application: the webhook Zalo calls, and what answers its events.

Each request is checked (signature with the OA secret key, freshness), stored, and answered
200 at once: Zalo wants its answer within 2 seconds, and a Rasa turn may take longer. The
stored event is answered after (``inbox.Worker``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import time
from collections.abc import AsyncIterator, Callable

import aiohttp
from aiohttp import web

from bot.rasa_client import RasaClient
from bot.zalo import constants as zalo
from bot.zalo.config import WEBHOOK_PATH, Settings, load_settings
from bot.zalo.conversation import Conversation
from bot.zalo.events import Rejected, user_event, verified_event
from bot.zalo.files import FileHook, acknowledge_file
from bot.zalo.inbox import Worker
from bot.zalo.oa_api import OaClient, TokenKeeper, ZaloError, ZaloUnavailable
from knowledge.inbox import Inbox
from knowledge.shared.clock import Clock, utc_now
from knowledge.shared.db import get_engine
from knowledge.shared.settings import SettingError
from knowledge.zalo.tokens import TokenStore

log = logging.getLogger(__name__)

WORKER = web.AppKey("worker", Worker)
TOKENS = web.AppKey("tokens", TokenKeeper)
# A webhook event is a small JSON document; anything much bigger is not one.
MAX_BODY_BYTES = 64 * 1024
# How often the access token's expiry is checked, so that it is refreshed in time even when
# nobody writes (the refresh token itself expires after about three months unused).
TOKEN_CHECK_S = 600.0


def build_app(
    settings: Settings,
    *,
    inbox: Inbox | None = None,
    receive_file: FileHook = acknowledge_file,
    clock: Clock = utc_now,
    now_s: Callable[[], float] = time.time,
) -> web.Application:
    """The webhook and its worker; ``inbox`` defaults to the shared inbox in the database."""
    engine = get_engine(settings.database_url)
    store = inbox if inbox is not None else Inbox(engine, clock=clock)

    async def receive(request: web.Request) -> web.Response:
        body = await request.read()
        try:
            event = verified_event(
                body,
                request.headers.get(zalo.SIGNATURE_HEADER),
                app_id=settings.app_id,
                oa_secret_key=settings.oa_secret_key,
                now_s=now_s(),
                max_age_s=settings.max_event_age_s,
            )
        except Rejected as rejected:
            log.warning("Zalo webhook request from %s refused: %s", request.remote, rejected.reason)
            return web.json_response({"error": rejected.reason}, status=rejected.status)
        incoming = user_event(event)
        if incoming is not None and not await request.app[WORKER].accept(incoming, event):
            log.info("Zalo event %s received again; ignored", incoming.event_id)
        return web.json_response({"ok": True})

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        timeout = aiohttp.ClientTimeout(total=settings.request_timeout_s)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            tokens = TokenKeeper(settings, session, TokenStore(settings.oa_id, engine), clock)
            rasa = RasaClient(settings.rasa_url, settings.rasa_timeout_s)
            conversation = Conversation(rasa, OaClient(settings, session, tokens), receive_file)
            worker = Worker(store, conversation.handle, clock)
            app[WORKER], app[TOKENS] = worker, tokens
            await worker.start()
            keeper = asyncio.create_task(_keep_token_fresh(tokens))
            try:
                yield
            finally:
                keeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await keeper
                await worker.close()
                await rasa.close()

    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.router.add_post(WEBHOOK_PATH, receive)
    app.router.add_get("/healthz", healthz)
    app.cleanup_ctx.append(lifecycle)
    return app


async def _keep_token_fresh(tokens: TokenKeeper) -> None:
    while True:
        try:
            await tokens.access_token()
        except (ZaloError, ZaloUnavailable) as error:
            log.warning("Zalo access token not refreshed, tried again later: %s", error)
        except Exception:
            log.exception("Zalo access token not refreshed, tried again later")
        await asyncio.sleep(TOKEN_CHECK_S)


def main() -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = load_settings(os.environ)
    except SettingError as error:
        print(f"zalo: {error}", file=sys.stderr)
        return 2
    log.info("Zalo webhook on %s:%d%s", settings.listen_host, settings.port, WEBHOOK_PATH)
    web.run_app(build_app(settings), host=settings.listen_host, port=settings.port, print=None)
    return 0
