"""Pushed dossier updates: subscriptions per channel and chat, and the web channel's outbox.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("chat", sa.String(length=200), nullable=False),
        sa.Column("dossier_code", sa.String(length=40), nullable=False),
        sa.Column("notified_status", sa.String(length=30), nullable=False),
        sa.Column("sending_status", sa.String(length=30), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("subscribed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "chat", "dossier_code", name="subscription_once"),
    )
    op.create_index("ix_dossier_subscriptions_channel", "dossier_subscriptions", ["channel"])
    op.create_index(
        "ix_dossier_subscriptions_dossier_code", "dossier_subscriptions", ["dossier_code"]
    )
    op.create_table(
        "web_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("buttons", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_web_notifications_chat", "web_notifications", ["chat"])


def downgrade() -> None:
    op.drop_index("ix_web_notifications_chat", table_name="web_notifications")
    op.drop_table("web_notifications")
    op.drop_index("ix_dossier_subscriptions_dossier_code", table_name="dossier_subscriptions")
    op.drop_index("ix_dossier_subscriptions_channel", table_name="dossier_subscriptions")
    op.drop_table("dossier_subscriptions")
