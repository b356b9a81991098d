"""The Telegram bot process, which runs the dossier watcher, killed with SIGKILL and started
again: a change already sent is not sent again, a change made while it was down is sent once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, update

from knowledge.dossiers.models import Dossier, create_dossier_tables
from knowledge.notify.service import SubscriptionStore
from knowledge.shared.db import make_engine, session_scope
from tests.paths import ROOT
from tests.unit.telegram.telegram_fakes import CHAT_ID, TOKEN, FakeBotApi, fake_bot_api

CODE = "H31.31.01-260115-0001"
WAIT_S = 30.0


@pytest.fixture
async def bot_api() -> AsyncIterator[FakeBotApi]:
    async with fake_bot_api() as fake:
        yield fake


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'knowledge.db'}")
    create_dossier_tables(engine)
    with session_scope(engine) as session:
        session.add(
            Dossier(
                code=CODE,
                procedure="Đăng ký khai sinh",
                field="Hộ tịch",
                receiving_unit="UBND phường Lam Sơn",
                locality="phường Lam Sơn, thành phố Hưng Yên",
                applicant_name="Nguyễn Văn An",
                applicant_phone="0912345678",
                channel="online",
                received_on=date(2026, 11, 30),
                due_on=date(2099, 12, 31),
                status="processing",
                finished_on=None,
                fee_vnd=0,
                paid_online=False,
                result_by_post=False,
            )
        )
    SubscriptionStore(engine).subscribe(
        f"telegram:{CHAT_ID}", CODE, "processing", datetime.now(UTC)
    )
    return engine


def set_status(engine: Engine, status: str) -> None:
    with session_scope(engine) as session:
        session.execute(update(Dossier).values(status=status))


async def eventually(condition: Callable[[], bool]) -> None:
    for _ in range(int(WAIT_S / 0.1)):
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("timed out")


async def start_bot(
    engine: Engine, bot_api: FakeBotApi, tmp_path: Path
) -> asyncio.subprocess.Process:
    polls_before = bot_api.methods().count("getUpdates")
    no_ca = tmp_path / "no_ca"
    no_ca.mkdir(exist_ok=True)
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "DOSSIER_API_URL")},
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": bot_api.base_url,
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "VAR_DIR": str(tmp_path),
        "NOTIFY_POLL_S": "0.2",
        "SSL_CERT_DIR": str(no_ca),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.telegram",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    # Polling has begun: the watcher started just before, in post_init.
    await eventually(lambda: bot_api.methods().count("getUpdates") > polls_before)
    return process


async def kill(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGKILL)
    await process.wait()


def updates(bot_api: FakeBotApi) -> list[str]:
    return [text for text in bot_api.texts_to(CHAT_ID) if "vừa có cập nhật" in text]


async def test_notify_kill9_of_the_watcher_neither_repeats_nor_loses_an_update(
    engine: Engine, bot_api: FakeBotApi, tmp_path: Path
) -> None:
    bot = await start_bot(engine, bot_api, tmp_path)
    try:
        set_status(engine, "supplement_required")
        await eventually(lambda: len(updates(bot_api)) == 1)
        await kill(bot)
        bot = await start_bot(engine, bot_api, tmp_path)
        await asyncio.sleep(1.5)  # several rounds of the restarted watcher
        assert len(updates(bot_api)) == 1  # sent before the kill: not sent again
        await kill(bot)
        set_status(engine, "processing")  # while nobody watches
        bot = await start_bot(engine, bot_api, tmp_path)
        await eventually(lambda: len(updates(bot_api)) == 2)
        await asyncio.sleep(1.5)
        first, second = updates(bot_api)
        assert "Cần bổ sung hồ sơ" in first and "Tình trạng mới: Đang giải quyết" in second
    finally:
        if bot.returncode is None:
            await kill(bot)
