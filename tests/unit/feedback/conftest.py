"""Feedback services on a fresh SQLite file, a settable clock, and a fresh PostgreSQL database
when a server answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from knowledge.feedback import FeedbackDraft, FeedbackService
from knowledge.shared.db import make_engine
from tests.fakes import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    # 09:00 in Vietnam on a working day.
    return FakeClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "feedback.db"


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{db_path}")
    yield engine
    engine.dispose()


@pytest.fixture
def service(engine: Engine, clock: FakeClock) -> FeedbackService:
    return FeedbackService(engine, clock)


@pytest.fixture
def draft() -> FeedbackDraft:
    return FeedbackDraft(
        category="cham_tre",
        content="Hồ sơ cấp giấy chứng nhận quyền sử dụng đất của tôi đã quá hạn 10 ngày "
        "mà chưa có kết quả, cán bộ một cửa không giải thích lý do.",
        citizen_name="Nguyễn Văn An",
        phone="0912 345 678",
        sender_id="telegram:123456789",
        dossier_code="H31.29-260115-0001",
    )
