"""Photos and PDFs citizens send, on every channel: checked by content, cleaned of location
metadata, stored pending, then attached to the complaint being filed (or read as a receipt).

A channel that receives a file calls :meth:`Uploads.receive` and sends Rasa the message it
returns (``/upload_file{"upload_id": "…"}``); the conversation decides what the file is: an
attachment while the complaint form is open, a receipt otherwise. Pending files no complaint
took are deleted after ``AttachmentLimits.pending_s``.
"""

from __future__ import annotations

import io
import json
import logging
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from PIL import ExifTags, Image
from sqlalchemy import Engine, Select, delete, select
from sqlalchemy.orm import Session

from knowledge.feedback.codes import normalize_feedback_code
from knowledge.feedback.models import Feedback, FeedbackAttachment
from knowledge.shared.db import get_engine, session_scope
from knowledge.shared.ratelimit import SlidingWindowLimiter
from knowledge.shared.schema import SchemaGuard
from knowledge.shared.settings import Rate, env_int, env_rate
from knowledge.shared.uploads import (
    IMAGE_KINDS,
    MB,
    PILLOW_FORMATS,
    UploadLimits,
    UploadRejected,
    check_upload,
)

logger = logging.getLogger(__name__)

UPLOAD_INTENT = "upload_file"
UPLOAD_ENTITY = "upload_id"
JPEG_QUALITY = 90
# Files one complaint may carry.
PER_FEEDBACK = 5
# Files one sender may send per window.
UPLOAD_RATE = Rate(20, 600.0)


@dataclass(frozen=True)
class AttachmentLimits:
    upload: UploadLimits = field(default_factory=UploadLimits)
    uploads: Rate = UPLOAD_RATE
    pending_s: float = 24 * 3600.0


