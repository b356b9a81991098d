"""The per-sender message rate limit of the guarded channels, on a fake clock."""

from __future__ import annotations

import pytest

from bot.guard import TOO_FAST_NOTE, message_rate_limiter, rate_note


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_default_allows_30_messages_a_minute_per_sender() -> None:
    clock = FakeClock()
    limiter = message_rate_limiter({}, clock)
    assert [rate_note(limiter, "rest:a") for _ in range(30)] == [None] * 30
    assert rate_note(limiter, "rest:a") == TOO_FAST_NOTE.format(seconds="60")
    assert rate_note(limiter, "rest:b") is None  # another sender is not held back


def test_the_window_slides_a_sender_is_free_again_as_old_messages_age_out() -> None:
    clock = FakeClock()
    limiter = message_rate_limiter({"MESSAGE_RATE_LIMIT": "3/10"}, clock)
    for moment in (1000.0, 1004.0, 1008.0):
        clock.now = moment
        assert rate_note(limiter, "s") is None
    clock.now = 1009.5
    assert rate_note(limiter, "s") == TOO_FAST_NOTE.format(seconds="1")
    clock.now = 1010.0  # the first message is 10 s old: one more fits
    assert rate_note(limiter, "s") is None
    assert rate_note(limiter, "s") is not None  # the one at 1004 is still counted


def test_refused_messages_do_not_extend_the_wait() -> None:
    clock = FakeClock()
    limiter = message_rate_limiter({"MESSAGE_RATE_LIMIT": "1/60"}, clock)
    assert rate_note(limiter, "s") is None
    for _ in range(50):
        clock.now += 1
        assert rate_note(limiter, "s") is not None
    clock.now = 1060.0
    assert rate_note(limiter, "s") is None


def test_a_count_alone_means_per_minute() -> None:
    clock = FakeClock()
    limiter = message_rate_limiter({"MESSAGE_RATE_LIMIT": " 2 "}, clock)
    assert rate_note(limiter, "s") is None and rate_note(limiter, "s") is None
    assert rate_note(limiter, "s") == TOO_FAST_NOTE.format(seconds="60")


@pytest.mark.parametrize("raw", ["0/60", "-1", "ba mươi", "30/", "30/0", "30/inf", "30/60/2"])
def test_a_wrong_setting_stops_the_server_at_start(raw: str) -> None:
    with pytest.raises(ValueError, match="MESSAGE_RATE_LIMIT"):
        message_rate_limiter({"MESSAGE_RATE_LIMIT": raw})
