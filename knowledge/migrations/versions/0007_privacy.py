"""Personal data of complaints: the notice the citizen agreed to and when, and when the contact
data was erased (on request or past retention; knowledge/privacy/).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = ("consent_notice", "consented_at", "contact_erased_at")


def upgrade() -> None:
    op.add_column("feedback", sa.Column("consent_notice", sa.String(length=20), nullable=True))
    op.add_column("feedback", sa.Column("consented_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "feedback", sa.Column("contact_erased_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("feedback") as batch:
        for column in reversed(COLUMNS):
            batch.drop_column(column)
