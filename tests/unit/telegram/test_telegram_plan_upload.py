"""An official sends a plan document to the bot: it is downloaded (bounded), read, shown with
"Đăng" / "Hủy", and published on "Đăng"; a citizen's document is not read as a plan. Against the
fake Bot API, into a copy of shipped sources and a database of the test's own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.telegram import officials
from bot.telegram.config import Settings
from knowledge.officials.plans import PlanDesk
from knowledge.plans.build import build
from knowledge.plans.manifest import load_manifests
from knowledge.plans.search import invalidate
from knowledge.plans.service import list_plans
from knowledge.shared.db import get_engine
from knowledge.shared.wording import say
from tests.plan_copies import copy_plans
from tests.unit.officials.accounts_fakes import ADMIN, make_accounts
from tests.unit.plans.formats import builders
from tests.unit.telegram.telegram_fakes import (
    OFFICIAL,
    USER,
    FakeBotApi,
    button_data,
    document_update,
    press_update,
    running,
)

REPO = Path(__file__).resolve().parents[3]
NEW_PLAN = REPO / "tests" / "plans" / "laichau-tieuchuan-2025.txt"
NEW_SLUG = "lai-chau-7360-2025"
OFFICIAL_CHAT = OFFICIAL["id"]


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A copy of shipped plan documents: where the bot publishes in these tests."""
    return copy_plans(tmp_path)


@pytest.fixture
def plan_settings(settings: Settings, tmp_path: Path, sources: Path) -> Iterator[Settings]:
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    build(get_engine(url), manifests=load_manifests(sources))
    make_accounts(get_engine(url), **{ADMIN: OFFICIAL["id"]})
    yield replace(settings, database_url=url)
    invalidate(get_engine(url))


@pytest.fixture
async def bot(plan_settings: Settings, sources: Path) -> AsyncIterator[Application]:
    async with running(plan_settings) as application:
        engine = get_engine(plan_settings.database_url)
        application.bot_data[officials.PLANS] = PlanDesk(engine, sources_dir=sources)
        yield application


async def send(
    application: Application, bot_api: FakeBotApi, name: str, content: bytes, **sender: Any
) -> None:
    file_id = f"f{len(bot_api.files)}"
    bot_api.files[file_id] = content
    await application.process_update(
        document_update(application, file_id, name, len(content), **sender)
    )


def last_to(bot_api: FakeBotApi, chat_id: int) -> dict[str, Any]:
    return [m for m in bot_api.delivered if m["chat"]["id"] == chat_id][-1]


async def test_upload_by_telegram_preview_then_publish_on_dang(
    bot: Application, bot_api: FakeBotApi, plan_settings: Settings, sources: Path
) -> None:
    content = builders.docx_from_text(NEW_PLAN.read_text(encoding="utf-8"))
    await send(bot, bot_api, "KH 7360 Lai Chau.docx", content, user=OFFICIAL)
    texts = bot_api.texts_to(OFFICIAL_CHAT)
    assert texts[0] == "Dạ, em đang đọc tệp “KH 7360 Lai Chau.docx”, Anh/chị chờ em một chút ạ."
    shown = "\n".join(texts[1:])
    assert "Dạ, em đã đọc “KH 7360 Lai Chau.docx” (docx):" in shown
    assert "Số 7360/KH-UBND, ngày 19/11/2025" in shown and "(cấp tỉnh)" in shown
    assert "nhiệm vụ," in shown and "Chủ trì: Sở Khoa học và Công nghệ" in shown
    assert "Tên đơn vị chưa có trong danh mục:" in shown
    assert texts[-1].endswith("Anh/chị có đăng kế hoạch này không ạ?")
    preview = last_to(bot_api, OFFICIAL_CHAT)
    assert [b["text"] for b in preview["reply_markup"]["inline_keyboard"][0]] == ["Đăng", "Hủy"]
    assert not (sources / f"{NEW_SLUG}.txt").exists()

    await bot.process_update(
        press_update(bot, preview, button_data(preview, "Đăng"), user=OFFICIAL)
    )
    assert bot_api.texts_to(OFFICIAL_CHAT)[-2:] == [
        "Dạ, em đang đăng kế hoạch và cập nhật cơ sở tri thức…",
        f"Dạ, đã đăng kế hoạch “{NEW_SLUG}”. Trợ lý trả lời theo kế hoạch này sau ít giây, "
        "không cần khởi động lại.",
    ]
    assert (sources / f"{NEW_SLUG}.txt").exists()
    engine = get_engine(plan_settings.database_url)
    assert NEW_SLUG in {plan.slug for plan in list_plans(engine)}
    # A second tap on the (removed) keyboard publishes nothing more.
    await bot.process_update(
        press_update(bot, preview, button_data(preview, "Đăng"), user=OFFICIAL)
    )
    assert len(bot_api.texts_to(OFFICIAL_CHAT)) == len(texts) + 2


