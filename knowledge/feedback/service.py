"""Intake and handling of citizens' feedback (phản ánh, kiến nghị).

Citizens submit a draft and get a tracking code only once the feedback is stored; they ask its
status with that code. Officials read an inbox, mark progress and reply; a reply names the
citizen's channel sender id so the channel can forward it. Messages meant for people are in
Vietnamese; phone numbers never appear in logs or in citizen-facing answers.
"""

from __future__ import annotations

import hmac
import logging
import threading
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from knowledge.feedback.attachments import PER_FEEDBACK, Attachment, attach, attachments_of
from knowledge.feedback.codes import new_feedback_code, normalize_feedback_code
from knowledge.feedback.models import (
    CATEGORIES,
    CONTENT_MAX,
    NAME_MAX,
    STATUSES,
    Feedback,
    FeedbackAttachment,
)
from knowledge.shared.db import get_engine, session_scope
from knowledge.shared.metrics import COMPLAINTS_HANDLED, COMPLAINTS_OPENED
from knowledge.shared.periods import VIETNAM_TZ
from knowledge.shared.phones import normalize_phone
from knowledge.shared.privacy import mask_phone, mask_phones_in_text
from knowledge.shared.ratelimit import SlidingWindowLimiter
from knowledge.shared.schema import SchemaGuard
from knowledge.shared.text import normalize_vi
from knowledge.shared.wording import say

logger = logging.getLogger(__name__)

INBOX_LIMIT_MAX = 200
DOSSIER_CODE_MAX = 64
SENDER_ID_MAX = 200
# "answered" is set by reply(), which records the answer itself.
MARKABLE_STATUSES = ("new", "in_progress", "closed")
# Someone other than the filer shows the last four digits of the phone given with the
# feedback; wrong tries are limited per asker and per code.
PHONE_DIGITS = 4
PHONE_TRIES = 5
PHONE_TRIES_WINDOW_S = 15 * 60

Clock = Callable[[], datetime]


class FeedbackError(Exception):
    """Base of the feedback service's errors; ``str()`` is a Vietnamese message."""


class InvalidFeedback(FeedbackError, ValueError):
    """A draft or reply failed validation; ``errors`` maps each bad field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


class FeedbackStoreError(FeedbackError):
    """The database could not be reached or refused the operation."""


class FeedbackNotSaved(FeedbackStoreError):
    """A submission was not stored: the citizen holds no code and must try again."""


class FeedbackNotFound(FeedbackError, LookupError):
    """No feedback has this tracking code."""


class PhoneCheckNeeded(FeedbackError):
    """The asker did not file this feedback (or there is none: nobody is told which): the
    last four digits of the phone given with it are needed."""


class PhoneCheckFailed(FeedbackError):
    """The digits do not match the feedback with this code, or there is no such feedback."""


class TooManyTries(FeedbackError):
    """Too many wrong digits lately, from this asker or for this code."""

    def __init__(self, retry_after_s: float) -> None:
        super().__init__(f"too many wrong tries, retry in {retry_after_s:.0f} s")
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class FeedbackDraft:
    """What a citizen submits; ``dossier_code`` already normalised by the caller, if any."""

    category: str  # a key of CATEGORIES
    content: str
    citizen_name: str
    phone: str  # as typed; stored in national form
    sender_id: str  # channel and user, "telegram:123"
    dossier_code: str | None = None
    # The version of the personal-data notice the citizen agreed to, recorded with the row.
    consent_notice: str | None = None
    attachments: tuple[str, ...] = ()  # keys of files the sender uploaded (attachments.py)


@dataclass(frozen=True)
class FeedbackStatus:
    """What anyone holding the code may see: no name, phone or content (codes are guessable).

    The officials' reply may answer personal matters: asked on behalf of a citizen other than
    the one who filed the feedback, ``reply`` is None and ``reply_withheld`` says there is one.
    """

    code: str
    category: str
    category_label: str
    status: str
    status_label: str
    submitted_at: datetime  # Vietnam time
    updated_at: datetime
    reply: str | None
    replied_at: datetime | None
    dossier_code: str | None
    reply_withheld: bool
    attachment_count: int = 0


@dataclass(frozen=True)
class FeedbackItem:
    """A feedback as officials handling it see it, the citizen's contact included."""

    code: str
    category: str
    category_label: str
    status: str
    status_label: str
    content: str
    citizen_name: str
    phone: str
    dossier_code: str | None
    sender_id: str
    submitted_at: datetime  # Vietnam time
    updated_at: datetime
    reply: str | None
    replied_at: datetime | None
    handled_by: str | None
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class FeedbackReply:
    """An official's answer, addressed to the channel user who submitted the feedback."""

    code: str
    sender_id: str
    text: str
    replied_at: datetime  # Vietnam time
    handled_by: str


