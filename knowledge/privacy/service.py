"""A citizen's rights over their personal data (Nghị định 13/2023/NĐ-CP), and its retention.

- ``export``: everything stored about a citizen, found by a complaint's code or the phone given
  with it: the complaints with their contact, and the conversations that filed them.
- ``erase``: the same found set, contact blanked and conversations forgotten (for officials
  handling a request; a citizen erases their own from the chat, see actions/privacy.py).
- ``apply_retention``: complaint contact data unchanged for ``complaint_contact_days`` is
  erased, and conversations silent for ``conversation_days`` are forgotten. Run daily.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from knowledge.feedback.personal_data import ComplaintPersonalData, ComplaintRecord
from knowledge.privacy.conversations import ConversationStore, Message
from knowledge.shared.settings import Retention

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class CitizenData:
    """What an export hands over: the complaints, and each filing conversation's messages."""

    complaints: list[ComplaintRecord]
    conversations: dict[str, list[Message]] = field(default_factory=dict)


@dataclass(frozen=True)
class Erasure:
    complaints: int  # complaints whose contact was blanked
    conversations: int  # conversations forgotten
    events: int  # tracker-store events deleted with them


class PrivacyService:
    """Export, erasure and retention over the application database and Rasa's tracker store."""

    def __init__(self, app_engine: Engine, tracker_engine: Engine, clock: Clock = _utc_now):
        self._complaints = ComplaintPersonalData(app_engine)
        self._conversations = ConversationStore(tracker_engine)
        self._clock = clock

    def export(self, *, code: str | None = None, phone: str | None = None) -> CitizenData:
        complaints = self._complaints.find(code=code, phone=phone)
        senders = sorted({record.sender_id for record in complaints} - {""})
        return CitizenData(
            complaints=complaints,
            conversations={sender: self._conversations.messages(sender) for sender in senders},
        )

    def erase(self, *, code: str | None = None, phone: str | None = None) -> Erasure:
        complaints = self._complaints.find(code=code, phone=phone)
        senders = {record.sender_id for record in complaints} - {""}
        events = self._conversations.forget(senders)
        erased = self._complaints.erase_codes([record.code for record in complaints], self._clock())
        return Erasure(complaints=erased, conversations=len(senders), events=events)

    def apply_retention(self, policy: Retention) -> Erasure:
        now = self._clock()
        complaint_cutoff = now - timedelta(days=policy.complaint_contact_days)
        erased = self._complaints.erase_unchanged_since(complaint_cutoff, now)
        silent = self._conversations.inactive_since(now - timedelta(days=policy.conversation_days))
        events = self._conversations.forget(silent)
        return Erasure(complaints=erased, conversations=len(silent), events=events)
