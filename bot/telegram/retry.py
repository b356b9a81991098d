"""Throttling and retries of Bot API calls: python-telegram-bot's AIORateLimiter keeps outgoing
requests within Telegram's flood limits and waits out a 429; network failures are retried too."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

from knowledge.shared.settings import DEFAULT_SETTINGS, Rate

log = logging.getLogger(__name__)

NOT_RETRIED = frozenset({"sendChatAction"})
# Telegram's documented limit for a bot: about 30 messages a second overall.
DEFAULT_SEND_RATE = DEFAULT_SETTINGS.telegram_send_rate

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (throttling, 429 waited out) that also retries network failures.

    PTB's docs advise handling only RetryAfter in a rate limiter; we also retry NetworkError and
    TimedOut (not BadRequest, which PTB derives from NetworkError but which would fail the same
    way again) because a dropped reply is worse for a citizen than the rare duplicate a lost
    response can cause. PTB never passes getUpdates through this hook: the updater has its own
    retry loop. "typing…" is not retried: it is cosmetic, and a late one would only delay the
    answer. At most ``max_tries`` requests go out for one call of either kind of failure.
    """

    def __init__(
        self, send_rate: Rate = DEFAULT_SEND_RATE, max_tries: int = 3, backoff_s: float = 0.5
    ) -> None:
        super().__init__(overall_max_rate=send_rate.count, overall_time_period=send_rate.window_s)
        self.max_tries = max_tries
        self.backoff_s = backoff_s

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        if endpoint in NOT_RETRIED:
            return await super().process_request(callback, args, kwargs, endpoint, data, None)
        for attempt in range(1, self.max_tries):
            try:
                # Waits out up to max_tries - attempt 429s on this attempt's own budget.
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, self.max_tries - attempt
                )
            except NetworkError as error:  # TimedOut is a NetworkError too
                if isinstance(error, BadRequest):
                    raise
                delay = self.backoff_s * 2 ** (attempt - 1)
                log.warning("%s failed (%s); try %d in %.1f s", endpoint, error, attempt + 1, delay)
            await asyncio.sleep(delay)
        return await super().process_request(callback, args, kwargs, endpoint, data, None)
