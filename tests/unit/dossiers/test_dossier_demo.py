"""The demo dossiers: deterministic, idempotent and shaped like a city's real workload."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, func, select

from knowledge.dossiers.codes import normalize_dossier_code
from knowledge.dossiers.demo import (
    DEMO_NOTE,
    FIRST_RECEIPT,
    REFERENCE_DATE,
    add_working_days,
    demo_dossiers,
    seed_demo,
)
from knowledge.dossiers.models import Dossier
from knowledge.shared.db import make_engine, session_scope


def all_rows(engine: Engine) -> list[Dossier]:
    with session_scope(engine) as session:
        return list(session.scalars(select(Dossier).order_by(Dossier.code)))


def test_seeding_twice_adds_nothing_and_more_adds_the_rest(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    assert seed_demo(engine, count=300) == 300
    assert seed_demo(engine, count=300) == 0
    assert seed_demo(engine, count=400) == 100
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Dossier)) == 400


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    assert demo_dossiers(200, 2026) == demo_dossiers(200, 2026)
    assert demo_dossiers(200, 2026)[:50] == demo_dossiers(50, 2026)
    assert demo_dossiers(50, 2026) != demo_dossiers(50, 7)


def test_codes_are_canonical_and_dated_on_receipt(demo_engine: Engine) -> None:
    rows = all_rows(demo_engine)
    assert len(rows) == 1000
    for row in rows:
        assert normalize_dossier_code(row.code) == row.code
        assert row.code.split("-")[1] == f"{row.received_on:%y%m%d}"


def test_dates_are_consistent_and_within_the_demo_span(demo_engine: Engine) -> None:
    rows = all_rows(demo_engine)
    assert min(row.received_on for row in rows) >= FIRST_RECEIPT
    assert max(row.received_on for row in rows) <= REFERENCE_DATE
    assert all(row.received_on.weekday() < 5 for row in rows)
    for row in rows:
        assert row.due_on >= row.received_on
        assert (row.finished_on is None) == (
            row.status in {"received", "processing", "supplement_required"}
        )
        if row.finished_on is not None:
            assert row.received_on <= row.finished_on <= REFERENCE_DATE


def test_every_status_and_channel_occurs(demo_engine: Engine) -> None:
    rows = all_rows(demo_engine)
    assert set(Counter(row.status for row in rows)) == {
        "received",
        "processing",
        "supplement_required",
        "result_ready",
        "returned",
        "rejected",
    }
    channels = Counter(row.channel for row in rows)
    assert channels["in_person"] > channels["online"] > channels["postal"] > 0


def test_on_time_share_is_realistic_and_varies_by_unit(demo_engine: Engine) -> None:
    finished = [row for row in all_rows(demo_engine) if row.finished_on is not None]
    on_time = [row for row in finished if row.finished_on <= row.due_on]
    assert 0.93 <= len(on_time) / len(finished) <= 0.97
    per_unit = Counter(row.receiving_unit for row in finished)
    good = Counter(row.receiving_unit for row in on_time)
    rates = [good[unit] / per_unit[unit] for unit in per_unit]
    assert len(rates) == 13
    assert all(0.9 <= rate <= 0.99 for rate in rates)
    assert max(rates) - min(rates) >= 0.03


def test_online_payment_and_postal_return_have_plausible_shares(demo_engine: Engine) -> None:
    rows = all_rows(demo_engine)
    paying = [row for row in rows if row.fee_vnd > 0]
    assert not any(row.paid_online for row in rows if row.fee_vnd == 0)
    assert 0.2 <= sum(row.paid_online for row in paying) / len(paying) <= 0.5
    assert 0.1 <= sum(row.result_by_post for row in rows) / len(rows) <= 0.25


def test_procedures_go_to_the_tier_that_handles_them(demo_engine: Engine) -> None:
    rows = all_rows(demo_engine)
    units_of: dict[str, set[str]] = {row.procedure: set() for row in rows}
    for row in rows:
        units_of[row.procedure].add(row.receiving_unit)
    assert all(
        unit.startswith(("UBND phường ", "UBND xã ")) for unit in units_of["Đăng ký khai sinh"]
    )
    assert units_of["Cấp giấy phép xây dựng nhà ở riêng lẻ"] == {
        "Bộ phận Một cửa UBND thành phố Hưng Yên"
    }
    assert {unit for units in units_of.values() for unit in units} >= {
        "UBND phường Lam Sơn",
        "UBND phường Hiến Nam",
        "UBND xã Bảo Khê",
        "UBND xã Trung Nghĩa",
    }


def test_rows_say_they_are_demo_data(demo_engine: Engine) -> None:
    rows = all_rows(demo_engine)
    assert {row.note for row in rows} == {DEMO_NOTE}
    assert all(row.applicant_phone.startswith("09000") for row in rows)


def test_working_days_skip_weekends() -> None:
    friday = date(2026, 1, 16)
    assert add_working_days(friday, 0) == friday
    assert add_working_days(friday, 1) == date(2026, 1, 19)  # Monday
    assert add_working_days(friday, 10) == date(2026, 1, 30)
