"""Every setting of the assistant: read from the environment and ``.env``, typed, checked once.

Each entry point (the launcher, the Rasa glue, the action server, the Telegram bot, the web
page, ``python -m knowledge``) calls :func:`configure` first: ``.env`` and the defaults join the
process environment (the real environment wins over ``.env``), every variable is checked, and a
wrong value stops the start with one line naming the variable. Defaults live in ``DEFAULTS``.

Standard library and python-dotenv only: the Rasa engine environment imports this module too.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from dotenv import dotenv_values

REPO_ROOT = Path(__file__).resolve().parents[2]
ENV_FILE = REPO_ROOT / ".env"
T = TypeVar("T")

# The one place of defaults (README, "Configuration"). Variables without a default are unset
# unless given; blank counts as unset. Derived defaults are in ``resolve_settings``.
DEFAULTS: dict[str, str] = {
    "BIND_HOST": "127.0.0.1",
    "RASA_PORT": "5005",
    "ACTIONS_PORT": "5055",
    "WEB_PORT": "8000",
    "VAR_DIR": "var",
    "RASA_MODEL_DIR": "models",
    "RASA_ENDPOINTS": "endpoints.yml",
    "RASA_CREDENTIALS": "credentials.yml",
    "ENGINE_VENV": ".venv/engine",
    "APP_VENV": ".venv/app",
    # Demo dossiers make the embedded default usable; off when a provincial API is configured.
    "SEED_DEMO_DOSSIERS": "1",
    "ACTION_TIMEOUT_S": "10",
    "MAX_MESSAGE_CHARS": "4000",
    # Messages per sender per window (s): a person types a few a minute, a script hundreds.
    "MESSAGE_RATE_LIMIT": "30/60",
    "DOSSIER_API_TIMEOUT": "5",
    "DOSSIER_LOOKUP_LIMIT": "10/600",
    "TELEGRAM_MODE": "polling",
    "TELEGRAM_API_BASE_URL": "https://api.telegram.org/bot",
    "TELEGRAM_WEBHOOK_PORT": "8443",
    # Outgoing requests, all chats together; Telegram refuses a bot much beyond 30 a second.
    "TELEGRAM_SEND_RATE": "30/1",
    "REMINDER_DAYS_BEFORE": "3",
    "REMINDER_HOUR": "8",  # Vietnam time: the start of a working day
}
# Paths in the settings are relative to the checkout.
_PATHS = ("VAR_DIR", "RASA_MODEL_DIR", "RASA_ENDPOINTS", "RASA_CREDENTIALS")
_VENVS = ("ENGINE_VENV", "APP_VENV")
DAYS_BEFORE_MAX = 30
TELEGRAM_MODES = ("polling", "webhook")


def tracker_db_path(env: Mapping[str, str] | None = None) -> Path:
    """Rasa's SQLite tracker store (``RASA_TRACKER_DB``), inside ``VAR_DIR`` by default."""
    env = os.environ if env is None else env
    raw = env.get("RASA_TRACKER_DB", "").strip()
    return Path(raw) if raw else load_settings(env).var_dir / "tracker.db"


DEFAULT_NOTIFY_POLL_S = 60.0


@dataclass(frozen=True)
class Retention:
    """How long personal data is kept, in days (knowledge/privacy/retention.py enforces it)."""

    # A complaint's name, phone and sender, counted from its last change (filing, reply, status).
    complaint_contact_days: int
    # A conversation in Rasa's tracker store, counted from its last message.
    conversation_days: int


DEFAULT_RETENTION = Retention(complaint_contact_days=365, conversation_days=90)
RETENTION_MAX_DAYS = 3650


