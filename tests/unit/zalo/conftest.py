"""Fixtures of the Zalo channel tests: fake Zalo and fake Rasa served on 127.0.0.1, the
channel's web application running against them on a database of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer

from bot.zalo.app import WORKER, build_app
from bot.zalo.config import WEBHOOK_PATH, Settings
from bot.zalo.files import FileHook, acknowledge_file
from tests.fake_zalo import (
    APP_ID,
    APP_SECRET,
    FIRST_REFRESH_TOKEN,
    OA_ID,
    OA_SECRET_KEY,
    FakeZaloApi,
    deliver,
    serving_fake_zalo,
)
from tests.unit.telegram.telegram_fakes import FakeRasa, serving


@pytest.fixture
async def zalo_api() -> AsyncIterator[FakeZaloApi]:
    async with serving_fake_zalo() as fake:
        yield fake


@pytest.fixture
async def rasa() -> AsyncIterator[FakeRasa]:
    fake = FakeRasa()
    async with serving(fake.app()) as url:
        fake.url = url
        yield fake


@pytest.fixture
def settings(zalo_api: FakeZaloApi, rasa: FakeRasa, tmp_path: Path) -> Settings:
    return Settings(
        oa_id=OA_ID,
        app_id=APP_ID,
        app_secret=APP_SECRET,
        oa_secret_key=OA_SECRET_KEY,
        refresh_token=FIRST_REFRESH_TOKEN,
        rasa_url=rasa.url,
        api_base_url=zalo_api.base_url,
        oauth_base_url=zalo_api.base_url,
        rasa_timeout_s=0.5,
        retry_backoff_s=0.01,
        database_url=f"sqlite:///{tmp_path / 'knowledge.db'}",
    )


@dataclass
class Channel:
    """The running channel, as Zalo's webhook sender sees it."""

    app: web.Application
    url: str
    session: ClientSession

    async def post(self, event: dict[str, Any], *, signature: str | None = "") -> int:
        return await deliver(self.session, self.url, event, signature=signature)

    async def settle(self) -> None:
        """Wait until every accepted event has been answered."""
        await self.app[WORKER].drain()


@asynccontextmanager
async def running_channel(
    settings: Settings, *, receive_file: FileHook = acknowledge_file, **options: Any
) -> AsyncIterator[Channel]:
    app = build_app(settings, receive_file=receive_file, **options)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        async with ClientSession() as session:
            yield Channel(app, f"http://127.0.0.1:{server.port}{WEBHOOK_PATH}", session)
    finally:
        await server.close()


@pytest.fixture
async def channel(settings: Settings) -> AsyncIterator[Channel]:
    async with running_channel(settings) as running:
        yield running
