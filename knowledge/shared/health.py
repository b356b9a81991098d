"""What /readyz reports: whether a service can do its work now, not merely that it runs.

Liveness (/healthz) only says the process answers; readiness also needs the database to answer
and to be at the newest migration, since a service on an old schema would fail on first write.
"""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError


def readiness(engine: Engine) -> dict[str, str]:
    """Each check's result, "ok" or why not (no secrets: the database URL is not shown)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        return {"database": f"unavailable ({type(error).__name__})"}
    # Imported here: the migration scripts know every capability's tables.
    from knowledge.migrations import current, head

    try:
        revision, newest = current(engine), head()
    except SQLAlchemyError as error:
        return {"database": "ok", "schema": f"unreadable ({type(error).__name__})"}
    schema = "ok" if revision == newest else f"at {revision or 'none'}, newest is {newest}"
    return {"database": "ok", "schema": schema}


def is_ready(checks: dict[str, str]) -> bool:
    return all(result == "ok" for result in checks.values())
