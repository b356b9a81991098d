"""Complaint descriptions up to 4,000 characters (``feedback.content``), the whole of what one
message may hold (``MAX_MESSAGE_CHARS``), so a long description is never split.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

SQLite cannot change a column's type in place: Alembic's batch mode copies the table, keeping
its AUTOINCREMENT (tracking codes are never reused) and its CHECK constraints.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _content(length: int, previous: int) -> None:
    with op.batch_alter_table("feedback", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.alter_column(
            "content",
            type_=sa.String(length=length),
            existing_type=sa.String(length=previous),
            existing_nullable=False,
        )


def upgrade() -> None:
    _content(4000, 2000)


def downgrade() -> None:
    _content(2000, 4000)
