"""Databases for the dossier tests: an empty one per test, and one demo set shared by all."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from knowledge.dossiers.demo import seed_demo
from knowledge.dossiers.models import Dossier, create_dossier_tables
from knowledge.shared.db import make_engine, session_scope


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'dossiers.db'}")
    create_dossier_tables(engine)
    return engine


@pytest.fixture(scope="session")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'dossiers.db'}")
    seed_demo(engine)
    return engine


@pytest.fixture
def add_dossier(engine: Engine) -> Callable[..., Dossier]:
    """Insert one dossier: a birth registration at Lam Sơn unless told otherwise."""

    def add(**fields: Any) -> Dossier:
        values: dict[str, Any] = {
            "code": "H31.31.01-260115-0001",
            "procedure": "Đăng ký khai sinh",
            "field": "Hộ tịch",
            "receiving_unit": "UBND phường Lam Sơn",
            "locality": "phường Lam Sơn, thành phố Hưng Yên",
            "applicant_name": "Nguyễn Văn An",
            "applicant_phone": "0912345678",
            "channel": "online",
            "received_on": date(2026, 1, 15),
            "due_on": date(2026, 1, 16),
            "status": "processing",
            "finished_on": None,
            "fee_vnd": 0,
            "paid_online": False,
            "result_by_post": False,
        } | fields
        dossier = Dossier(**values)
        with session_scope(engine) as session:
            session.add(dossier)
        return dossier

    return add
