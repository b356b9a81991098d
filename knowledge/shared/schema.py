"""The schema a service needs, brought up to date on first use, once per process.

The feedback and reminder services (and the dossier table's users) work on a fresh database
without a separate migration step: their first operation runs the migrations
(``knowledge.migrations.upgrade``), which create every missing table and apply any revision not
yet applied. The check costs a round trip, so it runs once per guard.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from sqlalchemy import Engine, Table, inspect

from knowledge.shared.models import Base


class SchemaGuard:
    """Migrates ``engine``'s database to the newest revision the first time ``ensure`` is
    called, so that ``models``' tables exist in their current shape."""

    def __init__(self, engine: Engine, models: Iterable[type[Base]]) -> None:
        self._engine = engine
        self._tables = [_table(model) for model in models]
        self._lock = threading.Lock()
        self._ready = False

    def ensure(self) -> None:
        """Upgrade the database if needed; cheap after the first call."""
        with self._lock:
            if not self._ready:
                # Imported here: the migration scripts know every capability's tables, and
                # Rasa's environment imports this package without Alembic installed.
                from knowledge.migrations import upgrade

                upgrade(self._engine)
                missing = [table.name for table in self._tables if not _exists(self._engine, table)]
                if missing:
                    raise RuntimeError(
                        f"tables {missing} are missing though the database is migrated: "
                        "were they dropped by hand? Restore them from a backup."
                    )
                self._ready = True


def _exists(engine: Engine, table: Table) -> bool:
    return inspect(engine).has_table(table.name)


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)  # declarative models map one table each
    return table
