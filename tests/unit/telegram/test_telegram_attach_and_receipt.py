"""A citizen's photo or PDF on Telegram: downloaded within the limit, checked and stored, then
handed to Rasa as /upload_file{...}; a refused file is answered without Rasa. Officials see a
complaint's files counted in /phananh and get them with /phananh tep <mã>."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from bot.telegram.config import Settings
from knowledge.feedback import FeedbackService
from knowledge.feedback.attachments import AttachmentLimits, Uploads
from knowledge.shared.db import get_engine
from knowledge.shared.uploads import MB, UploadLimits
from knowledge.shared.wording import say
from tests import upload_files
from tests.unit.officials.officials_fakes import complaint
from tests.unit.telegram.telegram_fakes import (
    CHAT_ID,
    OFFICIAL,
    FakeBotApi,
    FakeRasa,
    document_update,
    photo_update,
    running,
    text_update,
)


@pytest.fixture
def citizen_settings(settings: Settings, tmp_path: Path) -> Settings:
    return replace(settings, database_url=f"sqlite:///{tmp_path / 'uploads.db'}")


def pixels(data: bytes) -> bytes:
    return Image.open(io.BytesIO(data)).convert("L").tobytes()


def upload_key(message: str) -> str:
    assert message.startswith("/upload_file")
    return str(json.loads(message.removeprefix("/upload_file"))["upload_id"])


async def test_receipt_photo_on_telegram_goes_to_rasa_as_an_upload(
    citizen_settings: Settings, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    photo = upload_files.qr_png("H31.29-260115-0001")
    bot_api.files.update({"small": b"thumbnail", "large": photo})
    rasa.answers = {}
    async with running(citizen_settings) as application:
        await application.process_update(
            photo_update(application, {"small": 9, "large": len(photo)})
        )
    (received,) = rasa.received
    assert received["sender"] == f"telegram:{CHAT_ID}"
    key = upload_key(received["message"])
    uploads = Uploads(get_engine(citizen_settings.database_url))
    stored = uploads.take(key, f"telegram:{CHAT_ID}")
    assert stored is not None and pixels(stored) == pixels(photo)  # the largest size
    assert [p["file_id"] for p in bot_api.calls("getFile")] == ["large"]


async def test_attach_document_that_is_not_a_photo_or_pdf_is_refused_without_rasa(
    citizen_settings: Settings, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    bot_api.files["doc"] = b"PK\x03\x04 a zip named anh.jpg"
    async with running(citizen_settings) as application:
        await application.process_update(document_update(application, "doc", "anh.jpg", 30))
    assert bot_api.texts_to(CHAT_ID) == [say("uploads.not_supported")]
    assert rasa.received == []


async def test_attach_photo_over_the_limit_is_not_downloaded(
    citizen_settings: Settings, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    small = AttachmentLimits(upload=UploadLimits(max_bytes=MB))
    async with running(replace(citizen_settings, attachments=small)) as application:
        await application.process_update(photo_update(application, {"big": 3 * MB}))
    assert bot_api.texts_to(CHAT_ID) == [say("uploads.too_big", limit="1")]
    assert "getFile" not in bot_api.methods() and rasa.received == []


async def test_attach_officials_see_the_count_and_get_the_files(
    official_settings: Settings, bot_api: FakeBotApi
) -> None:
    engine = get_engine(official_settings.database_url)
    citizen = "telegram:777001"
    uploads = Uploads(engine)
    keys = tuple(
        upload_key(uploads.receive(data, citizen))
        for data in (upload_files.photo_with_gps(), upload_files.pdf_receipt("H31.29-260115-0001"))
    )
    code = FeedbackService(engine).submit(replace(complaint(citizen), attachments=keys))
    async with running(official_settings) as application:
        official = OFFICIAL["id"]
        await application.process_update(text_update(application, "/phananh", user=OFFICIAL))
        assert f"Kèm 2 tệp: /phananh tep {code}" in bot_api.texts_to(official)[-1]
        await application.process_update(
            text_update(application, f"/phananh tep {code}", user=OFFICIAL)
        )
    (photo,) = bot_api.calls("sendPhoto")
    (document,) = bot_api.calls("sendDocument")
    assert photo["photo"].startswith(b"\xff\xd8\xff") and b"GPS" not in photo["photo"]
    assert document["document"].startswith(b"%PDF-")
