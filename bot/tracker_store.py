"""Rasa's SQL tracker store with less ORM work per message (engine environment).

The same table, rows and queries as Rasa 3.6's ``SQLTrackerStore``; only how they are run
differs. Profiled under load, reading and saving a conversation was about a quarter of Rasa's
CPU time, much of it SQLAlchemy building ORM objects: every stored event became an ORM instance
when read, the count of stored events was an ORM query wrapped in a subquery, and each new event
went through the unit of work. Here reads fetch only the ``data`` column, the count is a plain
``count()``, and new events go in as one multi-row insert.

A turn that sets the slot ``forget_conversation`` (``FORGET_CONVERSATION_SLOT``) to True is not
saved: every stored event of its conversation is deleted instead, so the citizen's erasure
request ("xóa dữ liệu của tôi", actions/privacy.py) leaves nothing behind; the next message starts
a new conversation. Deleting from the action server would not do: this save writes back the
whole turn, history included, once it finds the stored events gone.

Named in endpoints.yml and endpoints.scale.yml as ``type: bot.tracker_store.LeanSQLTrackerStore``;
bot/rasa_server.py imports it before Rasa starts, because Rasa falls back to an in-memory store
(losing conversations on restart) when a tracker store class cannot be imported.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from knowledge.shared.privacy import FORGET_CONVERSATION_SLOT


class LeanSQLTrackerStore(SQLTrackerStore):
    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        with self.session_scope() as session:
            query = self._event_query(
                session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions
            )
            events = [json.loads(data) for (data,) in query.with_entities(self.SQLEvent.data)]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        with self.session_scope() as session:
            stored = (
                self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False)
                .order_by(None)
                .with_entities(sa.func.count(self.SQLEvent.id))
                .scalar()
            )
            new = list(itertools.islice(tracker.events, stored, None))
            if any(_forgets(event) for event in new):
                table = self.SQLEvent.__table__
                session.execute(sa.delete(table).where(table.c.sender_id == tracker.sender_id))
                session.commit()
                return
            rows = [_row(tracker.sender_id, event.type_name, event.as_dict()) for event in new]
            if rows:
                session.execute(sa.insert(self.SQLEvent.__table__), rows)
            session.commit()


def _forgets(event: Event) -> bool:
    return (
        isinstance(event, SlotSet) and event.key == FORGET_CONVERSATION_SLOT and event.value is True
    )


def _row(sender_id: str, type_name: str, data: dict[str, Any]) -> dict[str, Any]:
    """The columns Rasa's ``SQLTrackerStore.save`` writes for one event."""
    return {
        "sender_id": sender_id,
        "type_name": type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }
