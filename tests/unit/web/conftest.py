"""Fixtures of the web page tests: the app on a test server over the real knowledge base, a
settable clock, and a recorder standing in for delivery to Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web.server import create_app
from knowledge.feedback import FeedbackService
from knowledge.shared.db import get_engine
from knowledge.shared.periods import VIETNAM_TZ
from tests.fakes import FakeClock
from tests.unit.officials.officials_fakes import without_officials_rows
from tests.unit.web.web_fakes import TOKEN, ClientFactory, DeliveryRecorder


@pytest.fixture
def database_url(kb_url: str) -> str:
    """The shared knowledge base with no complaints yet (reset before, not after, the test)."""
    return without_officials_rows(kb_url)


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
    database_url: str, clock: FakeClock, telegram: DeliveryRecorder
) -> AsyncIterator[ClientFactory]:
    """Starts the app with the given environment (the officials' token set by default);
    ``default_delivery`` keeps the app's own way to Telegram instead of the recorder."""
    clients: list[TestClient] = []

    async def start(*, default_delivery: bool = False, **environ: str) -> TestClient:
        settings = {"DATABASE_URL": database_url, "OFFICIALS_WEB_TOKEN": TOKEN, **environ}
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
async def logged_in(client: TestClient) -> TestClient:
    response = await client.post(
        "/can-bo/dang-nhap", data={"ma_truy_cap": TOKEN}, allow_redirects=False
    )
    assert response.status == 303
    return client
