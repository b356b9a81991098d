"""The launcher's configuration: defaults, .env and environment precedence, optional services."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from bot.launcher import Service, Stack, build_services, resolve_settings
from knowledge.shared.settings import read_env_file


def test_env_file_ignores_comments_and_strips_quotes(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text('# comment\nRASA_PORT=6005\nTELEGRAM_BOT_TOKEN="abc:def"\n\nBROKEN\n')
    assert read_env_file(env) == {"RASA_PORT": "6005", "TELEGRAM_BOT_TOKEN": "abc:def"}


def test_defaults_use_embedded_sqlite_under_var() -> None:
    settings = resolve_settings({}, None)
    assert settings["RASA_PORT"] == "5005"
    assert settings["DATABASE_URL"].startswith("sqlite:///")
    assert settings["DATABASE_URL"].endswith("var/knowledge.db")
    assert settings["RASA_TRACKER_DB"].endswith("var/tracker.db")
    assert settings["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:5055/webhook"


def test_environment_overrides_defaults() -> None:
    settings = resolve_settings({"ACTIONS_PORT": "7055", "DATABASE_URL": "postgresql://x/y"}, None)
    assert settings["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:7055/webhook"
    assert settings["DATABASE_URL"] == "postgresql://x/y"


def test_telegram_starts_only_with_a_token() -> None:
    without = [s.name for s in build_services(resolve_settings({}, None))]
    with_token = [
        s.name for s in build_services(resolve_settings({"TELEGRAM_BOT_TOKEN": "1:x"}, None))
    ]
    assert without == ["actions", "rasa", "web"]
    assert with_token == ["actions", "rasa", "web", "telegram"]


def test_rasa_api_is_enabled_only_behind_a_token() -> None:
    (rasa,) = [s for s in build_services(resolve_settings({}, None)) if s.name == "rasa"]
    assert "--enable-api" not in rasa.argv
    settings = resolve_settings({"RASA_API_TOKEN": "s3cret"}, None)
    (rasa,) = [s for s in build_services(settings) if s.name == "rasa"]
    assert rasa.argv[rasa.argv.index("--auth-token") + 1] == "s3cret"


def test_rasa_starts_through_our_guarded_entry_point() -> None:
    (rasa,) = [s for s in build_services(resolve_settings({}, None)) if s.name == "rasa"]
    assert rasa.argv[1:4] == ["-m", "bot.rasa_server", "run"]
    assert rasa.argv[0].endswith(".venv/engine/bin/python")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_wait_ready_returns_once_every_health_url_answers(tmp_path: Path) -> None:
    port = _free_port()
    server = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    stack = Stack(
        {"VAR_DIR": str(tmp_path)},
        [Service("web", server, f"http://127.0.0.1:{port}/")],
        quiet=True,
    )
    stack.start()
    try:
        stack.wait_ready(20)
        assert stack.not_ready() is None
    finally:
        stack.stop()


def test_wait_ready_reports_a_service_that_exits_instead_of_waiting_out_the_time(
    tmp_path: Path,
) -> None:
    crash = [sys.executable, "-c", "raise SystemExit(3)"]
    url = f"http://127.0.0.1:{_free_port()}/"
    stack = Stack({"VAR_DIR": str(tmp_path)}, [Service("actions", crash, url)], quiet=True)
    stack.start()
    try:
        with pytest.raises(RuntimeError, match="actions exited with code 3"):
            stack.wait_ready(20)
    finally:
        stack.stop()
