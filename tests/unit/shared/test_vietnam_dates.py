"""Dates are Viet Nam's, whatever the server's clock zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from knowledge.shared.periods import vietnam_today


def test_after_17_00_utc_it_is_already_tomorrow_in_viet_nam() -> None:
    assert vietnam_today(datetime(2026, 11, 22, 16, 59, tzinfo=UTC)) == date(2026, 11, 22)
    assert vietnam_today(datetime(2026, 11, 22, 17, 0, tzinfo=UTC)) == date(2026, 11, 23)
