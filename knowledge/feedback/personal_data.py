"""The personal data complaints hold (name, phone, the channel sender who filed them): found for
an export, erased on the citizen's request or once past retention (knowledge/privacy/).

Erasing keeps the complaint itself (category, content, status, reply: the administration's
record) and blanks the contact: name, phone and sender become empty, which no asker and no phone
check can match, and ``contact_erased_at`` says when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Engine, or_, select, update

from knowledge.feedback.codes import normalize_feedback_code
from knowledge.feedback.models import CATEGORIES, STATUSES, Feedback
from knowledge.shared.db import session_scope
from knowledge.shared.periods import VIETNAM_TZ
from knowledge.shared.phones import normalize_phone
from knowledge.shared.schema import SchemaGuard


@dataclass(frozen=True)
class ComplaintRecord:
    """Everything stored about one complaint, as the citizen it concerns may receive it."""

    code: str
    category: str
    content: str
    citizen_name: str
    phone: str
    dossier_code: str | None
    sender_id: str
    status: str
    reply: str | None
    submitted_at: str  # ISO 8601, Vietnam time
    updated_at: str
    consent_notice: str | None
    consented_at: str | None
    contact_erased_at: str | None


class ComplaintPersonalData:
    """Finds and erases the contact data of complaints in one database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._schema = SchemaGuard(engine, [Feedback])

    def find(self, *, code: str | None = None, phone: str | None = None) -> list[ComplaintRecord]:
        """The complaints with this tracking code, or filed with this phone (typed loosely),
        oldest first; none when neither reads as one."""
        condition = _match(code, phone)
        if condition is None:
            return []
        self._schema.ensure()
        with session_scope(self._engine) as session:
            rows = session.scalars(select(Feedback).where(condition).order_by(Feedback.id))
            return [_record(row) for row in rows]

    def erase_sender(self, sender_id: str, now: datetime) -> int:
        """Erase the contact of every complaint the conversation ``sender_id`` filed; how many."""
        if not sender_id:
            return 0
        return self._erase(Feedback.sender_id == sender_id, now)

    def erase_codes(self, codes: list[str], now: datetime) -> int:
        """Erase the contact of the complaints with these (canonical) codes; how many."""
        return self._erase(Feedback.code.in_(codes), now) if codes else 0

    def erase_unchanged_since(self, cutoff: datetime, now: datetime) -> int:
        """Erase the contact of complaints not changed since ``cutoff``; how many."""
        return self._erase(Feedback.updated_at < cutoff, now)

    def _erase(self, condition: ColumnElement[bool], now: datetime) -> int:
        self._schema.ensure()
        statement = (
            update(Feedback)
            .where(condition, Feedback.contact_erased_at.is_(None))
            .values(citizen_name="", phone="", sender_id="", contact_erased_at=now)
        )
        with self._engine.begin() as connection:
            return connection.execute(statement).rowcount


def _match(code: str | None, phone: str | None) -> ColumnElement[bool] | None:
    conditions: list[ColumnElement[bool]] = []
    canonical = normalize_feedback_code(code) if code else None
    if canonical is not None:
        conditions.append(Feedback.code == canonical)
    national = normalize_phone(phone) if phone else None
    if national is not None:
        conditions.append(Feedback.phone == national)
    return or_(*conditions) if conditions else None


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(VIETNAM_TZ).isoformat()


def _record(row: Feedback) -> ComplaintRecord:
    return ComplaintRecord(
        code=row.code or "",
        category=CATEGORIES[row.category],
        content=row.content,
        citizen_name=row.citizen_name,
        phone=row.phone,
        dossier_code=row.dossier_code,
        sender_id=row.sender_id,
        status=STATUSES[row.status],
        reply=row.reply,
        submitted_at=_iso(row.created_at) or "",
        updated_at=_iso(row.updated_at) or "",
        consent_notice=row.consent_notice,
        consented_at=_iso(row.consented_at),
        contact_erased_at=_iso(row.contact_erased_at),
    )
