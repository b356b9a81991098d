"""The one settings module: defaults, .env below the environment, one line for a wrong value."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.shared.settings import (
    DEFAULTS,
    REPO_ROOT,
    Rate,
    SettingError,
    configure,
    load_settings,
    read_env_file,
)

ENGINE_PYTHON = REPO_ROOT / ".venv" / "engine" / "bin" / "python"


def test_settings_without_any_variable_are_the_documented_defaults() -> None:
    settings = load_settings({})
    assert (settings.rasa_port, settings.actions_port, settings.web_port) == (5005, 5055, 8000)
    assert settings.var_dir == REPO_ROOT / "var"
    assert settings.database_url == f"sqlite:///{REPO_ROOT / 'var' / 'knowledge.db'}"
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.rasa_public_url == "http://localhost:5005"
    assert settings.message_rate_limit == Rate(30, 60.0)
    assert settings.dossier_lookup_limit == Rate(10, 600.0)
    assert settings.demo_dossiers and settings.telegram_mode == "polling"


def test_settings_derive_urls_and_paths_from_what_is_set() -> None:
    settings = load_settings({"RASA_PORT": "6005", "VAR_DIR": "data/run", "DOSSIER_API_URL": "x"})
    assert settings.rasa_url == "http://127.0.0.1:6005"
    assert settings.var_dir == REPO_ROOT / "data" / "run"  # relative to the checkout
    assert settings.database_url.endswith("data/run/knowledge.db")
    # A provincial API replaces the demo dossiers even when seeding is on.
    assert not settings.demo_dossiers


def test_settings_read_a_bare_count_per_the_default_window() -> None:
    settings = load_settings({"DOSSIER_LOOKUP_LIMIT": "4", "TELEGRAM_SEND_RATE": "20"})
    assert settings.dossier_lookup_limit == Rate(4, 600.0)
    assert settings.telegram_send_rate == Rate(20, 1.0)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WEB_PORT", "80000"),
        ("RASA_PORT", "http"),
        ("ACTION_TIMEOUT_S", "-1"),
        ("MAX_MESSAGE_CHARS", "0"),
        ("MESSAGE_RATE_LIMIT", "30/minute"),
        ("SEED_DEMO_DOSSIERS", "yes"),
        ("TELEGRAM_MODE", "push"),
        ("REMINDER_HOUR", "24"),
    ],
)
def test_settings_refuse_a_wrong_value_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingError, match=name):
        load_settings({name: value})


def test_settings_blank_values_count_as_unset() -> None:
    assert load_settings({"WEB_PORT": " ", "SEED_DEMO_DOSSIERS": ""}) == load_settings({})


def test_settings_env_file_fills_what_the_environment_leaves_unset(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# comment\n"
        "export RASA_PORT=6005\n"
        'TELEGRAM_BOT_TOKEN="abc:def"\n'
        "TELEGRAM_MODE=polling   # or webhook\n"
        "WEB_PORT=9000\n"
        "DOSSIER_API_TOKEN=a$b\n",
        encoding="utf-8",
    )
    environ = {"WEB_PORT": "8100"}
    settings = configure(environ, env_file)
    assert (settings.rasa_port, settings.web_port) == (6005, 8100)  # the environment wins
    assert settings.telegram_bot_token == "abc:def"
    assert settings.dossier_api_token == "a$b"  # taken literally
    # Libraries reading the environment themselves (Rasa's endpoints.yml) see the same values.
    assert environ["RASA_PORT"] == "6005"
    assert environ["RASA_TRACKER_DB"] == str(REPO_ROOT / "var" / "tracker.db")


def test_settings_wrong_value_in_env_file_stops_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("MAX_MESSAGE_CHARS=many\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        configure({}, env_file)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "MAX_MESSAGE_CHARS" in err and "'many'" in err


def test_settings_env_file_is_read_with_its_quotes_and_comments(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("A='x y'\n\nB=1 # note\nBROKEN\n", encoding="utf-8")
    assert read_env_file(env_file) == {"A": "x y", "B": "1"}
    assert read_env_file(tmp_path / "missing.env") == {}


ENTRY_POINTS = [
    pytest.param([sys.executable, "-m", "knowledge", "stats"], id="cli"),
    pytest.param([sys.executable, "-m", "bot.launcher"], id="launcher"),
    pytest.param([sys.executable, "-m", "bot.web"], id="web"),
    pytest.param([sys.executable, "-m", "bot.telegram"], id="telegram"),
    pytest.param([sys.executable, "-m", "bot.actions_server"], id="actions"),
    pytest.param(
        [str(ENGINE_PYTHON), "-m", "bot.rasa_server", "run"],
        id="rasa",
        marks=pytest.mark.skipif(not ENGINE_PYTHON.exists(), reason="no engine environment"),
    ),
]


@pytest.mark.parametrize("argv", ENTRY_POINTS)
def test_settings_wrong_value_stops_every_entry_point_with_one_line(argv: list[str]) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "WEB_PORT": "eighty"}
    # As the Makefile runs them: without TensorFlow's and SQLAlchemy 1.4's notices at import.
    env |= {"TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    env["TELEGRAM_BOT_TOKEN"] = "1:x"  # the Telegram bot would otherwise stop for want of it
    done = subprocess.run(
        argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "configuration error: WEB_PORT must be a whole number, not 'eighty'"
    ]


def _readme_defaults() -> dict[str, str]:
    """Variable -> default cell of README's configuration table."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([A-Z0-9_]+)` \| ([^|]*) \|", section, flags=re.MULTILINE)
    return {name: cell.strip().strip("`") for name, cell in rows}


def test_settings_defaults_are_the_ones_readme_and_env_example_show() -> None:
    documented = _readme_defaults()
    example = (REPO_ROOT / ".env.example").read_text(encoding="utf-8")
    for name, default in DEFAULTS.items():
        assert documented.get(name) == default, name
        assert re.search(rf"^#? ?{name}=", example, flags=re.MULTILINE), name
