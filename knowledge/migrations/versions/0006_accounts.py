"""Officials' accounts: named logins with roles and localities, the audit log of what they did,
and the assignment of complaints to an official (and so to a locality).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "official_accounts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("locality", sa.String(length=100), nullable=True),
        sa.Column("telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('viewer', 'handler', 'admin')", name="official_accounts_role"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("telegram_id"),
    )
    op.create_table(
        "official_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("official", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.CheckConstraint(
            "action IN ('reply', 'reassign', 'close', 'plan_add', 'plan_withdraw', "
            "'account_add', 'account_disable')",
            name="official_audit_action",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("official_audit_subject", "official_audit", ["subject"])
    op.create_table(
        "complaint_assignments",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("assignee", sa.String(length=64), nullable=False),
        sa.Column("locality", sa.String(length=100), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )


def downgrade() -> None:
    op.drop_table("complaint_assignments")
    op.drop_index("official_audit_subject", table_name="official_audit")
    op.drop_table("official_audit")
    op.drop_table("official_accounts")
