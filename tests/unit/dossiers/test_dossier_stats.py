"""On-time statistics, unit matching and reporting periods."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, select

from knowledge.dossiers.demo import UNITS
from knowledge.dossiers.models import Dossier
from knowledge.dossiers.stats import (
    AmbiguousUnitError,
    UnknownUnitError,
    match_unit,
    ontime_rate,
)
from knowledge.shared.db import session_scope

AddDossier = Callable[..., Dossier]
UNIT_NAMES = [unit.name for unit in UNITS]


@pytest.fixture
def quarter_one(add_dossier: AddDossier) -> None:
    """Lam Sơn: 3 finished in Q1 2026 (one late), one finished in April, one still open;
    Hiến Nam: 1 finished late in Q1."""
    add_dossier(
        code="H31.31.01-260105-0001",
        status="returned",
        received_on=date(2026, 1, 5),
        due_on=date(2026, 1, 6),
        finished_on=date(2026, 1, 6),
    )
    add_dossier(
        code="H31.31.01-260210-0001",
        status="rejected",
        received_on=date(2026, 2, 10),
        due_on=date(2026, 2, 13),
        finished_on=date(2026, 2, 12),
    )
    add_dossier(
        code="H31.31.01-260327-0001",
        status="result_ready",
        received_on=date(2026, 3, 27),
        due_on=date(2026, 3, 30),
        finished_on=date(2026, 3, 31),
    )
    add_dossier(
        code="H31.31.01-260330-0001",
        status="returned",
        received_on=date(2026, 3, 30),
        due_on=date(2026, 4, 2),
        finished_on=date(2026, 4, 1),
    )
    add_dossier(
        code="H31.31.01-260331-0001",
        status="processing",
        received_on=date(2026, 3, 31),
        due_on=date(2026, 4, 1),
    )
    add_dossier(
        code="H31.31.02-260302-0001",
        receiving_unit="UBND phường Hiến Nam",
        status="returned",
        received_on=date(2026, 3, 2),
        due_on=date(2026, 3, 3),
        finished_on=date(2026, 3, 5),
    )


@pytest.mark.usefixtures("quarter_one")
def test_ontime_rate_of_all_units(engine: Engine) -> None:
    stats = ontime_rate(engine, None, date(2026, 1, 1), date(2026, 3, 31), by_unit=True)
    assert (stats.unit, stats.finished, stats.on_time, stats.late) == (None, 4, 2, 2)
    assert stats.rate == 0.5
    assert [(row.unit, row.finished, row.on_time, row.rate) for row in stats.by_unit] == [
        ("UBND phường Hiến Nam", 1, 0, 0.0),
        ("UBND phường Lam Sơn", 3, 2, 2 / 3),
    ]


@pytest.mark.usefixtures("quarter_one")
def test_ontime_rate_of_one_unit_named_loosely(engine: Engine) -> None:
    with session_scope(engine) as session:
        stats = ontime_rate(session, "phuong lam son", date(2026, 1, 1), date(2026, 3, 31))
    assert stats.unit == "UBND phường Lam Sơn"
    assert (stats.finished, stats.on_time, stats.late) == (3, 2, 1)
    assert stats.by_unit == ()


@pytest.mark.usefixtures("quarter_one")
def test_period_limits_are_inclusive(engine: Engine) -> None:
    stats = ontime_rate(engine, "Lam Sơn", date(2026, 3, 31), date(2026, 4, 1))
    assert (stats.finished, stats.on_time) == (2, 1)


def test_no_finished_dossier_gives_no_rate(engine: Engine) -> None:
    stats = ontime_rate(engine, None, date(2026, 1, 1), date(2026, 3, 31))
    assert (stats.finished, stats.rate) == (0, None)


def test_demo_city_rate_matches_a_direct_count(demo_engine: Engine) -> None:
    stats = ontime_rate(demo_engine, "một cửa tp hưng yên", date(2026, 1, 1), date(2026, 6, 30))
    assert stats.unit == "Bộ phận Một cửa UBND thành phố Hưng Yên"
    with session_scope(demo_engine) as session:
        finished = session.scalars(
            select(Dossier).where(
                Dossier.receiving_unit == stats.unit,
                Dossier.finished_on >= date(2026, 1, 1),
                Dossier.finished_on <= date(2026, 6, 30),
            )
        ).all()
    assert stats.finished == len(finished) > 50
    assert stats.on_time == sum(row.finished_on <= row.due_on for row in finished)
    assert stats.rate is not None and 0.9 <= stats.rate <= 1.0


@pytest.mark.parametrize(
    ("typed", "unit"),
    [
        ("phuong lam son", "UBND phường Lam Sơn"),
        ("UBND phường Hiến Nam", "UBND phường Hiến Nam"),
        ("ubnd p hien nam", "UBND phường Hiến Nam"),
        ("xa bao khe", "UBND xã Bảo Khê"),
        ("Ủy ban nhân dân xã Trung Nghĩa", "UBND xã Trung Nghĩa"),
        ("phường Hiến Nan", "UBND phường Hiến Nam"),  # typo
        ("bộ phận một cửa thành phố", "Bộ phận Một cửa UBND thành phố Hưng Yên"),
        ("so tu phap", "Sở Tư pháp tỉnh Hưng Yên"),
    ],
)
def test_unit_matched_by_folded_text(typed: str, unit: str) -> None:
    assert match_unit(typed, UNIT_NAMES) == unit


@pytest.mark.parametrize("typed", ["phường", "hưng yên", "ubnd"])
def test_vague_unit_asks_which(typed: str) -> None:
    with pytest.raises(AmbiguousUnitError) as caught:
        match_unit(typed, UNIT_NAMES)
    assert len(caught.value.candidates) > 1


@pytest.mark.parametrize("typed", ["phường Hoàn Kiếm", "Sở Nội vụ", ""])
def test_unknown_unit_is_refused(typed: str) -> None:
    with pytest.raises(UnknownUnitError):
        match_unit(typed, UNIT_NAMES)
