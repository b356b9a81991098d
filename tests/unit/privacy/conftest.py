"""A complaints database and a Rasa tracker store (SQLite files) with a settable clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from knowledge.feedback import FeedbackService
from knowledge.privacy.service import PrivacyService
from knowledge.shared.db import make_engine
from tests.fakes import FakeClock
from tests.unit.privacy.stores import EVENTS_DDL


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))


@pytest.fixture
def app_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'knowledge.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def tracker_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.begin() as connection:
        connection.execute(sa.text(EVENTS_DDL))
    yield engine
    engine.dispose()


@pytest.fixture
def feedback(app_engine: Engine, clock: FakeClock) -> FeedbackService:
    return FeedbackService(app_engine, clock)


@pytest.fixture
def privacy(app_engine: Engine, tracker_engine: Engine, clock: FakeClock) -> PrivacyService:
    return PrivacyService(app_engine, tracker_engine, clock)
