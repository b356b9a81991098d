"""Tables of pushed dossier updates (revision 0008)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.shared.models import Base, UtcDateTime


class DossierSubscription(Base):
    """A chat that wants to hear when a dossier's status changes.

    ``notified_status`` is the last status the chat was told (or saw when subscribing);
    ``sending_status`` is set while a watcher sends the message about a newer one (claimed at
    ``claimed_at``), so that a restart neither repeats a sent message nor loses a change.
    """

    __tablename__ = "dossier_subscriptions"
    __table_args__ = (
        UniqueConstraint("channel", "chat", "dossier_code", name="subscription_once"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), index=True)  # telegram, zalo, web
    chat: Mapped[str] = mapped_column(String(200))  # the sender id the channel gives Rasa
    dossier_code: Mapped[str] = mapped_column(String(40), index=True)  # canonical
    notified_status: Mapped[str] = mapped_column(String(30))
    sending_status: Mapped[str | None] = mapped_column(String(30))
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    subscribed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(20))  # see service.END_REASONS


class WebNotification(Base):
    """A notification for a web chat, kept until the widget confirms it has shown it."""

    __tablename__ = "web_notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat: Mapped[str] = mapped_column(String(200), index=True)
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[str] = mapped_column(Text)  # JSON list of {"title", "payload"}
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


NOTIFY_TABLES = (DossierSubscription, WebNotification)
