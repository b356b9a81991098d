"""A Telegram conversation through the real Rasa and action servers (the fake Bot API in
place of Telegram): a status answer, its "notify me" button, a status change in the dossier
store, exactly one update delivered, and its button stopping the updates."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from telegram.ext import Application

from bot.telegram.config import Settings
from bot.telegram.notify import TelegramSender
from knowledge.dossiers.models import Dossier
from knowledge.dossiers.store import SqlDossierStore
from knowledge.notify.service import SubscriptionStore
from knowledge.notify.watcher import Watcher
from knowledge.shared.db import make_engine, session_scope
from tests.e2e.conftest import RunningStack
from tests.unit.telegram.telegram_fakes import (
    CHAT_ID,
    TOKEN,
    FakeBotApi,
    button_data,
    fake_bot_api,
    press_update,
    running,
    text_update,
    without_ca_bundle,
)

NOTIFY = "Nhận thông báo khi hồ sơ có thay đổi"


@pytest.fixture
async def bot_api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[FakeBotApi]:
    without_ca_bundle(monkeypatch, tmp_path)
    async with fake_bot_api() as fake:
        yield fake


@pytest.fixture
def engine(stack: RunningStack) -> Engine:
    return make_engine(stack.settings["DATABASE_URL"])


@pytest.fixture
async def application(stack: RunningStack, bot_api: FakeBotApi) -> AsyncIterator[Application]:
    settings = Settings(
        token=TOKEN,
        rasa_url=stack.rasa_url,
        api_base_url=bot_api.base_url,
        rasa_timeout_s=30,
        database_url=stack.settings["DATABASE_URL"],
    )
    async with running(settings) as application:
        yield application


def open_dossier(engine: Engine) -> str:
    """A demo dossier still being processed."""
    with session_scope(engine) as session:
        return session.scalars(
            select(Dossier.code).where(Dossier.status == "processing").order_by(Dossier.code)
        ).first() or pytest.fail("the demo data has no dossier in progress")


def last_with(bot_api: FakeBotApi, words: str) -> dict:
    return next(m for m in reversed(bot_api.delivered) if words in m["text"])


async def test_notify_telegram_subscription_delivers_exactly_one_update_per_change(
    application: Application, bot_api: FakeBotApi, engine: Engine
) -> None:
    code = open_dossier(engine)
    await application.process_update(text_update(application, f"tra cứu hồ sơ {code}"))
    answer = last_with(bot_api, f"thông tin hồ sơ {code}")
    assert "Việc Anh/chị cần làm tiếp theo:" in answer["text"]
    await application.process_update(press_update(application, answer, button_data(answer, NOTIFY)))
    assert f"em sẽ nhắn Anh/chị ngay khi hồ sơ {code} có thay đổi" in bot_api.delivered[-1]["text"]

    with session_scope(engine) as session:
        session.execute(
            update(Dossier).where(Dossier.code == code).values(status="supplement_required")
        )
    watcher = Watcher(
        SubscriptionStore(engine),
        SqlDossierStore(engine),
        TelegramSender(application.bot),
        poll_s=1,
        clock=lambda: datetime.now(UTC),
    )
    before = len(bot_api.delivered)
    assert await watcher.poll_once() == 1
    assert await watcher.poll_once() == 0
    (notification,) = bot_api.delivered[before:]
    assert notification["chat"]["id"] == CHAT_ID
    assert f"hồ sơ {code}" in notification["text"]
    assert "Tình trạng mới: Cần bổ sung hồ sơ" in notification["text"]
    assert "Phiếu yêu cầu bổ sung" in notification["text"]

    # Its button, pressed in the chat, goes through Rasa and stops the updates.
    await application.process_update(
        press_update(application, notification, button_data(notification, "Hủy nhận thông báo"))
    )
    assert bot_api.delivered[-1]["text"] == f"Dạ, em đã dừng gửi thông báo về hồ sơ {code} ạ."
    assert SubscriptionStore(engine).active(f"telegram:{CHAT_ID}") == []