def _utc_now() -> datetime:
    return datetime.now(UTC)


def validate_draft(draft: FeedbackDraft) -> FeedbackDraft:
    """The draft cleaned for storage (trimmed, NFC, phone in national form).

    Raises InvalidFeedback naming every bad field at once, so one answer can ask for all.
    """
    errors: dict[str, str] = {}
    category = draft.category.strip()
    if category not in CATEGORIES:
        labels = ", ".join(CATEGORIES.values())
        errors["category"] = say("feedback.invalid_category", categories=labels)
    content = _clean_text(draft.content)
    if message := _text_problem(content, say("feedback.field_content"), CONTENT_MAX):
        errors["content"] = message
    citizen_name = normalize_vi(draft.citizen_name)
    if message := _text_problem(citizen_name, say("feedback.field_name"), NAME_MAX):
        errors["citizen_name"] = message
    phone = normalize_phone(draft.phone)
    if phone is None:
        errors["phone"] = say("feedback.invalid_phone")
    sender_id = draft.sender_id.strip()
    if not sender_id or len(sender_id) > SENDER_ID_MAX:
        errors["sender_id"] = say("feedback.unknown_channel")
    dossier_code = (draft.dossier_code or "").strip() or None
    if dossier_code is not None and len(dossier_code) > DOSSIER_CODE_MAX:
        errors["dossier_code"] = say("feedback.invalid_dossier_code")
    if len(draft.attachments) > PER_FEEDBACK:
        errors["attachments"] = say("feedback.too_many_attachments", limit=PER_FEEDBACK)
    if errors:
        raise InvalidFeedback(errors)
    return FeedbackDraft(
        category=category,
        content=content,
        citizen_name=citizen_name,
        phone=phone or "",
        sender_id=sender_id,
        dossier_code=dossier_code,
        consent_notice=draft.consent_notice,
        attachments=draft.attachments,
    )


def _clean_text(text: str) -> str:
    """NFC and trimmed, line breaks kept: a complaint's paragraphs carry meaning."""
    return unicodedata.normalize("NFC", text).strip()


def _text_problem(text: str, field: str, limit: int) -> str | None:
    if not text:
        return say("feedback.field_empty", field=field)
    if len(text) > limit:
        return say("feedback.field_too_long", field=field, length=len(text), limit=limit)
    return None


