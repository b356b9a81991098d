"""The durable inbox: incoming updates of every channel and the replies sent for them
(``knowledge.inbox``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("update_id", sa.String(length=128), nullable=False),
        sa.Column("chat_id", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column("memo", sa.JSON(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'in_progress', 'done', 'failed')", name="inbox_updates_state"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "update_id", name="inbox_updates_channel_update"),
    )
    op.create_index("inbox_updates_due", "inbox_updates", ["channel", "state"])
    op.create_index("inbox_updates_received", "inbox_updates", ["received_at"])
    op.create_table(
        "inbox_replies",
        sa.Column("update_pk", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["update_pk"], ["inbox_updates.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("update_pk", "ordinal"),
    )


def downgrade() -> None:
    op.drop_table("inbox_replies")
    op.drop_index("inbox_updates_received", table_name="inbox_updates")
    op.drop_index("inbox_updates_due", table_name="inbox_updates")
    op.drop_table("inbox_updates")
