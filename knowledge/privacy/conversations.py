"""Conversations in Rasa's tracker store, read and forgotten from the application's side.

Rasa's SQL tracker store keeps every event of every conversation in one ``events`` table
(``sender_id``, ``timestamp`` in Unix seconds, ``type_name``, ``data`` as JSON). The database is
the one Rasa is configured with: the ``tracker_store`` of the endpoints file Rasa reads
(``RASA_ENDPOINTS``), its ``${...}`` filled from the same environment.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from knowledge.shared.settings import REPO_ROOT, SettingError, tracker_db_path

EVENTS = sa.table(
    "events",
    sa.column("sender_id", sa.String),
    sa.column("type_name", sa.String),
    sa.column("timestamp", sa.Float),
    sa.column("data", sa.Text),
)
_VARIABLE = re.compile(r"\$\{([^}]+)\}")
# Deleting many conversations at once: this many per statement.
_BATCH = 500


@dataclass(frozen=True)
class Message:
    """One message of a conversation: who said it (``user`` or ``bot``), when, what."""

    speaker: str
    sent_at: str  # ISO 8601, UTC
    text: str


def tracker_store_url(env: Mapping[str, str] | None = None) -> URL:
    """The SQLAlchemy URL of the tracker store Rasa uses (SQLite or PostgreSQL)."""
    env = os.environ if env is None else env
    path = Path(env.get("RASA_ENDPOINTS") or "endpoints.yml")
    path = path if path.is_absolute() else REPO_ROOT / path
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    store: Mapping[str, Any] = config.get("tracker_store") or {}
    defaults = {"RASA_TRACKER_DB": str(tracker_db_path(env))}

    def value(key: str) -> str | None:
        raw = store.get(key)
        return None if raw is None else _expand(str(raw), env, defaults)

    dialect = value("dialect") or "sqlite"
    if dialect == "sqlite":
        return URL.create("sqlite", database=value("db") or defaults["RASA_TRACKER_DB"])
    if dialect == "postgresql":
        port = value("port")
        return URL.create(
            "postgresql+psycopg",
            username=value("username") or None,
            password=value("password") or None,
            host=value("url") or None,
            port=int(port) if port else None,
            database=value("db") or None,
        )
    raise SettingError(f"tracker_store dialect {dialect!r} in {path} is not supported")


def _expand(text: str, env: Mapping[str, str], defaults: Mapping[str, str]) -> str:
    def variable(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in env:
            return env[name]
        if name in defaults:
            return defaults[name]
        raise SettingError(f"{name} must be set: the tracker store's configuration uses it")

    return _VARIABLE.sub(variable, text)


class ConversationStore:
    """Rasa's ``events`` table: a conversation's messages, and forgetting conversations."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def messages(self, sender_id: str) -> list[Message]:
        """What the user and the assistant said in conversation ``sender_id``, in order."""
        if not self._exists():
            return []
        query = (
            sa.select(EVENTS.c.type_name, EVENTS.c.data)
            .where(EVENTS.c.sender_id == sender_id, EVENTS.c.type_name.in_(("user", "bot")))
            .order_by(EVENTS.c.timestamp)
        )
        with self._engine.connect() as connection:
            return [
                message
                for type_name, data in connection.execute(query)
                if (message := _message(type_name, data)) is not None
            ]

    def forget(self, sender_ids: Iterable[str]) -> int:
        """Delete every event of these conversations; how many events."""
        senders = sorted(set(sender_ids) - {""})
        if not senders or not self._exists():
            return 0
        deleted = 0
        with self._engine.begin() as connection:
            for start in range(0, len(senders), _BATCH):
                batch = senders[start : start + _BATCH]
                statement = sa.delete(EVENTS).where(EVENTS.c.sender_id.in_(batch))
                deleted += connection.execute(statement).rowcount
        return deleted

    def inactive_since(self, cutoff: datetime) -> list[str]:
        """The conversations whose last event is older than ``cutoff``."""
        if not self._exists():
            return []
        query = (
            sa.select(EVENTS.c.sender_id)
            .group_by(EVENTS.c.sender_id)
            .having(sa.func.max(EVENTS.c.timestamp) < cutoff.timestamp())
        )
        with self._engine.connect() as connection:
            return list(connection.scalars(query))

    def _exists(self) -> bool:
        """Rasa creates the table at its first start; before, there is nothing to read."""
        return sa.inspect(self._engine).has_table("events")


def _message(type_name: str, data: str) -> Message | None:
    try:
        event = json.loads(data)
    except ValueError:
        return None
    text = event.get("text") if isinstance(event, dict) else None
    if not text:
        return None
    moment = datetime.fromtimestamp(float(event.get("timestamp") or 0), UTC)
    return Message(speaker=type_name, sent_at=moment.isoformat(), text=str(text))