class FeedbackService:
    """Feedback intake and handling over one database (SQLite file or PostgreSQL)."""

    def __init__(
        self,
        engine: Engine | None = None,
        clock: Clock = _utc_now,
        phone_tries: SlidingWindowLimiter | None = None,
    ) -> None:
        self._engine = engine or get_engine()
        self._clock = clock
        self._schema = SchemaGuard(self._engine, [Feedback, FeedbackAttachment])
        # Not ``phone_tries or …``: an unused limiter has no keys, hence is falsy.
        self._phone_tries = (
            phone_tries
            if phone_tries is not None
            else SlidingWindowLimiter(PHONE_TRIES, PHONE_TRIES_WINDOW_S)
        )
        self._phone_tries_lock = threading.Lock()

    def ensure_schema(self) -> None:
        """Create the feedback table if missing; cheap after the first call.

        Called by every operation, so a fresh database works; call it at start to fail early.
        """
        self._schema.ensure()

    def submit(self, draft: FeedbackDraft) -> str:
        """Store the feedback and return its tracking code, "PAKN-2026-7KQ3XM9D" (random).

        The code exists only once the row is committed: on any database failure nothing is
        stored and FeedbackNotSaved is raised. Raises InvalidFeedback before touching the
        database when the draft is incomplete.
        """
        clean = validate_draft(draft)
        now = self._clock()
        with self._session(FeedbackNotSaved, "submit") as session:
            row = Feedback(
                category=clean.category,
                content=clean.content,
                citizen_name=clean.citizen_name,
                phone=clean.phone,
                dossier_code=clean.dossier_code,
                sender_id=clean.sender_id,
                status="new",
                created_at=now,
                updated_at=now,
                consent_notice=clean.consent_notice,
                consented_at=now if clean.consent_notice else None,
            )
            row.code = code = new_feedback_code(now.astimezone(VIETNAM_TZ).year)
            session.add(row)
            session.flush()  # the id the attachments point to
            attached = attach(session, row, clean.attachments)
        COMPLAINTS_OPENED.labels(category=clean.category).inc()
        logger.info(
            "feedback %s received: %s from %s, phone %s, %d attachments",
            code,
            clean.category,
            clean.sender_id,
            mask_phone(clean.phone),
            attached,
        )
        return code

    def status(self, code: str, asked_by: str | None = None) -> FeedbackStatus | None:
        """What may be shown of the feedback with this code (typed loosely), or None.

        ``asked_by`` is the channel sender asking for a citizen ("telegram:123"): the reply
        is shown only when it is the one who filed the feedback. Officials ask without it.
        """
        canonical = normalize_feedback_code(code)
        if canonical is None:
            return None
        with self._session(FeedbackStoreError, "read status") as session:
            row = _by_code(session, canonical)
            return None if row is None else _status_of(session, row, asked_by)

    def filed_by(self, code: str, sender_id: str) -> bool:
        """Whether the conversation ``sender_id`` filed the feedback with this code."""
        canonical = normalize_feedback_code(code)
        if canonical is None or not sender_id:
            return False
        with self._session(FeedbackStoreError, "read status") as session:
            row = _by_code(session, canonical)
            return row is not None and row.sender_id == sender_id

    def citizen_status(
        self, code: str, asked_by: str, phone_last4: str | None = None
    ) -> FeedbackStatus:
        """The full status, for the conversation that filed the feedback, or for anyone who
        gives the last four digits of the phone it was filed with.

        Raises PhoneCheckNeeded when the digits are needed and missing, PhoneCheckFailed when
        they are wrong or the code is unknown (the same answer, so that codes cannot be probed),
        and TooManyTries after PHONE_TRIES wrong tries by the asker or for the code within
        PHONE_TRIES_WINDOW_S.
        """
        canonical = normalize_feedback_code(code)
        shown = canonical or code.strip()
        with self._session(FeedbackStoreError, "read status") as session:
            row = None if canonical is None else _by_code(session, canonical)
            if row is not None and asked_by and row.sender_id == asked_by:
                return _status_of(session, row, None)
            if phone_last4 is None:
                raise PhoneCheckNeeded(say("feedback.ask_phone_last4", code=shown))
            keys = (("asker", asked_by), ("code", shown.upper()))
            wait = self._wait(keys)
            if wait > 0:
                raise TooManyTries(wait)
            digits = "".join(char for char in phone_last4 if char.isdigit())
            if (
                row is not None
                and len(digits) == PHONE_DIGITS
                and hmac.compare_digest(row.phone[-PHONE_DIGITS:], digits)
            ):
                return _status_of(session, row, None)
        with self._phone_tries_lock:  # the actions call from several threads
            for key in keys:
                self._phone_tries.allow(key)  # counts this wrong try
        logger.info("feedback status: wrong phone digits from %s", asked_by)
        wait = self._wait(keys)
        if wait > 0:  # that was the last try allowed
            raise TooManyTries(wait)
        raise PhoneCheckFailed(say("feedback.phone_mismatch", code=shown))

    def _wait(self, keys: tuple[tuple[str, str], ...]) -> float:
        with self._phone_tries_lock:
            return max(self._phone_tries.retry_after(key) for key in keys)

    def inbox(self, status: str | None = "new", limit: int = 20) -> list[FeedbackItem]:
        """Feedback in ``status`` (any status when None), oldest first: the order to handle it."""
        if status is not None and status not in STATUSES:
            raise ValueError(f"unknown feedback status {status!r}")
        if not 1 <= limit <= INBOX_LIMIT_MAX:
            raise ValueError(f"limit must be between 1 and {INBOX_LIMIT_MAX}")
        query = select(Feedback).order_by(Feedback.id).limit(limit)
        if status is not None:
            query = query.where(Feedback.status == status)
        with self._session(FeedbackStoreError, "read inbox") as session:
            rows = list(session.scalars(query))
            files = attachments_of(session, [row.id for row in rows])
            return [_item_of(row, files.get(row.id, ())) for row in rows]

    def mark(self, code: str, status: str, by: str) -> FeedbackItem:
        """Set the status of the feedback (new, in_progress, closed) on behalf of official ``by``.

        Raises FeedbackNotFound for an unknown code and ValueError for "answered", which only
        reply() sets.
        """
        if status not in MARKABLE_STATUSES:
            raise ValueError(f"status must be one of {MARKABLE_STATUSES}, got {status!r}")
        with self._session(FeedbackStoreError, "mark") as session:
            row = _locked_by_code(session, code)
            row.status = status
            row.handled_by = _official(by)
            row.updated_at = self._clock()
            item = _item_of(row, attachments_of(session, [row.id]).get(row.id, ()))
        COMPLAINTS_HANDLED.labels(status=status).inc()
        return item

    def reply(self, code: str, text: str, by: str) -> FeedbackReply:
        """Record official ``by``'s answer and mark the feedback answered.

        A second reply replaces the first (a correction). Raises InvalidFeedback for an empty
        or too long text and FeedbackNotFound for an unknown code.
        """
        answer = _clean_text(text)
        if message := _text_problem(answer, say("feedback.field_reply"), CONTENT_MAX):
            raise InvalidFeedback({"reply": message})
        official = _official(by)
        with self._session(FeedbackStoreError, "reply") as session:
            row = _locked_by_code(session, code)
            now = self._clock()
            row.status = "answered"
            row.reply = answer
            row.replied_at = now
            row.handled_by = official
            row.updated_at = now
            result = FeedbackReply(
                code=row.code or "",
                sender_id=row.sender_id,
                text=answer,
                replied_at=_local(now),
                handled_by=official,
            )
        COMPLAINTS_HANDLED.labels(status="answered").inc()
        logger.info("feedback %s answered by %s", result.code, official)
        return result

    @contextmanager
    def _session(self, error: type[FeedbackStoreError], action: str) -> Iterator[Session]:
        """A committed session whose database failures surface as ``error``."""
        try:
            self.ensure_schema()
            with session_scope(self._engine) as session:
                yield session
        except SQLAlchemyError as exc:
            # The driver's message only: the wrapped one quotes parameters (phone, name).
            reason = mask_phones_in_text(str(getattr(exc, "orig", None) or type(exc).__name__))
            logger.error("feedback store failed to %s: %s", action, reason)
            raise error(say(_STORE_MESSAGES[error])) from exc


