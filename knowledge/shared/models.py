"""What every capability's tables share: one declarative base (one metadata, so one schema
and one migration history) and a portable aware-datetime column."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from sqlalchemy import DateTime, Dialect, Table
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator


class Base(DeclarativeBase):
    # Every model here is mapped to a table, which create_all(tables=...) wants; SQLAlchemy
    # types the attribute as any FROM clause (a model may be mapped to a subquery).
    __table__: ClassVar[Table]


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime stored in UTC.

    SQLite keeps no offset, so values are converted to UTC on the way in and read back as UTC;
    PostgreSQL stores ``timestamptz``. Both then return the same instant.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the feedback clock must return aware datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
