"""Schema migrations of the application database (Alembic), run from Python.

Every table on ``knowledge.shared.models.Base`` (plans, dossiers, feedback, reminders) has one
migration history here, so SQLite and PostgreSQL databases upgrade alike: ``python -m knowledge
migrate``, the launcher before it starts the services, ``knowledge build`` and the services'
``SchemaGuard`` all call :func:`upgrade`. The scripts live inside the ``knowledge`` package so
an installed copy carries the migrations of the models it holds.

A new revision after changing a model: ``.venv/app/bin/alembic revision --autogenerate -m
"what changed"`` (alembic.ini at the root points here), then read and fix the script; the test
``test_models_and_migrations_agree`` fails until the script and the models match.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

SCRIPTS = Path(__file__).resolve().parent
BASELINE = "0001"
# Any constant shared by every process that migrates: two starting at once take turns.
_PG_LOCK_KEY = 0x6D696772  # "migr"
# Threads of one process (the web page and the Telegram bot share one) migrate one at a time.
_LOCK = threading.Lock()


def config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for these scripts, optionally bound to ``connection``."""
    alembic_config = Config()
    alembic_config.set_main_option("script_location", str(SCRIPTS))
    if connection is not None:
        alembic_config.attributes["connection"] = connection
    return alembic_config


def head() -> str:
    """The newest revision the scripts hold."""
    revision = ScriptDirectory.from_config(config()).get_current_head()
    assert revision is not None
    return revision


def current(engine: Engine) -> str | None:
    """The revision ``engine``'s database is at; None before any migration ran there."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring ``engine``'s database to ``revision``, in one transaction where the database can.

    A database made before migrations existed (tables created on first use, no version
    recorded) upgrades too: the baseline creates only the tables it lacks and keeps every row.
    """
    with _LOCK, engine.begin() as connection, _exclusive(connection):
        command.upgrade(config(connection), revision)


def differences(engine: Engine) -> list[Any]:
    """What autogenerate would change to make ``engine``'s database match the models; empty
    when the migrations and the models agree (after :func:`upgrade`)."""
    from knowledge.migrations.tables import include_object, metadata

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_object": include_object},
        )
        return list(compare_metadata(context, metadata()))


@contextmanager
def _exclusive(connection: Connection) -> Iterator[None]:
    if connection.dialect.name == "postgresql":
        # Held until the transaction ends, so a second process waits and then finds head.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    yield
