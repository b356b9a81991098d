"""Taking an official's reply on a complaint to the citizen who filed it over Zalo, from any
process (the officials' web page, the Telegram bot).

Only the Zalo channel's process refreshes the OA's access token (the refresh token is
single-use: two processes refreshing would lock each other out); a courier sends with the token
that process keeps in the database and reports FAILED when Zalo refuses it, like any reply that
cannot reach its citizen (who can still read it by asking with the complaint's code).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping

import aiohttp

from bot.text_pieces import split_text
from bot.zalo import constants as zalo
from bot.zalo.config import Settings, load_settings
from bot.zalo.conversation import CHANNEL, SENDER_PREFIX
from bot.zalo.oa_api import OaClient, ZaloError, ZaloUnavailable
from knowledge.feedback import FeedbackReply
from knowledge.officials import Courier, Delivery
from knowledge.shared.db import get_engine
from knowledge.shared.settings import zalo_configured
from knowledge.shared.wording import say
from knowledge.zalo.tokens import TokenStore

log = logging.getLogger(__name__)


class StoredTokens:
    """The access token the Zalo channel keeps in the database, read and never refreshed."""

    def __init__(self, store: TokenStore) -> None:
        self._store = store

    async def access_token(self) -> str:
        tokens = await asyncio.to_thread(self._store.stored)
        if tokens is None or not tokens.access_token:
            raise ZaloUnavailable("no access token stored yet: has the Zalo channel started?")
        return tokens.access_token

    async def refresh_now(self, stale: str) -> str:
        token = await self.access_token()
        if token == stale:
            raise ZaloUnavailable("access token refused; the Zalo channel refreshes it")
        return token  # the channel refreshed it meanwhile


def zalo_user_id(sender: str) -> str | None:
    """The user a "zalo:<user id>" sender names; None for other channels."""
    user = sender.removeprefix(SENDER_PREFIX)
    return user if sender.startswith(SENDER_PREFIX) and user else None


def zalo_courier(settings: Settings) -> Courier:
    store = TokenStore(settings.oa_id, get_engine(settings.database_url))

    async def deliver(reply: FeedbackReply) -> Delivery:
        user = zalo_user_id(reply.sender_id)
        if user is None:
            return Delivery.FAILED
        text = say("officials.citizen_reply", code=reply.code, text=reply.text)
        timeout = aiohttp.ClientTimeout(total=settings.request_timeout_s)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                api = OaClient(settings, session, StoredTokens(store))
                for piece in split_text(text, zalo.TEXT_LIMIT):
                    await api.send(user, {"text": piece})
        except (ZaloError, ZaloUnavailable) as error:
            log.warning("reply to feedback %s not delivered on Zalo: %s", reply.code, error)
            return Delivery.FAILED
        return Delivery.SENT

    return deliver


def zalo_couriers(environ: Mapping[str, str] = os.environ) -> dict[str, Courier]:
    """The Zalo courier when Zalo is configured, else none."""
    return {CHANNEL: zalo_courier(load_settings(environ))} if zalo_configured(environ) else {}