# Catalogue keys of what each store failure says.
_STORE_MESSAGES: dict[type[FeedbackStoreError], str] = {
    FeedbackNotSaved: "feedback.store_not_saved",
    FeedbackStoreError: "feedback.store_unavailable",
}


def _official(by: str) -> str:
    official = by.strip()
    if not official:
        raise ValueError("the official handling the feedback must be named")
    return official[:SENDER_ID_MAX]


def _by_code(session: Session, canonical: str) -> Feedback | None:
    return session.scalar(select(Feedback).where(Feedback.code == canonical))


def _locked_by_code(session: Session, code: str) -> Feedback:
    """The row to update, locked against a concurrent official's change (PostgreSQL)."""
    canonical = normalize_feedback_code(code)
    row = None
    if canonical is not None:
        query = select(Feedback).where(Feedback.code == canonical).with_for_update()
        row = session.scalar(query)
    if row is None:
        raise FeedbackNotFound(say("feedback.no_such_feedback", code=code.strip()))
    return row


def _local(moment: datetime) -> datetime:
    return moment.astimezone(VIETNAM_TZ)


def _optional_local(moment: datetime | None) -> datetime | None:
    return None if moment is None else _local(moment)


def _status_of(session: Session, row: Feedback, asked_by: str | None) -> FeedbackStatus:
    """The officials' view cut down to the fields a code holder may see, with the number of
    files attached (not the files)."""
    item = _item_of(row, attachments_of(session, [row.id]).get(row.id, ()))
    withheld = item.reply is not None and asked_by is not None and asked_by != item.sender_id
    shared = {name: getattr(item, name) for name in _SHARED_WITH_CODE_HOLDERS}
    return FeedbackStatus(
        **shared,
        reply=None if withheld else item.reply,
        reply_withheld=withheld,
        attachment_count=len(item.attachments),
    )


_SHARED_WITH_CODE_HOLDERS = tuple(
    field.name
    for field in fields(FeedbackStatus)
    if field.name not in ("reply", "reply_withheld", "attachment_count")
)


def _item_of(row: Feedback, attachments: Sequence[Attachment] = ()) -> FeedbackItem:
    return FeedbackItem(
        code=row.code or "",
        category=row.category,
        category_label=CATEGORIES[row.category],
        status=row.status,
        status_label=STATUSES[row.status],
        content=row.content,
        citizen_name=row.citizen_name,
        phone=row.phone,
        dossier_code=row.dossier_code,
        sender_id=row.sender_id,
        submitted_at=_local(row.created_at),
        updated_at=_local(row.updated_at),
        reply=row.reply,
        replied_at=_optional_local(row.replied_at),
        handled_by=row.handled_by,
        attachments=tuple(attachments),
    )
