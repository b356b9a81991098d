"""Settings read from the environment, with defaults that work from a fresh checkout."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

REPO_ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


DEFAULT_NOTIFY_POLL_S = 60.0


@dataclass(frozen=True)
class Settings:
    database_url: str
    var_dir: Path
    # The province's public-service portal, linked from dossier answers; "" when not set.
    portal_url: str = ""
    # How often the dossier-update watcher looks at subscribed dossiers (seconds).
    notify_poll_s: float = DEFAULT_NOTIFY_POLL_S


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``env`` (the process environment by default).

    ``VAR_DIR`` holds runtime files; ``DATABASE_URL`` defaults to a SQLite file inside it so
    that a checkout works without a database server, while PostgreSQL is one URL away.
    """
    env = os.environ if env is None else env
    var_dir = Path(env.get("VAR_DIR") or REPO_ROOT / "var")
    database_url = env.get("DATABASE_URL") or f"sqlite:///{var_dir / 'knowledge.db'}"
    return Settings(
        database_url=database_url,
        var_dir=var_dir,
        portal_url=_web_url(env, "DOSSIER_PORTAL_URL"),
        notify_poll_s=env_positive(env, "NOTIFY_POLL_S", DEFAULT_NOTIFY_POLL_S),
    )


def _web_url(env: Mapping[str, str], name: str) -> str:
    """An http(s) URL from variable ``name``, "" when unset; SettingError for anything else,
    since it is shown to citizens as a link."""
    value = env.get(name, "").strip()
    if value and not value.startswith(("https://", "http://")):
        raise SettingError(f"{name} must be an http:// or https:// URL, not {value!r}")
    return value


# --- numbers and rates from the environment -----------------------------------------------------
# One way to read them, so every wrong value stops its process at start with one kind of error
# naming the variable. Standard library only: the Rasa engine environment reads these too.


class SettingError(ValueError):
    """A variable of the environment holds a value the program cannot use; names it."""


@dataclass(frozen=True)
class Rate:
    """``count`` events per ``window_s`` seconds, as "N/SECONDS" writes it."""

    count: int
    window_s: float


def parse_rate(value: str, name: str, default_window_s: float = 60.0) -> Rate:
    """ "N/SECONDS", or "N" per ``default_window_s``; both positive, else SettingError."""
    count, slash, window = value.strip().partition("/")
    try:
        rate = Rate(int(count), float(window) if slash else default_window_s)
    except ValueError:
        rate = Rate(0, 0.0)
    if rate.count < 1 or not (math.isfinite(rate.window_s) and rate.window_s > 0):
        raise SettingError(f"{name} must be N or N/SECONDS, both positive, not {value!r}")
    return rate


def env_rate(
    env: Mapping[str, str], name: str, default: Rate, default_window_s: float | None = None
) -> Rate:
    """``parse_rate`` of variable ``name``; ``default`` when it is unset or blank."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    return parse_rate(raw, name, default.window_s if default_window_s is None else default_window_s)


def env_int(
    env: Mapping[str, str],
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """A whole number from variable ``name`` within [minimum, maximum]; ``default`` when unset
    or blank."""
    value = _read(env, name, int, "a whole number")
    if value is None:
        return default
    low = -math.inf if minimum is None else minimum
    high = math.inf if maximum is None else maximum
    if not low <= value <= high:
        raise SettingError(f"{name} must be between {low} and {high}, not {value}")
    return value


def env_positive(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive, finite number from variable ``name``; ``default`` when unset or blank."""
    value = _read(env, name, float, "a number")
    if value is None:
        return default
    if not (math.isfinite(value) and value > 0):
        raise SettingError(f"{name} must be a positive number, not {value}")
    return value


def _read(env: Mapping[str, str], name: str, convert: Callable[[str], T], kind: str) -> T | None:
    """Variable ``name`` converted, None when unset or blank; SettingError when it does not
    convert."""
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        return convert(raw)
    except ValueError:
        raise SettingError(f"{name} must be {kind}, not {raw!r}") from None
