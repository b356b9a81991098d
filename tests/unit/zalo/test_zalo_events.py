"""Reading Zalo's webhook requests: the signature recipe, freshness, what an event carries."""

from __future__ import annotations

import hashlib
import json
import time

import pytest

from bot.zalo.events import Attachment, Rejected, user_event, verified_event
from tests.fake_zalo import APP_ID, OA_SECRET_KEY, file_event, image_event, text_event


def check(body: bytes, header: str | None, now_s: float | None = None) -> dict[str, object]:
    return verified_event(
        body,
        header,
        app_id=APP_ID,
        oa_secret_key=OA_SECRET_KEY,
        now_s=time.time() if now_s is None else now_s,
        max_age_s=7200,
    )


def signed(event: dict[str, object]) -> tuple[bytes, str]:
    body = json.dumps(event).encode()
    digest = hashlib.sha256(
        f"{APP_ID}{body.decode()}{event['timestamp']}{OA_SECRET_KEY}".encode()
    ).hexdigest()
    return body, digest


def test_zalo_signature_is_sha256_of_app_id_body_timestamp_and_oa_secret() -> None:
    event = text_event("u1", "xin chào")
    body, digest = signed(event)
    assert check(body, digest) == event
    assert check(body, "mac=" + digest) == event  # both header forms seen in the wild
    assert check(body, digest.upper()) == event


@pytest.mark.parametrize(
    ("header", "status"), [(None, 401), ("", 401), ("mac=" + "0" * 64, 403), ("garbage", 403)]
)
def test_zalo_missing_or_wrong_signature_is_rejected(header: str | None, status: int) -> None:
    body, _ = signed(text_event("u1", "xin chào"))
    with pytest.raises(Rejected) as rejected:
        check(body, header)
    assert rejected.value.status == status


def test_zalo_event_older_than_the_window_or_from_the_future_is_rejected() -> None:
    event = text_event("u1", "xin chào", sent_at_s=1_800_000_000)
    body, digest = signed(event)
    assert check(body, digest, now_s=1_800_000_000 + 7000) == event
    for now_s in (1_800_000_000 + 7300, 1_800_000_000 - 600):
        with pytest.raises(Rejected, match="stale") as rejected:
            check(body, digest, now_s=now_s)
        assert rejected.value.status == 403


def test_zalo_body_that_is_not_an_event_is_a_bad_request() -> None:
    for body in (b"not json", b"[1, 2]", b'{"event_name": "user_send_text"}'):
        with pytest.raises(Rejected) as rejected:
            check(body, "mac=" + "0" * 64)
        assert rejected.value.status == 400


def test_zalo_user_event_reads_text_photos_and_files() -> None:
    text = user_event(text_event("u1", "  hồ sơ H31.29-260115-0001  "))
    assert text is not None and (text.user_id, text.text) == ("u1", "hồ sơ H31.29-260115-0001")
    photo = user_event(image_event("u1", "https://p/1.jpg"))
    assert photo is not None and photo.attachments == (Attachment("image", "https://p/1.jpg"),)
    document = user_event(file_event("u1", "https://f/d.pdf", "don.pdf"))
    assert document is not None
    assert document.attachments == (Attachment("file", "https://f/d.pdf", "don.pdf"),)


def test_zalo_events_other_than_user_messages_are_not_user_events() -> None:
    follow = {"event_name": "follow", "follower": {"id": "u1"}, "timestamp": "1"}
    seen = {"event_name": "user_seen_message", "sender": {"id": "oa"}, "message": {"msg_id": "m"}}
    no_id = {"event_name": "user_send_text", "sender": {"id": "u1"}, "message": {"text": "hi"}}
    assert [user_event(e) for e in (follow, seen, no_id)] == [None, None, None]
