"""Settings of the Telegram channel, read once from the environment."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from bot.officials.telegram_courier import TELEGRAM_API
from bot.telegram.retry import DEFAULT_SEND_RATE
from knowledge.feedback.attachments import AttachmentLimits, attachment_limits
from knowledge.reminders.service import DEFAULT_DAYS_BEFORE, DEFAULT_HOUR
from knowledge.shared.settings import Rate, SettingError, env_int
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
    reminder_days_before: int = DEFAULT_DAYS_BEFORE
    reminder_hour: int = DEFAULT_HOUR  # Vietnam time
    database_url: str | None = None  # None: the knowledge base's configured database
    # Outgoing requests, all chats together; Telegram refuses a bot much beyond 30 a second.
    send_rate: Rate = DEFAULT_SEND_RATE
    # Keyboards whose button payloads are kept (python-telegram-bot's callback data cache);
    # a button of an older keyboard answers "expired".
    keyboards_kept: int = 5000
    var_dir: str | None = None  # where pressed buttons are kept across restarts; None: not kept
    # Prometheus' /metrics of this process (inbox counts) on BIND_HOST; None: not served.
    metrics_port: int | None = None
    # Push dossier updates to subscribed chats (knowledge/notify), as the environment sets them.
    watch_dossiers: bool = False
    # Photos and PDFs citizens send (receipts, complaints' attachments).
    attachments: AttachmentLimits = field(default_factory=AttachmentLimits)


def load_settings(environ: Mapping[str, str]) -> Settings:
    if environ.get("TELEGRAM_OFFICIAL_IDS", "").strip():
        raise ConfigError(
            "TELEGRAM_OFFICIAL_IDS is no longer read: give each official an account with their "
            "Telegram id (python -m knowledge officials add NAME --role ... --telegram-id ID), "
            "then unset it"
        )
    knowledge = load_knowledge_settings(environ)
    if not knowledge.telegram_bot_token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
    settings = Settings(
        token=knowledge.telegram_bot_token,
        rasa_url=knowledge.rasa_url,
        mode=knowledge.telegram_mode,  # type: ignore[arg-type]  # one of TELEGRAM_MODES
        api_base_url=knowledge.telegram_api_base_url,
        webhook_url=knowledge.telegram_webhook_url,
        webhook_secret=knowledge.telegram_webhook_secret,
        webhook_listen=knowledge.bind_host,
        webhook_port=knowledge.telegram_webhook_port,
        reminder_days_before=knowledge.reminder_days_before,
        reminder_hour=knowledge.reminder_hour,
        database_url=knowledge.database_url,
        send_rate=knowledge.telegram_send_rate,
        var_dir=str(knowledge.var_dir),
        metrics_port=env_int(environ, "TELEGRAM_METRICS_PORT", 0, minimum=0, maximum=65535) or None,
        watch_dossiers=True,
        attachments=attachment_limits(environ),
    )
    if settings.mode == "webhook":
        _check_webhook(settings)
    return settings


def _check_webhook(settings: Settings) -> None:
    if not settings.webhook_url.startswith("https://"):
        raise ConfigError("webhook mode needs TELEGRAM_WEBHOOK_URL, an https:// URL")
    # Without the secret anyone who guesses the URL could post forged updates.
    if not _SECRET.fullmatch(settings.webhook_secret):
        raise ConfigError(
            "webhook mode needs TELEGRAM_WEBHOOK_SECRET: 1-256 characters of A-Z a-z 0-9 _ -"
        )
