"""Retries of Bot API calls: flood control (429) and transient network failures."""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

NOT_RETRIED = frozenset({"sendChatAction"})

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


def retry_after_seconds(error: RetryAfter) -> float:
    # An int by default in PTB 22, a timedelta with PTB_TIMEDELTA=true (the future default).
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class RetryingRateLimiter(BaseRateLimiter[None]):
    """Calls every Bot API method again after a 429 (waiting as told) or a network error.

    PTB's rate-limiter hook wraps every outgoing request, so handlers stay plain calls. Its docs
    advise handling only RetryAfter here; we also retry NetworkError/TimedOut (not BadRequest,
    which PTB derives from NetworkError but which would fail the same way again) because a
    dropped reply is worse for a citizen than the rare duplicate a lost response can cause.
    PTB never passes getUpdates through this hook: the updater has its own retry loop.
    "typing…" is not retried: it is cosmetic, and a late one would only delay the answer.
    """

    def __init__(self, max_tries: int = 3, backoff_s: float = 0.5) -> None:
        self.max_tries = max_tries
        self.backoff_s = backoff_s

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> JSONResult:
        if endpoint in NOT_RETRIED:
            return await callback(*args, **kwargs)
        for attempt in range(1, self.max_tries):
            try:
                return await callback(*args, **kwargs)
            except (RetryAfter, NetworkError) as error:  # TimedOut is a NetworkError too
                if isinstance(error, BadRequest):
                    raise
                delay = self._delay(error, attempt)
                log.warning("%s failed (%s); try %d in %.1f s", endpoint, error, attempt + 1, delay)
            await asyncio.sleep(delay)
        return await callback(*args, **kwargs)

    def _delay(self, error: RetryAfter | NetworkError, attempt: int) -> float:
        if isinstance(error, RetryAfter):
            return retry_after_seconds(error)
        return self.backoff_s * 2 ** (attempt - 1)
