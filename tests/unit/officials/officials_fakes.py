"""A citizen's complaint as the officials' tests of every channel file it (importable by test
modules, unlike conftest)."""

from __future__ import annotations

from sqlalchemy import delete, text

from knowledge.feedback import Feedback, FeedbackDraft
from knowledge.migrations import upgrade
from knowledge.officials.models import Account, Assignment, AuditEntry
from knowledge.reminders.service import REMINDER_TABLES
from knowledge.shared.db import get_engine
from knowledge.shared.models import Base


def complaint(sender_id: str, **changes: str) -> FeedbackDraft:
    fields = {
        "category": "cham_tre",
        # A citizen's own words, phone number included: it must not reach an official unmasked.
        "content": "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất của tôi đã quá hạn 10 ngày "
        "mà chưa có kết quả, cán bộ một cửa không giải thích lý do. Gọi tôi: 0987 654 321.",
        "citizen_name": "Nguyễn Văn An",
        "phone": "0912 345 678",
        "sender_id": sender_id,
        **changes,
    }
    return FeedbackDraft(**fields)


def without_officials_rows(url: str) -> str:
    """``url``'s database, migrated, with no complaints, subscriptions, sent reminders,
    officials' accounts or audit rows, and complaint ids counting from 1 again. Reset before a
    test rather than after, so a failed test cannot leak rows into the next."""
    engine = get_engine(url)
    upgrade(engine)
    with engine.begin() as connection:
        for model in (Feedback, *REMINDER_TABLES, Account, AuditEntry, Assignment):
            connection.execute(delete(Base.metadata.tables[model.__tablename__]))
        if engine.dialect.name == "sqlite":  # AUTOINCREMENT remembers the last id apart
            connection.execute(text("DELETE FROM sqlite_sequence WHERE name = 'feedback'"))
    return url
