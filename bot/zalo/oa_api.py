"""Zalo's Official Account API (v3) for sending, with the access token kept fresh.

The access token lives about 25 hours; it is refreshed an hour before it expires (and at once
when Zalo calls it invalid or expired), with the single-use refresh token, and the new pair is
stored before it is used. Rate limits (Zalo's -32, HTTP 429) and network failures are retried
with exponential backoff, at most ``max_tries`` requests per message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

import aiohttp

from bot.zalo import constants as zalo
from bot.zalo.config import Settings
from knowledge.shared.clock import Clock, utc_now
from knowledge.zalo.tokens import Tokens, TokenStore

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class ZaloError(Exception):
    """Zalo refused a request: ``code`` is its error number."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"Zalo error {code}: {message}")
        self.code = code


class ZaloUnavailable(Exception):
    """Zalo could not be reached, or kept refusing for a passing reason, after every try."""


class AccessTokens(Protocol):
    async def access_token(self) -> str:
        """A token to send with."""
        ...

    async def refresh_now(self, stale: str) -> str:
        """A token to use instead of ``stale``, which Zalo has just refused."""
        ...


class TokenKeeper:
    """The OA's current access token, refreshed before it expires; one refresh at a time."""

    def __init__(
        self,
        settings: Settings,
        session: aiohttp.ClientSession,
        store: TokenStore,
        clock: Clock = utc_now,
    ) -> None:
        self._settings = settings
        self._session = session
        self._store = store
        self._clock = clock
        self._lock = asyncio.Lock()
        self._tokens: Tokens | None = None

    async def access_token(self) -> str:
        """A token valid for at least ``REFRESH_MARGIN_S`` more, when Zalo lets us refresh."""
        async with self._lock:
            tokens = await self._current()
            if not self._due(tokens):
                return tokens.access_token
            try:
                return (await self._refresh(tokens)).access_token
            except (ZaloError, ZaloUnavailable) as error:
                if not tokens.access_token:
                    raise
                # The old token may well still work; the next call tries to refresh again.
                log.warning("Zalo token refresh failed (%s); using the current token", error)
                return tokens.access_token

    async def refresh_now(self, stale: str) -> str:
        """A new token after Zalo refused ``stale``; no second refresh if another call has
        already replaced it."""
        async with self._lock:
            tokens = await self._current()
            if tokens.access_token != stale:
                return tokens.access_token
            return (await self._refresh(tokens)).access_token

    async def _current(self) -> Tokens:
        if self._tokens is None:
            configured = Tokens(self._settings.access_token, self._settings.refresh_token, None)
            self._tokens = await asyncio.to_thread(self._store.load, configured, self._clock())
        return self._tokens

    def _due(self, tokens: Tokens) -> bool:
        if not tokens.access_token or tokens.expires_at is None:
            return True
        margin = timedelta(seconds=zalo.REFRESH_MARGIN_S)
        return self._clock() >= tokens.expires_at - margin

    async def _refresh(self, tokens: Tokens) -> Tokens:
        form = {
            "refresh_token": tokens.refresh_token,
            "app_id": self._settings.app_id,
            "grant_type": "refresh_token",
        }
        url = self._settings.oauth_base_url.rstrip("/") + zalo.TOKEN_PATH
        headers = {zalo.APP_SECRET_HEADER: self._settings.app_secret}
        try:
            async with self._session.post(url, data=form, headers=headers) as response:
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise ZaloUnavailable(f"token refresh: {type(error).__name__}: {error}") from error
        fresh = _issued(body, self._clock())
        await asyncio.to_thread(self._store.save, fresh, self._clock())
        self._tokens = fresh
        log.info("Zalo access token refreshed; valid until %s", fresh.expires_at)
        return fresh


def _issued(body: Any, now: datetime) -> Tokens:
    """The tokens of a refresh answer, or ZaloError."""
    if not isinstance(body, dict):
        raise ZaloError(-1, f"unexpected answer {body!r:.200}")
    access, refresh = body.get("access_token"), body.get("refresh_token")
    if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
        raise ZaloError(_code(body), str(body.get("message") or body.get("error_name") or body))
    try:
        lifetime = float(body.get("expires_in", 0))
    except (TypeError, ValueError):
        lifetime = 0.0
    return Tokens(access, refresh, now + timedelta(seconds=lifetime) if lifetime > 0 else None)


def _code(body: Mapping[str, Any]) -> int:
    try:
        return int(body.get("error", -1))
    except (TypeError, ValueError):
        return -1


class OaClient:
    """Sends customer-service messages to users of the OA."""

    def __init__(
        self,
        settings: Settings,
        session: aiohttp.ClientSession,
        tokens: AccessTokens,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._url = settings.api_base_url.rstrip("/") + zalo.SEND_PATH
        self._settings = settings
        self._session = session
        self._tokens = tokens
        self._sleep = sleep

    async def send(self, user_id: str, message: Mapping[str, Any]) -> None:
        """One message to ``user_id``: ZaloError when Zalo refuses it for good, ZaloUnavailable
        when every try failed for a passing reason."""
        body = {"recipient": {"user_id": user_id}, "message": message}
        refreshed = False
        failure = ""  # why the last try failed for a passing reason; "" after a token refresh
        pauses = 0
        for attempt in range(self._settings.max_tries):
            if failure:
                delay = self._settings.retry_backoff_s * 2**pauses
                pauses += 1
                log.warning("Zalo send failed (%s); try %d in %.1f s", failure, attempt + 1, delay)
                await self._sleep(delay)
            token = await self._tokens.access_token()
            try:
                async with self._session.post(
                    self._url, json=body, headers={zalo.ACCESS_TOKEN_HEADER: token}
                ) as response:
                    if response.status == 429 or response.status >= 500:
                        failure = f"HTTP {response.status}"
                        continue
                    answer = await response.json(content_type=None)
            except (aiohttp.ClientError, TimeoutError, ValueError) as error:
                failure = f"{type(error).__name__}: {error}"
                continue
            code = _code(answer) if isinstance(answer, dict) else -1
            if code == zalo.ERROR_OK:
                return
            if code in zalo.TOKEN_ERRORS and not refreshed:
                refreshed, failure = True, ""
                await self._tokens.refresh_now(token)
                continue
            if code == zalo.ERROR_RATE_LIMIT:
                failure = "rate limit"
                continue
            message_text = answer.get("message", "") if isinstance(answer, dict) else answer
            raise ZaloError(code, str(message_text))
        raise ZaloUnavailable(f"{self._settings.max_tries} tries: {failure or 'token refused'}")
