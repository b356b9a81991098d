"""Settings read from the environment, with defaults that work from a fresh checkout."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    database_url: str
    var_dir: Path


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``env`` (the process environment by default).

    ``VAR_DIR`` holds runtime files; ``DATABASE_URL`` defaults to a SQLite file inside it so
    that a checkout works without a database server, while PostgreSQL is one URL away.
    """
    env = os.environ if env is None else env
    var_dir = Path(env.get("VAR_DIR") or REPO_ROOT / "var")
    database_url = env.get("DATABASE_URL") or f"sqlite:///{var_dir / 'knowledge.db'}"
    return Settings(database_url=database_url, var_dir=var_dir)