def load_retention(env: Mapping[str, str] | None = None) -> Retention:
    """``RETENTION_COMPLAINT_DAYS`` and ``RETENTION_CONVERSATION_DAYS``, 1 to 3650 days."""
    env = os.environ if env is None else env
    return Retention(
        complaint_contact_days=env_int(
            env,
            "RETENTION_COMPLAINT_DAYS",
            DEFAULT_RETENTION.complaint_contact_days,
            minimum=1,
            maximum=RETENTION_MAX_DAYS,
        ),
        conversation_days=env_int(
            env,
            "RETENTION_CONVERSATION_DAYS",
            DEFAULT_RETENTION.conversation_days,
            minimum=1,
            maximum=RETENTION_MAX_DAYS,
        ),
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


@dataclass(frozen=True)
class Settings:
    """The typed settings every process shares (README, "Configuration")."""

    bind_host: str
    rasa_port: int
    actions_port: int
    web_port: int
    rasa_url: str  # Rasa as this machine's services reach it
    rasa_public_url: str  # Rasa as the browser reaches it
    var_dir: Path
    database_url: str
    backup_dir: Path  # where ``python -m knowledge backup create`` writes
    rasa_api_token: str
    action_timeout_s: float
    max_message_chars: int
    message_rate_limit: Rate
    seed_demo_dossiers: bool
    dossier_api_url: str
    dossier_api_token: str
    dossier_api_timeout_s: float
    dossier_lookup_limit: Rate
    contact_hotline: str
    contact_office: str
    telegram_bot_token: str
    telegram_mode: str  # one of TELEGRAM_MODES
    telegram_api_base_url: str
    telegram_webhook_url: str
    telegram_webhook_secret: str
    telegram_webhook_port: int
    telegram_send_rate: Rate
    reminder_days_before: int
    reminder_hour: int
    # The province's public-service portal, linked from dossier answers; "" when not set.
    portal_url: str = ""
    # How often the dossier-update watcher looks at subscribed dossiers (seconds).
    notify_poll_s: float = DEFAULT_NOTIFY_POLL_S

    @property
    def demo_dossiers(self) -> bool:
        """Demo dossiers are seeded and shown: wanted, and no provincial API configured."""
        return self.seed_demo_dossiers and not self.dossier_api_url


def read_env_file(path: Path) -> dict[str, str]:
    """The KEY=VALUE lines of a .env file (python-dotenv's syntax: comments, quotes, ``export``);
    nothing when there is no such file. Values are taken literally (no ``${...}`` expansion)."""
    if not path.is_file():
        return {}
    values = dotenv_values(path, interpolate=False, encoding="utf-8")
    return {key: value for key, value in values.items() if value is not None}


def resolve_settings(
    environ: Mapping[str, str], env_file: Path | None = ENV_FILE
) -> dict[str, str]:
    """The environment every process runs with: the defaults, overridden by ``env_file``,
    overridden by ``environ``; blank values count as unset, paths are made absolute."""
    from_file = read_env_file(env_file) if env_file else {}
    settings = {**from_file, **environ}
    for key, default in DEFAULTS.items():
        if not settings.get(key, "").strip():
            settings[key] = default
    for key in _PATHS:
        settings[key] = str((REPO_ROOT / settings[key]).resolve())
    for key in _VENVS:
        settings[key] = str((REPO_ROOT / settings[key]).absolute())
    var_dir = Path(settings["VAR_DIR"])
    derived = {
        "DATABASE_URL": f"sqlite:///{var_dir / 'knowledge.db'}",
        "RASA_TRACKER_DB": str(var_dir / "tracker.db"),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{settings['ACTIONS_PORT']}/webhook",
    }
    for key, default in derived.items():
        if not settings.get(key, "").strip():
            settings[key] = default
    return settings


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """The typed settings of ``env`` (the process environment by default), with the defaults
    for what it does not set; SettingError naming the first variable that holds a wrong value.

    ``VAR_DIR`` holds runtime files; ``DATABASE_URL`` defaults to a SQLite file inside it so
    that a checkout works without a database server, while PostgreSQL is one URL away.
    """
    values = resolve_settings(os.environ if env is None else env, None)
    rasa_port = _port(values, "RASA_PORT")
    return Settings(
        bind_host=values["BIND_HOST"].strip(),
        rasa_port=rasa_port,
        actions_port=_port(values, "ACTIONS_PORT"),
        web_port=_port(values, "WEB_PORT"),
        rasa_url=(_text(values, "RASA_URL") or f"http://127.0.0.1:{rasa_port}").rstrip("/"),
        rasa_public_url=_text(values, "RASA_PUBLIC_URL") or f"http://localhost:{rasa_port}",
        var_dir=Path(values["VAR_DIR"]),
        database_url=values["DATABASE_URL"].strip(),
        backup_dir=REPO_ROOT / (_text(values, "BACKUP_DIR") or Path(values["VAR_DIR"]) / "backups"),
        rasa_api_token=_text(values, "RASA_API_TOKEN"),
        action_timeout_s=_positive(values, "ACTION_TIMEOUT_S"),
        max_message_chars=_whole(values, "MAX_MESSAGE_CHARS", minimum=1),
        message_rate_limit=_rate(values, "MESSAGE_RATE_LIMIT"),
        seed_demo_dossiers=_flag(values, "SEED_DEMO_DOSSIERS"),
        dossier_api_url=_text(values, "DOSSIER_API_URL"),
        dossier_api_token=_text(values, "DOSSIER_API_TOKEN"),
        dossier_api_timeout_s=_positive(values, "DOSSIER_API_TIMEOUT"),
        dossier_lookup_limit=_rate(values, "DOSSIER_LOOKUP_LIMIT"),
        contact_hotline=_text(values, "CONTACT_HOTLINE"),
        contact_office=_text(values, "CONTACT_OFFICE"),
        telegram_bot_token=_text(values, "TELEGRAM_BOT_TOKEN"),
        telegram_mode=_choice(values, "TELEGRAM_MODE", TELEGRAM_MODES),
        telegram_api_base_url=_text(values, "TELEGRAM_API_BASE_URL"),
        telegram_webhook_url=_text(values, "TELEGRAM_WEBHOOK_URL"),
        telegram_webhook_secret=_text(values, "TELEGRAM_WEBHOOK_SECRET"),
        telegram_webhook_port=_port(values, "TELEGRAM_WEBHOOK_PORT"),
        telegram_send_rate=_rate(values, "TELEGRAM_SEND_RATE"),
        reminder_days_before=_whole(
            values, "REMINDER_DAYS_BEFORE", minimum=0, maximum=DAYS_BEFORE_MAX
        ),
        reminder_hour=_whole(values, "REMINDER_HOUR", minimum=0, maximum=23),
        portal_url=_web_url(values, "DOSSIER_PORTAL_URL"),
        notify_poll_s=env_positive(values, "NOTIFY_POLL_S", DEFAULT_NOTIFY_POLL_S),
    )


def configure(
    environ: MutableMapping[str, str] | None = None, env_file: Path | None = ENV_FILE
) -> Settings:
    """What every entry point does first: ``.env`` and the defaults join ``environ`` (the
    process environment by default; its own values win), and every setting is checked.

    A wrong value stops the process: one line on stderr naming the variable, exit code 2, no
    traceback. Libraries that read the environment themselves (Rasa's endpoints.yml) see the
    same values.
    """
    environ = os.environ if environ is None else environ
    resolved = resolve_settings(environ, env_file)
    try:
        settings = load_settings(resolved)
    except SettingError as error:
        print(f"configuration error: {error}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    environ.update(resolved)
    return settings


def _text(values: Mapping[str, str], name: str) -> str:
    return values.get(name, "").strip()


def _port(values: Mapping[str, str], name: str) -> int:
    return _whole(values, name, minimum=1, maximum=65535)


def _whole(
    values: Mapping[str, str], name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    return env_int(values, name, 0, minimum=minimum, maximum=maximum)


def _positive(values: Mapping[str, str], name: str) -> float:
    return env_positive(values, name, 0.0)


def _rate(values: Mapping[str, str], name: str) -> Rate:
    """A rate; "N" alone counts per the window of the default."""
    default = parse_rate(DEFAULTS[name], name)
    return env_rate(values, name, default)


def _flag(values: Mapping[str, str], name: str) -> bool:
    return _choice(values, name, ("0", "1")) == "1"


def _choice(values: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    value = _text(values, name).lower()
    if value not in choices:
        raise SettingError(f"{name} must be {' or '.join(choices)}, not {value!r}")
    return value


# --- numbers and rates from the environment -----------------------------------------------------
# One way to read them, so every wrong value stops its process at start with one kind of error
# naming the variable. New settings may read themselves with these from the environment that
# ``configure`` prepared.


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


TOKEN_MIN_CHARS = 16


def env_token(env: Mapping[str, str], name: str, min_chars: int = TOKEN_MIN_CHARS) -> str | None:
    """A shared secret from variable ``name``, at least ``min_chars`` long; None when unset or
    blank."""
    token = env.get(name, "").strip()
    if not token:
        return None
    if len(token) < min_chars:
        raise SettingError(f"{name} must be at least {min_chars} characters long")
    return token


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


# The settings of an empty environment: what code defaults to when no setting is given.
DEFAULT_SETTINGS = load_settings({})
# --- the Zalo Official Account channel ----------------------------------------------------------
# bot/zalo reads the rest of its settings (bot/zalo/config.py); the launcher needs only this.

ZALO_REQUIRED = (
    "ZALO_OA_ID",
    "ZALO_APP_ID",
    "ZALO_APP_SECRET",
    "ZALO_OA_SECRET_KEY",
    "ZALO_REFRESH_TOKEN",
)
ZALO_DEFAULT_PORT = 8070


def zalo_configured(env: Mapping[str, str]) -> bool:
    """Whether the environment names an Official Account to serve (every required value set)."""
    return not zalo_missing(env)


def zalo_missing(env: Mapping[str, str]) -> list[str]:
    """The required Zalo variables the environment lacks."""
    return [name for name in ZALO_REQUIRED if not env.get(name, "").strip()]
