"""Baseline: the schema as the last release before migrations left it.

Revision ID: 0001
Revises:
Create Date: 2026-12-04

Those releases created tables on first use (``create_all``), so a database from them may hold
any of these tables, with rows, and no version. The baseline therefore creates only the tables
missing and leaves the others, and their rows, alone. The definitions are frozen here: later
model changes go in later revisions, never into this file.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _baseline() -> sa.MetaData:
    metadata = sa.MetaData()
    sa.Table(
        "documents",
        metadata,
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=True),
        sa.Column("issued", sa.Date(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("locality", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.Index("ix_documents_locality", "locality"),
    )
    sa.Table(
        "dossiers",
        metadata,
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("procedure", sa.Text(), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("receiving_unit", sa.String(length=300), nullable=False),
        sa.Column("locality", sa.String(length=200), nullable=False),
        sa.Column("applicant_name", sa.String(length=200), nullable=False),
        sa.Column("applicant_phone", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("finished_on", sa.Date(), nullable=True),
        sa.Column("fee_vnd", sa.Integer(), nullable=False),
        sa.Column("paid_online", sa.Boolean(), nullable=False),
        sa.Column("result_by_post", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("channel IN ('online', 'in_person', 'postal')", name="dossier_channel"),
        sa.CheckConstraint(
            "status IN ('received', 'processing', 'supplement_required', 'result_ready', "
            "'returned', 'rejected')",
            name="dossier_status",
        ),
        sa.CheckConstraint("due_on >= received_on", name="dossier_due_after_receipt"),
        sa.CheckConstraint("fee_vnd >= 0", name="dossier_fee"),
        sa.PrimaryKeyConstraint("code"),
        sa.Index("ix_dossiers_finished_on", "finished_on"),
        sa.Index("ix_dossiers_receiving_unit", "receiving_unit"),
    )
    sa.Table(
        "feedback",
        metadata,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("content", sa.String(length=2000), nullable=False),
        sa.Column("citizen_name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=10), nullable=False),
        sa.Column("dossier_code", sa.String(length=64), nullable=True),
        sa.Column("sender_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "category IN ('thu_tuc', 'thai_do', 'cham_tre', 'phi_le_phi', 'dich_vu_cong', 'khac')",
            name="feedback_category",
        ),
        sa.CheckConstraint(
            "status IN ('new', 'in_progress', 'answered', 'closed')", name="feedback_status"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.Index("feedback_inbox", "status", "id"),
        sqlite_autoincrement=True,
    )
    sa.Table(
        "reminder_subscriptions",
        metadata,
        sa.Column("subscriber", sa.String(length=200), nullable=False),
        sa.Column("days_before", sa.Integer(), nullable=False),
        sa.Column("subscribed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("days_before BETWEEN 0 AND 30", name="reminder_days_before"),
        sa.PrimaryKeyConstraint("subscriber"),
    )
    sa.Table(
        "sent_reminders",
        metadata,
        sa.Column("subscriber", sa.String(length=200), nullable=False),
        sa.Column("occurrence", sa.String(length=200), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subscriber", "occurrence"),
    )
    sa.Table(
        "units",
        metadata,
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("locality", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("collective", sa.Boolean(), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.Index("ix_units_locality", "locality"),
    )
    sa.Table(
        "reporting_deadlines",
        metadata,
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("document_id", sa.String(length=80), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("rule_day", sa.Integer(), nullable=True),
        sa.Column("rule_months", sa.String(length=40), nullable=False),
        sa.Column("rule_description", sa.Text(), nullable=False),
        sa.Column("section", sa.String(length=200), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.Index("ix_reporting_deadlines_document_id", "document_id"),
    )
    sa.Table(
        "responsibilities",
        metadata,
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("document_id", sa.String(length=80), nullable=False),
        sa.Column("unit_id", sa.String(length=200), nullable=False),
        sa.Column("unit_text", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("section", sa.String(length=200), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.Index("ix_responsibilities_document_id", "document_id"),
        sa.Index("ix_responsibilities_unit_id", "unit_id"),
    )
    sa.Table(
        "targets",
        metadata,
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("document_id", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("section", sa.String(length=200), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.Index("ix_targets_document_id", "document_id"),
    )
    sa.Table(
        "tasks",
        metadata,
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("document_id", sa.String(length=80), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("group_title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("product", sa.Text(), nullable=False),
        sa.Column("lead_text", sa.Text(), nullable=False),
        sa.Column("support_text", sa.Text(), nullable=False),
        sa.Column("due_text", sa.Text(), nullable=False),
        sa.Column("due_kind", sa.String(length=20), nullable=False),
        sa.Column("due_start", sa.Date(), nullable=True),
        sa.Column("due_end", sa.Date(), nullable=True),
        sa.Column("section", sa.String(length=200), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.Index("ix_tasks_document_id", "document_id"),
    )
    sa.Table(
        "unit_aliases",
        metadata,
        sa.Column("locality", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("unit_id", sa.String(length=200), nullable=False),
        sa.Column("alias", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"]),
        sa.PrimaryKeyConstraint("locality", "key"),
        sa.Index("ix_unit_aliases_unit_id", "unit_id"),
    )
    sa.Table(
        "task_units",
        metadata,
        sa.Column("task_id", sa.String(length=200), nullable=False),
        sa.Column("unit_id", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("role IN ('lead', 'support')", name="task_unit_role"),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"]),
        sa.PrimaryKeyConstraint("task_id", "unit_id", "role"),
        sa.Index("ix_task_units_unit_id", "unit_id"),
    )

    return metadata


def upgrade() -> None:
    _baseline().create_all(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    _baseline().drop_all(op.get_bind(), checkfirst=True)
