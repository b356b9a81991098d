"""Fixtures of the Zalo channel tests: fake Zalo and fake Rasa served on 127.0.0.1, the
channel's web application running against them on a database of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.zalo.config import Settings
from tests.fake_zalo import (
    Channel,
    FakeZaloApi,
    channel_settings,
    running_channel,
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
    database_url = f"sqlite:///{tmp_path / 'knowledge.db'}"
    return replace(channel_settings(zalo_api, rasa.url, database_url), rasa_timeout_s=0.5)


@pytest.fixture
async def channel(settings: Settings) -> AsyncIterator[Channel]:
    async with running_channel(settings) as running:
        yield running
