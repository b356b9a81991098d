"""Photos and PDFs through the real Rasa and action servers: a receipt photo sent on Telegram
(the fake Bot API) or uploaded on the web gives the dossier's status; a photo without a code gets
a request to type it; a complaint filed on Telegram with a photo reaches the officials with it,
and its tracking code says it carries a file."""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import Engine, select
from telegram.ext import Application

from bot.telegram.config import Settings
from knowledge.dossiers.models import STATUS_LABELS, Dossier
from knowledge.feedback import FeedbackService
from knowledge.officials.accounts import AccountService, Role
from knowledge.shared.db import make_engine, session_scope
from knowledge.shared.wording import say
from tests import upload_files
from tests.e2e.conftest import RunningStack
from tests.unit.telegram.telegram_fakes import (
    OFFICIAL,
    TOKEN,
    FakeBotApi,
    fake_bot_api,
    photo_update,
    running,
    text_update,
    without_ca_bundle,
)


@pytest.fixture(scope="module")
def engine(stack: RunningStack) -> Engine:
    return make_engine(stack.settings["DATABASE_URL"])


@pytest.fixture(scope="module")
def open_dossier(engine: Engine) -> Dossier:
    with session_scope(engine) as session:
        query = select(Dossier).where(Dossier.status == "processing").order_by(Dossier.code)
        dossier = session.scalars(query).first()
    if dossier is None:
        pytest.fail("no demo dossier in processing: was the demo data seeded?")
    return dossier


@pytest.fixture
async def bot_api(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[FakeBotApi]:
    without_ca_bundle(monkeypatch, tmp_path_factory.mktemp("no_ca"))
    async with fake_bot_api() as fake:
        yield fake


@pytest.fixture
async def telegram(stack: RunningStack, bot_api: FakeBotApi) -> AsyncIterator[Application]:
    """The Telegram channel relaying to the real Rasa, over the stack's database, with a handler
    whose account carries the official's Telegram id."""
    accounts = AccountService(make_engine(stack.settings["DATABASE_URL"]))
    if accounts.by_telegram(OFFICIAL["id"]) is None:
        accounts.create(
            f"e2e.attach.{uuid.uuid4().hex[:6]}",
            "mat-khau-thu-nghiem-dai",
            Role.HANDLER,
            telegram_id=OFFICIAL["id"],
        )
    settings = Settings(
        token=TOKEN,
        rasa_url=stack.rasa_url,
        api_base_url=bot_api.base_url,
        rasa_timeout_s=90.0,
        database_url=stack.settings["DATABASE_URL"],
    )
    async with running(settings) as application:
        yield application


def citizen() -> dict[str, Any]:
    """A Telegram user of the test's own, so that rate limits and trackers are not shared."""
    number = int(uuid.uuid4().int % 900_000_000) + 100_000_000
    return {"id": number, "is_bot": False, "first_name": "Lan"}


async def send_photo(
    application: Application, bot_api: FakeBotApi, user: dict[str, Any], data: bytes
) -> None:
    file_id = f"p{len(bot_api.files)}"
    bot_api.files[file_id] = data
    await application.process_update(photo_update(application, {file_id: len(data)}, user=user))


async def say_text(application: Application, user: dict[str, Any], text: str) -> None:
    await application.process_update(text_update(application, text, user=user))


async def test_receipt_photo_on_telegram_gives_the_dossier_status(
    telegram: Application, bot_api: FakeBotApi, open_dossier: Dossier
) -> None:
    user = citizen()
    await send_photo(telegram, bot_api, user, upload_files.receipt_photo_with_qr(open_dossier.code))
    texts = bot_api.texts_to(user["id"])
    assert texts[0] == say("receipts.code_read", code=open_dossier.code)
    answer = "\n".join(texts[1:])
    assert open_dossier.code in answer and STATUS_LABELS[open_dossier.status] in answer
    assert open_dossier.applicant_phone not in answer


async def test_receipt_photo_without_a_code_asks_to_type_it_then_the_typed_code_works(
    telegram: Application, bot_api: FakeBotApi, open_dossier: Dossier
) -> None:
    user = citizen()
    await say_text(telegram, user, "tra cứu hồ sơ")
    await send_photo(telegram, bot_api, user, upload_files.blank_photo())
    assert bot_api.texts_to(user["id"])[-1] == say("receipts.no_code")
    await say_text(telegram, user, open_dossier.code)
    assert STATUS_LABELS[open_dossier.status] in bot_api.texts_to(user["id"])[-1]


def test_receipt_uploaded_on_the_web_gives_the_dossier_status(
    stack: RunningStack, open_dossier: Dossier
) -> None:
    boundary = uuid.uuid4().hex
    sender = f"web-receipt-{uuid.uuid4().hex[:8]}"
    photo = upload_files.qr_png(open_dossier.code)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="sender_id"\r\n\r\n{sender}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="phieu.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + photo
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{stack.web_url}/api/upload",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with urllib.request.urlopen(request, timeout=90) as response:
        replies = json.loads(response.read())["replies"]
    text = "\n".join(reply["text"] for reply in replies)
    assert open_dossier.code in text and STATUS_LABELS[open_dossier.status] in text


async def test_attach_photo_to_a_complaint_on_telegram_reaches_the_officials(
    telegram: Application, bot_api: FakeBotApi, engine: Engine
) -> None:
    user = citizen()
    await say_text(telegram, user, "tôi muốn gửi phản ánh")
    await say_text(telegram, user, "Giải quyết chậm trễ")
    await send_photo(telegram, bot_api, user, upload_files.photo_with_gps())
    texts = bot_api.texts_to(user["id"])
    assert "em đã nhận ảnh (tệp 1/5)" in texts[-2] and "nội dung phản ánh" in texts[-1]
    complaint = f"Hồ sơ nộp ở phường Lam Sơn quá hạn 10 ngày chưa có kết quả {uuid.uuid4().hex}"
    for answer in (complaint, "đồng ý", "Nguyễn Văn An", "0912 345 678", "không"):
        await say_text(telegram, user, answer)
    assert "Tệp đính kèm: 1" in bot_api.texts_to(user["id"])[-1]
    await say_text(telegram, user, "gửi")
    (item,) = [i for i in FeedbackService(engine).inbox(None, 200) if i.content == complaint]
    assert item.code in bot_api.texts_to(user["id"])[-1] and len(item.attachments) == 1

    await say_text(telegram, user, f"kiểm tra phản ánh {item.code}")
    assert "Phản ánh kèm 1 tệp." in bot_api.texts_to(user["id"])[-1]

    await say_text(telegram, OFFICIAL, f"/phananh tep {item.code}")
    (photo,) = bot_api.calls("sendPhoto")
    assert photo["photo"].startswith(b"\xff\xd8\xff") and b"GPS" not in photo["photo"]
