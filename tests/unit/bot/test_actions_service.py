"""How the launcher starts the action server: through our entry point, on BIND_HOST only."""

from __future__ import annotations

from bot.launcher import build_services, resolve_settings


def _actions(environ: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    (actions,) = [s for s in build_services(resolve_settings(environ, None)) if s.name == "actions"]
    return actions.argv, actions.env


def test_the_action_server_starts_through_the_log_masking_entry_point() -> None:
    argv, _ = _actions({})
    assert argv[0].endswith(".venv/app/bin/python")
    assert argv[1:5] == ["-m", "bot.actions_server", "--actions", "actions"]


def test_the_action_server_listens_on_the_bind_host_not_every_interface() -> None:
    assert _actions({})[1] == {"SANIC_HOST": "127.0.0.1"}
    assert _actions({"BIND_HOST": "10.0.0.11"})[1] == {"SANIC_HOST": "10.0.0.11"}
