"""The officials' desk over a fresh SQLite file with a settable clock, and a fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from knowledge.officials.accounts import AccountView
from knowledge.shared.db import make_engine
from knowledge.shared.periods import VIETNAM_TZ
from tests.fakes import FakeClock
from tests.unit.officials.accounts_fakes import ADMIN, cheap_hashes, make_accounts
from tests.unit.telegram.telegram_fakes import FakeBotApi, fake_bot_api, without_ca_bundle


@pytest.fixture(autouse=True)
def no_ca_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    without_ca_bundle(monkeypatch, tmp_path_factory.mktemp("no_ca"))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2024, 3, 1, 9, 0, tzinfo=VIETNAM_TZ))


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'officials.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def accounts(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> dict[str, AccountView]:
    """An admin, a handler and a viewer (tests.unit.officials.accounts_fakes)."""
    cheap_hashes(monkeypatch)
    return make_accounts(engine)


@pytest.fixture
def admin(accounts: dict[str, AccountView]) -> AccountView:
    return accounts[ADMIN]


@pytest.fixture
async def bot_api() -> AsyncIterator[FakeBotApi]:
    async with fake_bot_api() as fake:
        yield fake
