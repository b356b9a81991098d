"""The clock services take, so tests can set the time: aware datetimes, UTC by default."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]  # aware datetimes


def utc_now() -> datetime:
    return datetime.now(UTC)
