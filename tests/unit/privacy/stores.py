"""A Rasa tracker store table and complaints to fill it with, for the privacy tests."""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Engine

from knowledge.feedback import FeedbackDraft, FeedbackService
from knowledge.privacy.notice import NOTICE_VERSION

# Rasa 3.6's SQLTrackerStore table, as Rasa creates it.
EVENTS_DDL = """
CREATE TABLE events (
    id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT
)
"""


def file_complaint(service: FeedbackService, sender: str, phone: str = "0912345678") -> str:
    return service.submit(
        FeedbackDraft(
            category="cham_tre",
            content="Hồ sơ của tôi quá hạn 10 ngày mà chưa có kết quả.",
            citizen_name="Nguyễn Văn An",
            phone=phone,
            sender_id=sender,
            consent_notice=NOTICE_VERSION,
        )
    )


def say_in(engine: Engine, sender: str, speaker: str, text: str, at: datetime) -> None:
    """One message of a conversation, stored as Rasa stores it."""
    data = {"event": speaker, "timestamp": at.timestamp(), "text": text}
    row = {"sender_id": sender, "type_name": speaker, "timestamp": at.timestamp()}
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO events (sender_id, type_name, timestamp, data) "
                "VALUES (:sender_id, :type_name, :timestamp, :data)"
            ),
            {**row, "data": json.dumps(data, ensure_ascii=False)},
        )


def senders(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.scalars(sa.text("SELECT DISTINCT sender_id FROM events")))
