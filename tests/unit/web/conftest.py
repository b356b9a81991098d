"""Fixtures of the web page tests: the app on a test server over the real knowledge base, a
settable clock, and a recorder standing in for delivery to Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web.server import create_app
from knowledge.feedback import FeedbackService
from knowledge.officials.accounts import AccountView
from knowledge.shared.db import get_engine
from knowledge.shared.periods import VIETNAM_TZ
from tests.fakes import FakeClock
from tests.unit.officials.accounts_fakes import cheap_hashes, make_accounts
from tests.unit.officials.officials_fakes import without_officials_rows
from tests.unit.web.web_fakes import ClientFactory, DeliveryRecorder, log_in


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashes(monkeypatch)


@pytest.fixture
def database_url(kb_url: str) -> str:
    """The shared knowledge base with no complaints or accounts yet (reset before, not after,
    the test)."""
    return without_officials_rows(kb_url)


@pytest.fixture
def accounts(database_url: str) -> dict[str, AccountView]:
    """An admin, a handler and a viewer (tests.unit.officials.accounts_fakes)."""
    return make_accounts(get_engine(database_url))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2024, 3, 1, 9, 0, tzinfo=VIETNAM_TZ))


@pytest.fixture
def feedback(database_url: str, clock: FakeClock) -> FeedbackService:
    return FeedbackService(get_engine(database_url), clock)


@pytest.fixture
def telegram() -> DeliveryRecorder:
    return DeliveryRecorder()


@pytest.fixture
async def make_client(
    database_url: str, clock: FakeClock, telegram: DeliveryRecorder, tmp_path: Path
) -> AsyncIterator[ClientFactory]:
    """Starts the app with the given environment; ``default_delivery`` keeps the app's own way
    to Telegram instead of the recorder."""
    clients: list[TestClient] = []
    var_dir = tmp_path / "var"  # the session key is made there

    async def start(*, default_delivery: bool = False, **environ: str) -> TestClient:
        settings = {"DATABASE_URL": database_url, "VAR_DIR": str(var_dir), **environ}
        deliver = None if default_delivery else telegram
        app = create_app(settings, clock=clock, deliver=deliver)
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.close()


@pytest.fixture
async def client(make_client: ClientFactory) -> TestClient:
    return await make_client()


@pytest.fixture
async def logged_in(client: TestClient, accounts: dict[str, AccountView]) -> TestClient:
    """Logged in as the admin, who may do everything."""
    response = await log_in(client)
    assert response.status == 303
    return client
