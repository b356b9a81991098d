"""Who signed each plan: the signer and the capacity the document's signature block states.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04

``knowledge build`` refills the documents table, so the columns start empty until the next
build; a table it created after this revision's model change has them already.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


_COLUMNS = (("signer", 120), ("signer_capacity", 60))


def _present() -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns("documents")}


def upgrade() -> None:
    missing = [(name, size) for name, size in _COLUMNS if name not in _present()]
    if not missing:
        return
    with op.batch_alter_table("documents") as batch:
        for name, size in missing:
            batch.add_column(sa.Column(name, sa.String(length=size), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("signer_capacity")
        batch.drop_column("signer")
