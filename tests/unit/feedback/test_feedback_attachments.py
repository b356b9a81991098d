"""Photos and PDFs sent with a complaint: checked by content, stored without their GPS position,
pending until the complaint is filed, then counted in its status and shown to officials."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta

import pytest
from PIL import ExifTags, Image
from sqlalchemy import Engine, func, select

from knowledge.feedback import FeedbackDraft, FeedbackService, InvalidFeedback
from knowledge.feedback.attachments import (
    PER_FEEDBACK,
    UPLOAD_ENTITY,
    AttachmentLimits,
    Uploads,
    attachment_limits,
)
from knowledge.feedback.models import FeedbackAttachment
from knowledge.shared.db import session_scope
from knowledge.shared.settings import Rate, SettingError
from knowledge.shared.uploads import MB, UploadLimits, UploadRejected
from tests import upload_files
from tests.fakes import FakeClock

SENDER = "telegram:123456789"


@pytest.fixture
def uploads(engine: Engine, clock: FakeClock) -> Uploads:
    return Uploads(engine, clock=clock)


def key_of(message: str) -> str:
    prefix = '/upload_file{"' + UPLOAD_ENTITY + '": "'
    assert message.startswith(prefix) and message.endswith('"}')
    return message[len(prefix) : -2]


def stored_content(engine: Engine, key: str) -> bytes:
    with session_scope(engine) as session:
        row = session.scalar(select(FeedbackAttachment).where(FeedbackAttachment.key == key))
        assert row is not None
        return row.content


def test_attach_photo_is_stored_without_its_gps_position(uploads: Uploads, engine: Engine) -> None:
    original = upload_files.photo_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    key = key_of(uploads.receive(original, SENDER))
    stored = Image.open(io.BytesIO(stored_content(engine, key)))
    exif = stored.getexif()
    assert exif.get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert ExifTags.IFD.GPSInfo not in exif
    assert exif[ExifTags.Base.Make] == "Phone"  # what is not a position stays
    assert stored.size == (640, 480)


def test_attach_pdf_is_stored_as_sent(uploads: Uploads, engine: Engine) -> None:
    pdf = upload_files.pdf_receipt("H31.29-260115-0001")
    key = key_of(uploads.receive(pdf, SENDER))
    assert stored_content(engine, key) == pdf


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%!PS-Adobe-3.0 a PostScript file", "not_supported"),
        (b"GIF89a" + b"\x00" * 50, "not_supported"),
        (upload_files.bomb_png(), "too_many_pixels"),
        (upload_files.pdf_pages(21), "too_many_pages"),
        (b"%PDF-1.7 broken" + b"\x00" * 100, "damaged"),
    ],
    ids=["postscript", "gif", "decompression-bomb", "pdf-21-pages", "broken-pdf"],
)
def test_attach_refuses_by_content(
    uploads: Uploads, service: FeedbackService, engine: Engine, data: bytes, reason: str
) -> None:
    with pytest.raises(UploadRejected) as refused:
        uploads.receive(data, SENDER)
    assert refused.value.reason == reason
    service.ensure_schema()
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(FeedbackAttachment)) == 0


def test_attach_refuses_a_file_over_the_size_limit(engine: Engine) -> None:
    small = Uploads(engine, AttachmentLimits(upload=UploadLimits(max_bytes=MB)))
    with pytest.raises(UploadRejected) as refused:
        small.receive(upload_files.photo_with_gps() + b"\x00" * MB, SENDER)
    assert refused.value.reason == "too_big"


def test_attach_too_many_files_in_a_row_are_refused(engine: Engine) -> None:
    limited = Uploads(engine, AttachmentLimits(uploads=Rate(2, 600.0)))
    photo = upload_files.blank_photo()
    limited.receive(photo, SENDER)
    limited.receive(photo, SENDER)
    with pytest.raises(UploadRejected) as refused:
        limited.receive(photo, SENDER)
    assert refused.value.reason == "rate_limited" and "10 phút" in str(refused.value)
    limited.receive(photo, "telegram:42")  # another citizen is not held up


def test_attach_files_go_with_the_complaint_and_are_counted_in_its_status(
    uploads: Uploads, service: FeedbackService, draft: FeedbackDraft
) -> None:
    keys = (
        key_of(uploads.receive(upload_files.photo_with_gps(), SENDER)),
        key_of(uploads.receive(upload_files.pdf_receipt("H31.29-260115-0001"), SENDER)),
    )
    someone_elses = key_of(uploads.receive(upload_files.blank_photo(), "telegram:42"))
    code = service.submit(replace(draft, attachments=(*keys, someone_elses)))

    status = service.citizen_status(code, SENDER)
    assert status.attachment_count == 2
    (item,) = service.inbox()
    assert [a.key for a in item.attachments] == list(keys)
    assert [a.is_image for a in item.attachments] == [True, False]
    files = uploads.files_of(code.lower())
    assert [attachment.media_type for attachment, _ in files] == ["image/jpeg", "application/pdf"]
    # Attached: no longer pending, so not read again as a receipt; shown to officials by key.
    assert uploads.pending(keys[0], SENDER) is None
    assert uploads.content(keys[1]) is not None
    assert uploads.content(someone_elses) is None  # still pending, the other citizen's


def test_attach_more_than_the_limit_is_refused(
    service: FeedbackService, draft: FeedbackDraft
) -> None:
    too_many = tuple(f"k{number}" for number in range(PER_FEEDBACK + 1))
    with pytest.raises(InvalidFeedback) as refused:
        service.submit(replace(draft, attachments=too_many))
    assert "attachments" in refused.value.errors


def test_attach_pending_file_is_only_its_senders_and_a_receipt_is_deleted_once_read(
    uploads: Uploads,
) -> None:
    key = key_of(uploads.receive(upload_files.blank_photo(), SENDER))
    assert uploads.pending(key, "telegram:42") is None
    assert uploads.take(key, "telegram:42") is None
    found = uploads.pending(key, SENDER)
    assert found is not None and found.media_type == "image/jpeg"
    assert uploads.take(key, SENDER) is not None
    assert uploads.take(key, SENDER) is None


def test_attach_pending_files_expire(uploads: Uploads, clock: FakeClock) -> None:
    old = key_of(uploads.receive(upload_files.blank_photo(), SENDER))
    clock.advance(seconds=uploads.limits.pending_s + 1)
    uploads.receive(upload_files.blank_photo(), SENDER)
    assert uploads.pending(old, SENDER) is None


def test_attach_limits_from_the_environment() -> None:
    limits = attachment_limits(
        {"UPLOAD_MAX_MB": "3", "UPLOAD_MAX_PDF_PAGES": "5", "UPLOAD_LIMIT": "4/60"}
    )
    assert limits.upload.max_bytes == 3 * MB and limits.upload.max_pdf_pages == 5
    assert limits.uploads == Rate(4, 60.0)
    with pytest.raises(SettingError, match="UPLOAD_MAX_MB"):
        attachment_limits({"UPLOAD_MAX_MB": "0"})


def test_attach_expiry_is_a_day() -> None:
    assert timedelta(seconds=AttachmentLimits().pending_s) == timedelta(days=1)
