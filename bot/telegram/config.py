"""Settings of the Telegram channel, read once from the environment."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from bot.officials.telegram_courier import TELEGRAM_API
from bot.telegram.retry import DEFAULT_SEND_RATE
from knowledge.feedback.attachments import AttachmentLimits, attachment_limits
from knowledge.reminders.service import DAYS_BEFORE_MAX, DEFAULT_DAYS_BEFORE, DEFAULT_HOUR
from knowledge.shared.settings import Rate, SettingError, env_int, env_rate
from knowledge.shared.settings import load_settings as load_knowledge_settings

# Telegram accepts only these characters in a webhook secret token (Bot API, setWebhook).
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")

Mode = Literal["polling", "webhook"]


# The environment does not describe a runnable Telegram channel; every setting's error.
ConfigError = SettingError


@dataclass(frozen=True)
class Settings:
    token: str
    rasa_url: str
    mode: Mode = "polling"
    api_base_url: str = TELEGRAM_API
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    rasa_timeout_s: float = 15.0
    # Base of the exponential pause between tries after a network error; tests shorten it.
    retry_backoff_s: float = 0.5
    # Telegram user ids allowed the officials' commands; everyone else is refused.
    official_ids: frozenset[int] = frozenset()
    reminder_days_before: int = DEFAULT_DAYS_BEFORE
    reminder_hour: int = DEFAULT_HOUR  # Vietnam time
    database_url: str | None = None  # None: the knowledge base's configured database
    # Outgoing requests, all chats together; Telegram refuses a bot much beyond 30 a second.
    send_rate: Rate = DEFAULT_SEND_RATE
    # Keyboards whose button payloads are kept (python-telegram-bot's callback data cache);
    # a button of an older keyboard answers "expired".
    keyboards_kept: int = 5000
    var_dir: str | None = None  # where pressed buttons are kept across restarts; None: not kept
    # Photos and PDFs citizens send (receipts, complaints' attachments).
    attachments: AttachmentLimits = field(default_factory=AttachmentLimits)


def load_settings(environ: Mapping[str, str]) -> Settings:
    token = environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
    rasa_url = environ.get("RASA_URL") or f"http://127.0.0.1:{environ.get('RASA_PORT', '5005')}"
    mode = environ.get("TELEGRAM_MODE", "polling").strip().lower() or "polling"
    if mode not in ("polling", "webhook"):
        raise ConfigError(f"TELEGRAM_MODE must be polling or webhook, not {mode!r}")
    knowledge = load_knowledge_settings(environ)
    settings = Settings(
        token=token,
        rasa_url=rasa_url.rstrip("/"),
        mode=mode,  # type: ignore[arg-type]  # checked against Mode just above
        api_base_url=environ.get("TELEGRAM_API_BASE_URL") or TELEGRAM_API,
        webhook_url=environ.get("TELEGRAM_WEBHOOK_URL", "").strip(),
        webhook_secret=environ.get("TELEGRAM_WEBHOOK_SECRET", "").strip(),
        webhook_listen=environ.get("BIND_HOST", "127.0.0.1"),
        webhook_port=env_int(environ, "TELEGRAM_WEBHOOK_PORT", 8443, minimum=1, maximum=65535),
        official_ids=_official_ids(environ.get("TELEGRAM_OFFICIAL_IDS", "")),
        reminder_days_before=env_int(
            environ,
            "REMINDER_DAYS_BEFORE",
            DEFAULT_DAYS_BEFORE,
            minimum=0,
            maximum=DAYS_BEFORE_MAX,
        ),
        reminder_hour=env_int(environ, "REMINDER_HOUR", DEFAULT_HOUR, minimum=0, maximum=23),
        database_url=knowledge.database_url,
        send_rate=env_rate(environ, "TELEGRAM_SEND_RATE", DEFAULT_SEND_RATE),
        var_dir=str(knowledge.var_dir),
        attachments=attachment_limits(environ),
    )
    if settings.mode == "webhook":
        _check_webhook(settings)
    return settings


def _official_ids(raw: str) -> frozenset[int]:
    """ "123, 456" as ids; Telegram user ids are positive integers."""
    ids: set[int] = set()
    for part in raw.split(","):
        if not part.strip():
            continue
        try:
            ids.add(int(part))
        except ValueError:
            raise ConfigError(
                f"TELEGRAM_OFFICIAL_IDS lists Telegram user ids separated by commas, not {part!r}"
            ) from None
    if any(user_id <= 0 for user_id in ids):
        raise ConfigError("TELEGRAM_OFFICIAL_IDS: Telegram user ids are positive numbers")
    return frozenset(ids)


def _check_webhook(settings: Settings) -> None:
    if not settings.webhook_url.startswith("https://"):
        raise ConfigError("webhook mode needs TELEGRAM_WEBHOOK_URL, an https:// URL")
    # Without the secret anyone who guesses the URL could post forged updates.
    if not _SECRET.fullmatch(settings.webhook_secret):
        raise ConfigError(
            "webhook mode needs TELEGRAM_WEBHOOK_SECRET: 1-256 characters of A-Z a-z 0-9 _ -"
        )
