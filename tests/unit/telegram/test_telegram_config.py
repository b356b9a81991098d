"""Settings of the Telegram channel from the environment the launcher passes."""

from __future__ import annotations

import pytest

from bot.telegram.config import TELEGRAM_API, ConfigError, load_settings

TOKEN = {"TELEGRAM_BOT_TOKEN": "123456:abc"}


def test_defaults_poll_telegram_and_reach_rasa_on_rasa_port() -> None:
    settings = load_settings({**TOKEN, "RASA_PORT": "5105"})
    assert settings.mode == "polling"
    assert settings.rasa_url == "http://127.0.0.1:5105"
    assert settings.api_base_url == TELEGRAM_API


def test_rasa_url_and_api_base_url_overrides() -> None:
    settings = load_settings(
        {**TOKEN, "RASA_URL": "http://rasa:5005/", "TELEGRAM_API_BASE_URL": "http://fake/bot"}
    )
    assert settings.rasa_url == "http://rasa:5005"
    assert settings.api_base_url == "http://fake/bot"


def test_webhook_mode_reads_url_secret_and_port() -> None:
    settings = load_settings(
        {
            **TOKEN,
            "TELEGRAM_MODE": "webhook",
            "TELEGRAM_WEBHOOK_URL": "https://tro-ly.example.gov.vn/telegram",
            "TELEGRAM_WEBHOOK_SECRET": "s3cret_value-1",
            "TELEGRAM_WEBHOOK_PORT": "9443",
        }
    )
    assert (settings.mode, settings.webhook_port) == ("webhook", 9443)
    assert settings.webhook_secret == "s3cret_value-1"


@pytest.mark.parametrize(
    "environ",
    [
        {},  # no token
        {**TOKEN, "TELEGRAM_MODE": "push"},
        {**TOKEN, "TELEGRAM_MODE": "webhook", "TELEGRAM_WEBHOOK_URL": "https://x.vn/tg"},
        {
            **TOKEN,
            "TELEGRAM_MODE": "webhook",
            "TELEGRAM_WEBHOOK_URL": "https://x.vn/tg",
            "TELEGRAM_WEBHOOK_SECRET": "has spaces!",
        },
        {
            **TOKEN,
            "TELEGRAM_MODE": "webhook",
            "TELEGRAM_WEBHOOK_URL": "http://x.vn/tg",
            "TELEGRAM_WEBHOOK_SECRET": "ok",
        },
        {**TOKEN, "TELEGRAM_WEBHOOK_PORT": "http"},
    ],
)
def test_incomplete_or_unsafe_settings_are_refused(environ: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        load_settings(environ)


def test_reminders_and_database_come_from_the_environment() -> None:
    settings = load_settings(
        {
            **TOKEN,
            "REMINDER_DAYS_BEFORE": "5",
            "REMINDER_HOUR": "7",
            "DATABASE_URL": "postgresql+psycopg://bot@db/cchc",
        }
    )
    assert (settings.reminder_days_before, settings.reminder_hour) == (5, 7)
    assert settings.database_url == "postgresql+psycopg://bot@db/cchc"


def test_reminders_default_to_three_days_at_eight() -> None:
    settings = load_settings({**TOKEN, "VAR_DIR": "/srv/tro-ly/var"})
    assert (settings.reminder_days_before, settings.reminder_hour) == (3, 8)
    assert settings.database_url == "sqlite:////srv/tro-ly/var/knowledge.db"


@pytest.mark.parametrize(
    "environ",
    [
        {"REMINDER_HOUR": "24"},
        {"REMINDER_DAYS_BEFORE": "ba"},
        {"REMINDER_DAYS_BEFORE": "31"},
    ],
)
def test_malformed_reminder_settings_are_refused(environ: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        load_settings({**TOKEN, **environ})


def test_inbox_metrics_are_served_only_on_a_port_given() -> None:
    assert load_settings(TOKEN).metrics_port is None
    assert load_settings({**TOKEN, "TELEGRAM_METRICS_PORT": "9105"}).metrics_port == 9105
    with pytest.raises(ConfigError, match="TELEGRAM_METRICS_PORT"):
        load_settings({**TOKEN, "TELEGRAM_METRICS_PORT": "http"})


def test_the_old_officials_allowlist_stops_the_start_with_how_to_move_to_accounts() -> None:
    # Officials are accounts now (python -m knowledge officials add ... --telegram-id): a
    # leftover allowlist must not silently stop giving anyone the officials' commands.
    with pytest.raises(ConfigError, match="--telegram-id"):
        load_settings({**TOKEN, "TELEGRAM_OFFICIAL_IDS": "123456789"})