def attachment_limits(env: Mapping[str, str]) -> AttachmentLimits:
    """Limits from ``UPLOAD_MAX_MB``, ``UPLOAD_MAX_PIXELS``, ``UPLOAD_MAX_PDF_PAGES`` and
    ``UPLOAD_LIMIT`` ("20/600": files per sender per window)."""
    default = AttachmentLimits()
    upload = UploadLimits(
        max_bytes=env_int(env, "UPLOAD_MAX_MB", default.upload.max_bytes // MB, minimum=1) * MB,
        max_pixels=env_int(env, "UPLOAD_MAX_PIXELS", default.upload.max_pixels, minimum=1),
        max_pdf_pages=env_int(env, "UPLOAD_MAX_PDF_PAGES", default.upload.max_pdf_pages, minimum=1),
    )
    return AttachmentLimits(
        upload=upload,
        uploads=env_rate(env, "UPLOAD_LIMIT", default.uploads),
    )


@dataclass(frozen=True)
class Attachment:
    key: str
    media_type: str
    size: int

    @property
    def is_image(self) -> bool:
        return self.media_type in IMAGE_KINDS


def upload_message(key: str) -> str:
    """What the channel sends Rasa for a stored file."""
    return f"/{UPLOAD_INTENT}" + json.dumps({UPLOAD_ENTITY: key})


def without_location(data: bytes, media_type: str) -> bytes:
    """An image re-encoded without its GPS tags (and without XMP or text chunks, which may
    repeat them); other EXIF tags (orientation) kept. A PDF as it is."""
    if media_type not in IMAGE_KINDS:
        return data
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        exif.pop(ExifTags.IFD.GPSInfo, None)
        image.load()
        params: dict[str, object] = {"exif": exif.tobytes()} if len(exif) else {}
        if icc := image.info.get("icc_profile"):
            params["icc_profile"] = icc
        if media_type != "image/png":
            params["quality"] = JPEG_QUALITY
        out = io.BytesIO()
        image.save(out, format=PILLOW_FORMATS[media_type], **params)
    return out.getvalue()


class Uploads:
    """Citizens' files over one database, for every channel."""

    def __init__(
        self,
        engine: Engine | None = None,
        limits: AttachmentLimits | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._engine = engine or get_engine()
        self.limits = limits or AttachmentLimits()
        self._clock = clock
        self._schema = SchemaGuard(self._engine, [FeedbackAttachment])
        self._rate = SlidingWindowLimiter(self.limits.uploads.count, self.limits.uploads.window_s)
        self._rate_lock = threading.Lock()

    def receive(self, data: bytes, sender_id: str) -> str:
        """Check, clean and store the file sent by ``sender_id``; the message to send Rasa.

        Raises UploadRejected (reason "rate_limited" when the sender sent too many lately)."""
        with self._rate_lock:
            if not self._rate.allow(sender_id):
                wait = self._rate.retry_after(sender_id)
                raise UploadRejected.of("rate_limited", minutes=max(1, round(wait / 60)))
        media_type = check_upload(data, self.limits.upload)
        content = without_location(data, media_type)
        key = secrets.token_hex(16)  # hex: no separator a dossier code could be read from
        now = self._clock()
        with self._session() as session:
            session.execute(
                delete(FeedbackAttachment).where(
                    FeedbackAttachment.feedback_id.is_(None),
                    FeedbackAttachment.created_at < now - timedelta(seconds=self.limits.pending_s),
                )
            )
            session.add(
                FeedbackAttachment(
                    key=key,
                    sender_id=sender_id,
                    media_type=media_type,
                    size=len(content),
                    content=content,
                    created_at=now,
                )
            )
        logger.info("upload %s from %s: %s, %d bytes", key[:6], sender_id, media_type, len(data))
        return upload_message(key)

    def pending(self, key: str, sender_id: str) -> Attachment | None:
        """The file ``sender_id`` sent under ``key``, not yet attached to a complaint."""
        with self._session() as session:
            row = session.scalar(_pending_query(key, sender_id))
            return None if row is None else _attachment_of(row)

    def take(self, key: str, sender_id: str) -> bytes | None:
        """The content of a pending file, deleted as it is read (a receipt is not kept)."""
        with self._session() as session:
            row = session.scalar(_pending_query(key, sender_id))
            if row is None:
                return None
            content = row.content
            session.delete(row)
            return content

    def content(self, key: str) -> tuple[Attachment, bytes] | None:
        """A file attached to a complaint, for officials."""
        query = select(FeedbackAttachment).where(
            FeedbackAttachment.key == key, FeedbackAttachment.feedback_id.is_not(None)
        )
        with self._session() as session:
            row = session.scalar(query)
            return None if row is None else (_attachment_of(row), row.content)

    def files_of(self, code: str) -> list[tuple[Attachment, bytes]]:
        """The files attached to the complaint with this tracking code, for officials."""
        canonical = normalize_feedback_code(code)
        if canonical is None:
            return []
        query = (
            select(FeedbackAttachment)
            .join(Feedback, Feedback.id == FeedbackAttachment.feedback_id)
            .where(Feedback.code == canonical)
            .order_by(FeedbackAttachment.id)
        )
        with self._session() as session:
            return [(_attachment_of(row), row.content) for row in session.scalars(query)]

    @contextmanager
    def _session(self) -> Iterator[Session]:
        self._schema.ensure()
        with session_scope(self._engine) as session:
            yield session


def attach(session: Session, feedback: Feedback, keys: Sequence[str]) -> int:
    """Attach the pending files ``keys`` of the complaint's sender to it (in the caller's
    transaction); how many were attached."""
    if not keys:
        return 0
    rows = session.scalars(
        select(FeedbackAttachment).where(
            FeedbackAttachment.key.in_(keys),
            FeedbackAttachment.sender_id == feedback.sender_id,
            FeedbackAttachment.feedback_id.is_(None),
        )
    ).all()
    for row in rows:
        row.feedback_id = feedback.id
    return len(rows)


def attachments_of(session: Session, feedback_ids: Sequence[int]) -> dict[int, list[Attachment]]:
    """The files of each complaint, in the order they were sent."""
    found: dict[int, list[Attachment]] = {}
    if not feedback_ids:
        return found
    query = (
        select(FeedbackAttachment)
        .where(FeedbackAttachment.feedback_id.in_(feedback_ids))
        .order_by(FeedbackAttachment.id)
    )
    for row in session.scalars(query):
        found.setdefault(row.feedback_id or 0, []).append(_attachment_of(row))
    return found


def _pending_query(key: str, sender_id: str) -> Select[FeedbackAttachment]:
    return select(FeedbackAttachment).where(
        FeedbackAttachment.key == key,
        FeedbackAttachment.sender_id == sender_id,
        FeedbackAttachment.feedback_id.is_(None),
    )


def _attachment_of(row: FeedbackAttachment) -> Attachment:
    return Attachment(key=row.key, media_type=row.media_type, size=row.size)
