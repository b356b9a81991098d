"""Webhook events of the Zalo channel, stored before Zalo is answered and handled after.

A minimal durable inbox of the Zalo channel alone: an event is committed before the webhook
answers 200, so a crash after that loses nothing (the events not yet marked handled are handled
at the next start), and its id is the primary key, so Zalo's retries of an event already
received are recognised and dropped. Handling is at least once: a crash between the reply and
``done`` answers that event again after the restart.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.shared.clock import Clock, utc_now
from knowledge.shared.db import get_engine, session_scope
from knowledge.shared.models import Base, UtcDateTime
from knowledge.shared.schema import SchemaGuard


class ZaloEvent(Base):
    """One webhook event as Zalo sent it."""

    __tablename__ = "zalo_events"

    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[str] = mapped_column(Text)  # the event's JSON
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


@dataclass(frozen=True)
class StoredEvent:
    event_id: str
    user_id: str
    payload: Mapping[str, Any]


class EventStore:
    """Accept, list and close the Zalo channel's events."""

    def __init__(self, engine: Engine | None = None, clock: Clock = utc_now) -> None:
        self._engine = engine or get_engine()
        self._clock = clock
        self._schema = SchemaGuard(self._engine, [ZaloEvent])

    def accept(self, event_id: str, user_id: str, payload: Mapping[str, Any]) -> bool:
        """Store a new event; False when an event with this id was accepted before."""
        self._schema.ensure()
        row = ZaloEvent(
            event_id=event_id,
            user_id=user_id,
            payload=json.dumps(payload, ensure_ascii=False),
            received_at=self._clock(),
        )
        try:
            with session_scope(self._engine) as session:
                session.add(row)
        except IntegrityError:
            return False
        return True

    def pending(self) -> list[StoredEvent]:
        """Events accepted and not yet handled, oldest first."""
        self._schema.ensure()
        query = (
            select(ZaloEvent)
            .where(ZaloEvent.handled_at.is_(None))
            .order_by(ZaloEvent.received_at, ZaloEvent.event_id)
        )
        with session_scope(self._engine) as session:
            return [
                StoredEvent(row.event_id, row.user_id, json.loads(row.payload))
                for row in session.scalars(query)
            ]

    def done(self, event_id: str) -> None:
        self._schema.ensure()
        with session_scope(self._engine) as session:
            row = session.get(ZaloEvent, event_id)
            if row is not None:
                row.handled_at = self._clock()
