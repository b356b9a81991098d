"""Backups of the application database, and their restore (``python -m knowledge backup``).

- SQLite: sqlite3's online backup API copies the database through a connection of its own, so
  the copy is consistent while the services keep writing (a write during the copy is either in
  it whole or not at all). The copy is checked (``PRAGMA quick_check``) and left as one file.
- PostgreSQL: ``pg_dump --format=custom``, a consistent snapshot taken while the services run;
  ``pg_restore`` loads it, in one transaction, into an existing database.

A backup is written under a temporary name and renamed when complete, so a file with the final
name is never half written. A restore refuses a database that already holds tables unless told
to replace them (``force``). Restore with the services stopped.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import URL, inspect, make_url

from knowledge.shared.db import make_engine

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
EXTENSIONS = {"sqlite": "sqlite3", "postgresql": "pgdump"}
# pg_dump of the whole database may take a while; a hung server must not hang the command.
TOOL_TIMEOUT_S = 3600.0
SQLITE_BUSY_TIMEOUT_S = 30.0


class BackupError(Exception):
    """A backup or restore that could not be done. ``reason`` is a key of wording/backup.yml
    and ``details`` its placeholders."""

    def __init__(self, reason: str, **details: str) -> None:
        super().__init__(reason, details)
        self.reason = reason
        self.details = details


def create_backup(database_url: str, directory: Path, *, now: datetime | None = None) -> Path:
    """A backup of ``database_url`` in ``directory`` (created if need be); its path."""
    url = make_url(database_url)
    backend = _backend(url)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    name = Path(url.database or "database").stem
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"{name}-{stamp}.{EXTENSIONS[backend]}"
    partial = final.with_name(final.name + ".part")
    try:
        if backend == "sqlite":
            _sqlite_backup(_sqlite_path(url), partial)
        else:
            _run(["pg_dump", "--format=custom", f"--file={partial}"], url)
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    return final


def restore_backup(backup: Path, database_url: str, *, force: bool = False) -> None:
    """Load ``backup`` into ``database_url``; a database holding tables only when ``force``
    (then what it held is replaced)."""
    url = make_url(database_url)
    backend = _backend(url)
    if not backup.is_file():
        raise BackupError("no_backup", path=str(backup))
    if _kind(backup) != backend:
        raise BackupError("wrong_kind", path=str(backup), backend=backend)
    if not force and _holds_tables(url):
        raise BackupError("not_empty", database=_shown(url))
    if backend == "sqlite":
        _sqlite_restore(backup, _sqlite_path(url, must_exist=False))
    else:
        clean = ["--clean", "--if-exists"] if force else []
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *clean,
                str(backup),
            ],
            url,
        )


def _backend(url: URL) -> str:
    backend = url.get_backend_name()
    if backend not in EXTENSIONS:
        raise BackupError("unsupported", backend=backend)
    return backend


def _kind(backup: Path) -> str | None:
    """The backend a backup file belongs to, from its first bytes; None for anything else."""
    with backup.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    return None


def _sqlite_path(url: URL, *, must_exist: bool = True) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("unsupported", backend="sqlite :memory:")
    path = Path(url.database)
    if must_exist and not path.is_file():
        raise BackupError("no_database", database=str(path))
    return path


def _sqlite_backup(source: Path, copy: Path) -> None:
    with (
        closing(sqlite3.connect(source, timeout=SQLITE_BUSY_TIMEOUT_S)) as reading,
        closing(sqlite3.connect(copy)) as writing,
    ):
        reading.backup(writing)
        # One self-contained file, whatever journal mode the live database uses.
        writing.execute("PRAGMA journal_mode=DELETE")
        (verdict,) = writing.execute("PRAGMA quick_check").fetchone()
    if verdict != "ok":
        raise BackupError("unreadable", path=str(source))


def _sqlite_restore(backup: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (
            closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as reading,
            closing(sqlite3.connect(target, timeout=SQLITE_BUSY_TIMEOUT_S)) as writing,
        ):
            (verdict,) = reading.execute("PRAGMA quick_check").fetchone()
            if verdict != "ok":
                raise BackupError("unreadable", path=str(backup))
            reading.backup(writing)
    except sqlite3.DatabaseError:
        raise BackupError("unreadable", path=str(backup)) from None


def _holds_tables(url: URL) -> bool:
    if url.get_backend_name() == "sqlite":
        path = _sqlite_path(url, must_exist=False)
        if not path.exists():
            return False
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        return bool(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _run(argv: Sequence[str], url: URL) -> None:
    """Run a PostgreSQL client tool on ``url``'s database; the password goes through the
    environment, not the command line others can read."""
    tool = argv[0]
    if shutil.which(tool) is None:
        raise BackupError("tool_missing", tool=tool)
    target = url.set(drivername="postgresql", password=None)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    try:
        done = subprocess.run(
            [*argv, f"--dbname={target.render_as_string(hide_password=False)}"],
            env=env,
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise BackupError("tool_failed", tool=tool, message="timeout") from None
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit code {done.returncode}"]
        raise BackupError("tool_failed", tool=tool, message=lines[-1])


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)
