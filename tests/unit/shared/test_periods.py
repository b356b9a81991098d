"""Report periods as people name them, and their first and last days."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.shared.periods import parse_period, period_bounds


@pytest.mark.parametrize(
    ("period", "year", "bounds"),
    [
        ("Q1", 2025, (date(2025, 1, 1), date(2025, 3, 31))),
        ("q4", 2025, (date(2025, 10, 1), date(2025, 12, 31))),
        ("H1", 2024, (date(2024, 1, 1), date(2024, 6, 30))),
        ("9M", 2025, (date(2025, 1, 1), date(2025, 9, 30))),
        ("Y", 2025, (date(2025, 1, 1), date(2025, 12, 31))),
        ("Q4", 2026, (date(2026, 10, 1), date(2026, 11, 22))),  # still running: ends today
        ("Y", 2026, (date(2026, 1, 1), date(2026, 11, 22))),
        ("this quarter", 2020, (date(2026, 10, 1), date(2026, 11, 22))),  # year ignored
    ],
)
def test_period_bounds(period: str, year: int, bounds: tuple[date, date]) -> None:
    assert period_bounds(period, year, today=date(2026, 11, 22)) == bounds


@pytest.mark.parametrize(("period", "year"), [("Q5", 2025), ("quý 1", 2025), ("Q1", 2027)])
def test_unknown_or_future_period_is_refused(period: str, year: int) -> None:
    with pytest.raises(ValueError):
        period_bounds(period, year, today=date(2026, 11, 22))


@pytest.mark.parametrize(
    ("typed", "period"),
    [
        ("quý I", "Q1"),
        ("quý 3", "Q3"),
        ("quy iv nam 2025", "Q4"),
        ("Q2/2026", "Q2"),
        ("6 tháng đầu năm", "H1"),
        ("6 tháng cuối năm", "H2"),
        ("9 tháng", "9M"),
        ("cả năm 2025", "Y"),
        ("quý này", "this quarter"),
        ("tháng trước", None),
    ],
)
def test_parse_period(typed: str, period: str | None) -> None:
    assert parse_period(typed) == period
