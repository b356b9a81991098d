"""The inbox tables: every update a channel received, committed before the platform is told
it arrived, and the replies already sent for it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.shared.models import Base, UtcDateTime

# pending: waits for a worker; in_progress: claimed until lease_until; done: handled;
# failed: gave up after the last attempt (kept for an operator to read).
STATES = ("pending", "in_progress", "done", "failed")
ID_MAX = 128


class InboxUpdate(Base):
    """One incoming update (a Telegram update, a Zalo event, a web upload), by channel and the
    platform's own id, which makes a second delivery of it a duplicate."""

    __tablename__ = "inbox_updates"
    __table_args__ = (
        UniqueConstraint("channel", "update_id", name="inbox_updates_channel_update"),
        CheckConstraint(f"state IN {STATES!r}", name="inbox_updates_state"),
        Index("inbox_updates_due", "channel", "state"),
        Index("inbox_updates_received", "received_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(32))
    update_id: Mapped[str] = mapped_column(String(ID_MAX))
    chat_id: Mapped[str] = mapped_column(String(ID_MAX))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)  # while in_progress
    not_before: Mapped[datetime | None] = mapped_column(UtcDateTime)  # retry after a failure
    # What a handler computed once and must not compute again on a replay (e.g. Rasa's replies).
    memo: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    last_error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class InboxReply(Base):
    """A reply sent for an update: its position among the update's replies (ordinal)."""

    __tablename__ = "inbox_replies"

    update_pk: Mapped[int] = mapped_column(
        ForeignKey("inbox_updates.id", ondelete="CASCADE"), primary_key=True
    )
    ordinal: Mapped[int] = mapped_column(Integer, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
