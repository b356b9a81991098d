"""Sliding-window limit on dossier lookups, driven by a fake clock."""

from __future__ import annotations

import pytest

from knowledge.shared.ratelimit import SlidingWindowLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_ten_lookups_per_ten_minutes(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(limit=10, window_s=600, clock=clock)
    for _ in range(10):
        assert limiter.allow("telegram:123")
        clock.now += 5
    assert not limiter.allow("telegram:123")
    assert limiter.allow("telegram:456")  # other senders are not affected


def test_window_slides_from_the_oldest_lookup(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(limit=3, window_s=600, clock=clock)
    for step in (0, 100, 200):
        clock.now = 1000 + step
        assert limiter.allow("web:a")
    clock.now = 1599
    assert not limiter.allow("web:a")
    assert limiter.retry_after("web:a") == pytest.approx(1.0)
    clock.now = 1600  # the first lookup has left the window
    assert limiter.retry_after("web:a") == 0.0
    assert limiter.allow("web:a")
    assert not limiter.allow("web:a")  # the 2nd and 3rd are still inside


def test_refused_attempts_do_not_extend_the_block(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(limit=2, window_s=60, clock=clock)
    assert limiter.allow("k") and limiter.allow("k")
    for _ in range(20):
        clock.now += 2
        assert not limiter.allow("k")
    clock.now = 1060
    assert limiter.allow("k")


def test_idle_senders_are_forgotten(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(limit=5, window_s=60, clock=clock)
    for sender in range(100):
        limiter.allow(sender)
    assert len(limiter) == 100
    limiter.retry_after(0)
    clock.now += 61
    limiter.allow("late sender")
    assert len(limiter) == 1


@pytest.mark.parametrize(("limit", "window_s"), [(0, 60), (5, 0)])
def test_nonsense_limits_are_refused(limit: int, window_s: float) -> None:
    with pytest.raises(ValueError):
        SlidingWindowLimiter(limit, window_s)
