"""The build stamp: one row with a fingerprint of the last knowledge-base build, which every
process's plan catalog compares with the one it loaded (``knowledge.plans.search.catalog``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04

``knowledge build`` creates its own tables when missing, so a database built before this
revision was applied may hold the table already: it is created only when missing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _stamp() -> sa.MetaData:
    metadata = sa.MetaData()
    sa.Table(
        "knowledge_build",
        metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    return metadata


def upgrade() -> None:
    _stamp().create_all(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    _stamp().drop_all(op.get_bind(), checkfirst=True)