async def test_upload_by_telegram_cancelled_publishes_nothing(
    bot: Application, bot_api: FakeBotApi, sources: Path
) -> None:
    before = sorted(p.name for p in sources.iterdir())
    content = builders.docx_from_text(NEW_PLAN.read_text(encoding="utf-8"))
    await send(bot, bot_api, "kh.docx", content, user=OFFICIAL)
    preview = last_to(bot_api, OFFICIAL_CHAT)
    await bot.process_update(press_update(bot, preview, button_data(preview, "Hủy"), user=OFFICIAL))
    assert bot_api.texts_to(OFFICIAL_CHAT)[-1] == "Dạ, đã hủy, kế hoạch chưa được đăng."
    assert sorted(p.name for p in sources.iterdir()) == before


async def test_upload_by_telegram_a_citizen_document_is_not_read(
    bot: Application, bot_api: FakeBotApi, sources: Path
) -> None:
    before = sorted(p.name for p in sources.iterdir())
    await send(bot, bot_api, "kh.txt", NEW_PLAN.read_bytes())
    # Read as a citizen's file (a receipt or a complaint's attachment), which a text is not.
    assert bot_api.texts_to(USER["id"]) == [say("uploads.not_supported")]
    assert sorted(p.name for p in sources.iterdir()) == before


async def test_upload_by_telegram_a_file_too_big_is_not_downloaded(
    bot: Application, bot_api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(officials, "UPLOAD_MAX_BYTES", 1000)
    await send(bot, bot_api, "lon.pdf", b"%PDF" + b"x" * 5000, user=OFFICIAL)
    (reply,) = bot_api.texts_to(OFFICIAL_CHAT)
    assert reply.startswith("Dạ, tệp “lon.pdf” quá lớn") and "getFile" not in bot_api.methods()


async def test_upload_by_telegram_a_duplicate_is_refused_with_its_reason(
    bot: Application, bot_api: FakeBotApi, sources: Path
) -> None:
    shipped = (sources / "longdiena-cchc-2023.txt").read_bytes()
    await send(bot, bot_api, "ban-sao.txt", shipped, user=OFFICIAL)
    reply = bot_api.texts_to(OFFICIAL_CHAT)[-1]
    assert reply.startswith("Dạ, tệp “ban-sao.txt” có cùng nội dung")
    assert "reply_markup" not in last_to(bot_api, OFFICIAL_CHAT)


async def test_upload_by_telegram_only_an_official_may_press_dang(
    bot: Application, bot_api: FakeBotApi, sources: Path
) -> None:
    content = builders.docx_from_text(NEW_PLAN.read_text(encoding="utf-8"))
    await send(bot, bot_api, "kh.docx", content, user=OFFICIAL)
    preview = last_to(bot_api, OFFICIAL_CHAT)
    await bot.process_update(press_update(bot, preview, button_data(preview, "Đăng"), user=USER))
    assert not (sources / f"{NEW_SLUG}.txt").exists()
    assert bot_api.calls("answerCallbackQuery")[-1]["text"] == officials.REFUSED
    assert "editMessageReplyMarkup" not in bot_api.methods()  # the official may still press
