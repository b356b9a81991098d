"""Database engine and session scope.

SQLite by default (one file, no server), PostgreSQL by URL. Only portable SQL is used so both
behave alike. Importable with SQLAlchemy 1.4 too: Rasa's engine environment uses
``sqlite_pragmas`` for its tracker store (bot/rasa_server.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from knowledge.shared.settings import load_settings


def make_engine(url: str) -> Engine:
    """A new engine for ``url``; SQLite files get their directory created and sane pragmas."""
    parsed = make_url(url)
    engine = create_engine(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        event.listen(engine, "connect", sqlite_pragmas)
    return engine


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys unless asked; WAL lets the bot read while a build writes.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (the configured database by default)."""
    return _shared_engine(url or load_settings().database_url)


@lru_cache(maxsize=8)
def _shared_engine(url: str) -> Engine:
    return make_engine(url)


@lru_cache(maxsize=16)
def _sessions(engine: Engine) -> sessionmaker[Session]:
    # Made once per engine: each sessionmaker is a new Session class, costly to set up.
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session committed when the block succeeds and rolled back when it raises."""
    session = _sessions(engine or get_engine())()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
