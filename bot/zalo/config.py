"""Settings of the Zalo channel, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.zalo import constants as zalo
from knowledge.shared.settings import (
    ZALO_DEFAULT_PORT,
    SettingError,
    env_int,
    env_positive,
    zalo_missing,
)
from knowledge.shared.settings import load_settings as load_knowledge_settings

WEBHOOK_PATH = "/zalo/webhook"


@dataclass(frozen=True)
class Settings:
    oa_id: str
    app_id: str
    app_secret: str  # the app's secret key: token refresh
    oa_secret_key: str  # the OA's secret key: webhook signatures
    refresh_token: str  # seeds the database; Zalo rotates it at every refresh
    rasa_url: str
    access_token: str = ""  # optional; refreshed before first use (its expiry is unknown)
    listen_host: str = "127.0.0.1"
    port: int = ZALO_DEFAULT_PORT
    api_base_url: str = zalo.OPENAPI_BASE
    oauth_base_url: str = zalo.OAUTH_BASE
    rasa_timeout_s: float = 15.0
    # Events older than this are refused as stale; it covers Zalo's own retries.
    max_event_age_s: float = zalo.RETRY_SPAN_S
    # Requests to Zalo for one message, and the base of the exponential pause between them.
    max_tries: int = 4
    retry_backoff_s: float = 1.0
    request_timeout_s: float = 10.0
    database_url: str | None = None  # None: the knowledge base's configured database


def load_settings(environ: Mapping[str, str]) -> Settings:
    missing = zalo_missing(environ)
    if missing:
        raise SettingError(f"the Zalo channel needs {', '.join(missing)}")
    rasa_url = environ.get("RASA_URL") or f"http://127.0.0.1:{environ.get('RASA_PORT', '5005')}"
    return Settings(
        oa_id=environ["ZALO_OA_ID"].strip(),
        app_id=environ["ZALO_APP_ID"].strip(),
        app_secret=environ["ZALO_APP_SECRET"].strip(),
        oa_secret_key=environ["ZALO_OA_SECRET_KEY"].strip(),
        refresh_token=environ["ZALO_REFRESH_TOKEN"].strip(),
        access_token=environ.get("ZALO_ACCESS_TOKEN", "").strip(),
        rasa_url=rasa_url.rstrip("/"),
        listen_host=environ.get("BIND_HOST", "127.0.0.1"),
        port=env_int(environ, "ZALO_PORT", ZALO_DEFAULT_PORT, minimum=1, maximum=65535),
        max_event_age_s=env_positive(environ, "ZALO_MAX_EVENT_AGE_S", zalo.RETRY_SPAN_S),
        database_url=load_knowledge_settings(environ).database_url,
    )
