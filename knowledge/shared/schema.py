"""Tables a service creates on first use, once per process, safely from several threads.

The feedback and reminder services work on a fresh database without a migration step: every
operation first makes sure its tables exist. The check costs a round trip, so it runs once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from sqlalchemy import Engine, Table

from knowledge.shared.models import Base


class SchemaGuard:
    """Creates ``models``' tables in ``engine`` if missing, the first time ``ensure`` is called."""

    def __init__(self, engine: Engine, models: Iterable[type[Base]]) -> None:
        self._engine = engine
        self._tables = [_table(model) for model in models]
        self._lock = threading.Lock()
        self._ready = False

    def ensure(self) -> None:
        """Create the tables if missing; cheap after the first call."""
        with self._lock:
            if not self._ready:
                Base.metadata.create_all(self._engine, tables=self._tables)
                self._ready = True


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)  # declarative models map one table each
    return table
