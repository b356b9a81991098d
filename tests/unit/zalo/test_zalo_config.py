"""The Zalo channel's settings and when the launcher starts it."""

from __future__ import annotations

import pytest

from bot.launcher import build_services, resolve_settings
from bot.zalo.config import load_settings
from knowledge.shared.settings import ZALO_REQUIRED, SettingError

CONFIGURED = {
    "ZALO_OA_ID": "567",
    "ZALO_APP_ID": "123",
    "ZALO_APP_SECRET": "app-secret",
    "ZALO_OA_SECRET_KEY": "oa-secret",
    "ZALO_REFRESH_TOKEN": "refresh",
}


def test_zalo_settings_come_from_the_environment() -> None:
    settings = load_settings({**CONFIGURED, "ZALO_PORT": "9070", "RASA_PORT": "6005"})
    assert (settings.oa_id, settings.app_id, settings.port) == ("567", "123", 9070)
    assert settings.rasa_url == "http://127.0.0.1:6005"
    assert settings.access_token == ""


@pytest.mark.parametrize("missing", ZALO_REQUIRED)
def test_zalo_settings_name_the_missing_variable(missing: str) -> None:
    with pytest.raises(SettingError, match=missing):
        load_settings({k: v for k, v in CONFIGURED.items() if k != missing})


def test_zalo_wrong_port_stops_the_start() -> None:
    with pytest.raises(SettingError, match="ZALO_PORT"):
        load_settings({**CONFIGURED, "ZALO_PORT": "http"})


def test_zalo_starts_with_make_run_only_when_configured() -> None:
    def names(environ: dict[str, str]) -> list[str]:
        return [s.name for s in build_services(resolve_settings(environ, None))]

    assert names({}) == ["actions", "rasa", "web"]
    partial = {k: v for k, v in CONFIGURED.items() if k != "ZALO_OA_SECRET_KEY"}
    assert names(partial) == ["actions", "rasa", "web"]
    services = build_services(resolve_settings({**CONFIGURED, "ZALO_PORT": "9070"}, None))
    (zalo,) = [s for s in services if s.name == "zalo"]
    assert zalo.argv[1:] == ["-m", "bot.zalo"]
    assert zalo.health_url == "http://127.0.0.1:9070/healthz"
