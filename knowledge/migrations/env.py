"""Alembic's entry: runs the scripts on the connection :mod:`knowledge.migrations` passes, or,
from the ``alembic`` command line, on the configured database (``DATABASE_URL``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from knowledge.migrations.tables import include_object, metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata(),
        include_object=include_object,
        compare_type=True,
        # SQLite alters a table by copying it; batch mode writes the copy.
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    from knowledge.shared.db import get_engine

    with get_engine().begin() as connection:
        run(connection)
