"""POST /api/upload: the web chat's photo or PDF, checked and stored, handed to Rasa with the
widget's session id, Rasa's replies returned; refusals as HTTP errors with a Vietnamese text.
Officials see a complaint's files on their page, behind the login."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient

from knowledge.feedback import FeedbackService
from knowledge.feedback.attachments import Uploads
from knowledge.shared.db import get_engine
from knowledge.shared.wording import say
from tests import upload_files
from tests.unit.officials.officials_fakes import complaint
from tests.unit.telegram.telegram_fakes import FakeRasa, serving
from tests.unit.web.web_fakes import ClientFactory

SESSION = "5f2c9a1e0b7d4c3a"


@pytest.fixture
async def rasa() -> AsyncIterator[FakeRasa]:
    fake = FakeRasa()
    async with serving(fake.app()) as url:
        fake.url = url
        yield fake


@pytest.fixture
async def chat(make_client: ClientFactory, rasa: FakeRasa) -> TestClient:
    return await make_client(RASA_URL=rasa.url, UPLOAD_MAX_MB="1", UPLOAD_LIMIT="3/600")


def form(data: bytes | None, sender: str | None = SESSION) -> FormData:
    body = FormData()
    if sender is not None:
        body.add_field("sender_id", sender)
    if data is not None:
        body.add_field("file", data, filename="anh.jpg", content_type="image/jpeg")
    return body


async def test_receipt_upload_on_the_web_goes_to_rasa_and_returns_its_replies(
    chat: TestClient, rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch
) -> None:
    reply = {"text": "Dạ, hồ sơ H31.29-260115-0001", "buttons": [{"title": "Có", "payload": "/a"}]}
    monkeypatch.setattr(rasa, "answers", _AnyMessage([reply]))
    receipt = upload_files.qr_png("H31.29-260115-0001")
    response = await chat.post("/api/upload", data=form(receipt))
    assert response.status == 200 and await response.json() == {"replies": [reply]}
    (received,) = rasa.received
    assert received["sender"] == SESSION and received["message"].startswith("/upload_file")


@pytest.mark.parametrize(
    ("data", "sender", "status", "error"),
    [
        (b"PK\x03\x04 a zip", SESSION, 415, say("uploads.not_supported")),
        (upload_files.bomb_png(), SESSION, 415, say("uploads.too_many_pixels")),
        (
            b"\xff\xd8\xff" + b"\x00" * (2 * 1024 * 1024),
            SESSION,
            413,
            say("uploads.too_big", limit="1"),
        ),
        (upload_files.blank_photo(), None, 400, say("uploads.bad_request")),
        (None, SESSION, 400, say("uploads.bad_request")),
    ],
    ids=["zip", "decompression-bomb", "too-big", "no-sender", "no-file"],
)
async def test_attach_upload_refused_with_status_and_message(
    chat: TestClient,
    rasa: FakeRasa,
    data: bytes | None,
    sender: str | None,
    status: int,
    error: str,
) -> None:
    response = await chat.post("/api/upload", data=form(data, sender))
    assert response.status == status and await response.json() == {"error": error}
    assert rasa.received == []


async def test_attach_upload_too_many_in_a_row_is_429(chat: TestClient, rasa: FakeRasa) -> None:
    for _ in range(3):
        assert (await chat.post("/api/upload", data=form(upload_files.blank_photo()))).status == 200
    refused = await chat.post("/api/upload", data=form(upload_files.blank_photo()))
    assert refused.status == 429 and "phút" in (await refused.json())["error"]
    assert len(rasa.received) == 3


async def test_attach_officials_page_links_the_files_behind_the_login(
    make_client: ClientFactory, database_url: str, logged_in: TestClient, client: TestClient
) -> None:
    engine = get_engine(database_url)
    message = Uploads(engine).receive(upload_files.photo_with_gps(), SESSION)
    key = json.loads(message.removeprefix("/upload_file"))["upload_id"]
    code = FeedbackService(engine).submit(replace(complaint(SESSION), attachments=(key,)))
    page = await (await logged_in.get("/can-bo")).text()
    assert f'href="/can-bo/tep/{key}"' in page and code in page
    api = await (await logged_in.get("/can-bo/api/phan-anh")).json()
    (item,) = [i for i in api["items"] if i["code"] == code]
    assert item["attachments"] == [{"url": f"/can-bo/tep/{key}", "media_type": "image/jpeg"}]
    shown = await logged_in.get(f"/can-bo/tep/{key}")
    assert shown.status == 200 and shown.content_type == "image/jpeg"
    assert b"GPS" not in await shown.read()
    assert (await logged_in.get("/can-bo/tep/khong-co")).status == 404
    stranger = await make_client()
    assert (await stranger.get(f"/can-bo/tep/{key}", allow_redirects=False)).status != 200


class _AnyMessage(dict[str, list[dict[str, object]]]):
    """FakeRasa's answers: the same replies whatever the message."""

    def __init__(self, replies: list[dict[str, object]]) -> None:
        super().__init__()
        self._replies = replies

    def get(self, _key: str, _default: object = None) -> list[dict[str, object]]:  # type: ignore[override]
        return self._replies
