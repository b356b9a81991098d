"""The web chat's notifications: kept until the widget says it has shown them.

Rasa's socket.io channel cannot push by itself, so the web watcher's sender stores each
notification here and the widget asks for them (GET /api/notifications, bot/web/notifications).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, select

from knowledge.notify.messages import Notification
from knowledge.notify.models import NOTIFY_TABLES, WebNotification
from knowledge.shared.db import session_scope
from knowledge.shared.schema import SchemaGuard

# A chat that never comes back must not grow the table without end.
MAX_KEPT_PER_CHAT = 20


@dataclass(frozen=True)
class Stored:
    id: int
    text: str
    buttons: list[dict[str, str]]


class WebOutbox:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._schema = SchemaGuard(engine, NOTIFY_TABLES)

    def put(self, notification: Notification, now: datetime) -> None:
        self._schema.ensure()
        buttons = [{"title": b.title, "payload": b.payload} for b in notification.buttons]
        with session_scope(self._engine) as session:
            session.add(
                WebNotification(
                    chat=notification.chat,
                    text=notification.text,
                    buttons=json.dumps(buttons, ensure_ascii=False),
                    created_at=now,
                )
            )
            session.flush()
            kept = select(WebNotification.id).where(WebNotification.chat == notification.chat)
            oldest = session.scalars(
                kept.order_by(WebNotification.id.desc()).offset(MAX_KEPT_PER_CHAT)
            ).all()
            if oldest:
                session.execute(delete(WebNotification).where(WebNotification.id.in_(oldest)))

    def take(self, chat: str, after: int) -> list[Stored]:
        """Notifications of ``chat`` newer than ``after``; those up to ``after`` (shown by the
        widget) are forgotten. A notification is thus never lost to a failed request."""
        self._schema.ensure()
        with session_scope(self._engine) as session:
            session.execute(
                delete(WebNotification).where(
                    WebNotification.chat == chat, WebNotification.id <= after
                )
            )
            rows = session.scalars(
                select(WebNotification)
                .where(WebNotification.chat == chat, WebNotification.id > after)
                .order_by(WebNotification.id)
            ).all()
            return [Stored(row.id, row.text, json.loads(row.buttons)) for row in rows]
