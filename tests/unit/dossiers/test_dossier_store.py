"""Status lookups from the local dossier table, and what they let the assistant show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from knowledge.dossiers.http_store import HttpDossierStore
from knowledge.dossiers.lookup import make_dossier_lookup
from knowledge.dossiers.models import Dossier
from knowledge.dossiers.status import DossierStatus
from knowledge.dossiers.store import SqlDossierStore
from knowledge.shared.privacy import mask_name

AddDossier = Callable[..., Dossier]

TODAY = date(2026, 1, 20)


def store(engine: Engine, today: date = TODAY) -> SqlDossierStore:
    return SqlDossierStore(engine, today=lambda: today)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Nguyễn Văn An", "Nguyễn V** A*"),
        ("Trần Thị Thu Hương", "Trần T** T** H****"),
        ("Lê B", "Lê B"),
        ("  Phạm   Đức Nam ", "Phạm Đ** N**"),
        ("Hoa", "H**"),  # one word: nothing is shown in full
    ],
)
def test_mask_name_keeps_family_name_and_initials(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_status_found_by_a_sloppily_typed_code(engine: Engine, add_dossier: AddDossier) -> None:
    add_dossier(paid_online=True, result_by_post=True)
    status = store(engine).get("h31.31.01 260115 0001")
    assert status == DossierStatus(
        code="H31.31.01-260115-0001",
        procedure="Đăng ký khai sinh",
        receiving_unit="UBND phường Lam Sơn",
        status="processing",
        status_label="Đang giải quyết",
        received_on=date(2026, 1, 15),
        due_on=date(2026, 1, 16),
        finished_on=None,
        overdue=True,  # still open on the 20th, due on the 16th
        paid_online=True,
        result_by_post=True,
        applicant="Nguyễn V** A*",
    )


def test_status_never_carries_phone_or_full_name() -> None:
    shown = {field.name for field in fields(DossierStatus)}
    assert not shown & {"applicant_name", "applicant_phone", "fee_vnd", "locality", "note"}


def test_unknown_or_malformed_code_gives_none(engine: Engine, add_dossier: AddDossier) -> None:
    add_dossier()
    assert store(engine).get("H31.31.01-260115-0002") is None
    assert store(engine).get("hồ sơ của tôi") is None


@pytest.mark.parametrize(
    ("status", "due_on", "finished_on", "overdue"),
    [
        ("processing", date(2026, 1, 20), None, False),  # due today: not late yet
        ("received", date(2026, 1, 19), None, True),
        ("supplement_required", date(2026, 1, 16), None, False),  # waiting for the applicant
        ("result_ready", date(2026, 1, 16), date(2026, 1, 16), False),
        ("returned", date(2026, 1, 16), date(2026, 1, 19), True),  # finished late stays late
        ("rejected", date(2026, 1, 16), date(2026, 1, 15), False),
    ],
)
def test_overdue_flag(
    engine: Engine,
    add_dossier: AddDossier,
    status: str,
    due_on: date,
    finished_on: date | None,
    overdue: bool,
) -> None:
    add_dossier(status=status, due_on=due_on, finished_on=finished_on)
    found = store(engine).get("H31.31.01-260115-0001")
    assert found is not None
    assert found.overdue is overdue


def test_finished_date_on_an_open_dossier_is_refused(
    engine: Engine, add_dossier: AddDossier
) -> None:
    add_dossier(status="processing", finished_on=date(2026, 1, 16))
    with pytest.raises(ValueError, match="finished date"):
        store(engine).get("H31.31.01-260115-0001")


def test_demo_dossier_is_found_as_seeded(demo_engine: Engine) -> None:
    found = store(demo_engine, today=date(2026, 11, 20)).get("000.00.31.h31 260702 0001")
    assert found is not None
    assert found.receiving_unit == "Bộ phận Một cửa UBND thành phố Hưng Yên"
    assert found.received_on == date(2026, 7, 2)


def test_lookup_is_sql_without_api_url(tmp_path: Path) -> None:
    lookup = make_dossier_lookup({"VAR_DIR": str(tmp_path)})
    assert isinstance(lookup, SqlDossierStore)
    assert lookup.get("H31.29-260115-0001") is None  # table created on first use
    assert (tmp_path / "knowledge.db").exists()


def test_lookup_is_http_with_api_url() -> None:
    lookup = make_dossier_lookup(
        {"DOSSIER_API_URL": "http://127.0.0.1:9/api", "DOSSIER_API_TOKEN": "secret"}
    )
    assert isinstance(lookup, HttpDossierStore)
    lookup.close()
