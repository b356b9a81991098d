"""A sliding-window limit on lookups per key, against enumeration of dossier codes.

Codes are guessable (agency, date, serial), and a status answer shows a masked name, so one
sender trying serial after serial must be slowed down: e.g. 10 lookups per sender per 10
minutes. Only allowed calls are recorded, so a refused sender is free again ``window_s``
after its oldest counted lookup. State lives in memory, per process, for one event loop.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable


class SlidingWindowLimiter:
    """At most ``limit`` allowed calls per key within any ``window_s`` seconds of ``clock``."""

    def __init__(
        self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("limit must be at least 1 and window_s positive")
        self._limit = limit
        self._window_s = window_s
        self._clock = clock
        self._hits: dict[Hashable, deque[float]] = {}
        self._last_sweep = clock()

    def allow(self, key: Hashable) -> bool:
        """Whether ``key`` may make one more call now; an allowed call is counted."""
        now = self._clock()
        self._sweep(now)
        hits = self._recent(key, now)
        if len(hits) >= self._limit:
            return False
        hits.append(now)
        self._hits[key] = hits
        return True

    def retry_after(self, key: Hashable) -> float:
        """Seconds until ``key`` may call again; 0 when it may now."""
        now = self._clock()
        hits = self._recent(key, now)
        if len(hits) < self._limit:
            return 0.0
        return hits[0] + self._window_s - now

    def forget(self, key: Hashable) -> None:
        """Start ``key`` afresh, as if it had made no call (a login that succeeded)."""
        self._hits.pop(key, None)

    def _recent(self, key: Hashable, now: float) -> deque[float]:
        hits = self._hits.get(key, deque())
        while hits and hits[0] <= now - self._window_s:
            hits.popleft()
        return hits

    def _sweep(self, now: float) -> None:
        # Senders who stopped calling would otherwise stay in memory for good.
        if now - self._last_sweep < self._window_s:
            return
        self._last_sweep = now
        stale = [
            key for key, hits in self._hits.items() if not hits or hits[-1] <= now - self._window_s
        ]
        for key in stale:
            del self._hits[key]

    def __len__(self) -> int:
        """Keys currently tracked."""
        return len(self._hits)
