"""Fixtures of the Telegram channel tests: fakes served on 127.0.0.1, the application running."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from telegram.ext import Application

from bot.telegram.config import Settings
from knowledge.shared.db import get_engine
from tests.unit.officials.accounts_fakes import ADMIN, cheap_hashes, make_accounts
from tests.unit.officials.officials_fakes import without_officials_rows
from tests.unit.telegram.telegram_fakes import (
    OFFICIAL,
    TOKEN,
    FakeBotApi,
    FakeRasa,
    fake_bot_api,
    running,
    serving,
    without_ca_bundle,
)


@pytest.fixture(autouse=True)
def no_ca_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    without_ca_bundle(monkeypatch, tmp_path_factory.mktemp("no_ca"))


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashes(monkeypatch)


@pytest.fixture
async def bot_api() -> AsyncIterator[FakeBotApi]:
    async with fake_bot_api() as fake:
        yield fake


@pytest.fixture
async def rasa() -> AsyncIterator[FakeRasa]:
    fake = FakeRasa()
    async with serving(fake.app()) as url:
        fake.url = url
        yield fake


@pytest.fixture
def settings(bot_api: FakeBotApi, rasa: FakeRasa, kb_url: str) -> Settings:
    return Settings(
        token=TOKEN,
        rasa_url=rasa.url,
        api_base_url=bot_api.base_url,
        rasa_timeout_s=0.5,
        retry_backoff_s=0.01,
        database_url=kb_url,  # the inbox's tables, migrated
    )


@pytest.fixture
async def application(settings: Settings) -> AsyncIterator[Application]:
    async with running(settings) as application:
        yield application


@pytest.fixture
def database_url(kb_url: str) -> str:
    """The shared knowledge base with no complaints, subscriptions or sent reminders yet.

    Reset before the test rather than after, so a failed test cannot leak rows into the next.
    """
    return without_officials_rows(kb_url)


@pytest.fixture
def official_settings(settings: Settings, database_url: str) -> Settings:
    """The official's Telegram id is on the admin's account (tests.unit.officials)."""
    make_accounts(get_engine(database_url), **{ADMIN: OFFICIAL["id"]})
    return replace(settings, database_url=database_url)
