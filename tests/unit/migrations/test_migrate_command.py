"""`python -m knowledge migrate`, and the build and the launcher going through it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bot import launcher
from knowledge import migrations
from knowledge.cli import main
from knowledge.shared.db import make_engine


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_migrate_command_upgrades_and_check_says_whether_it_is_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)

    code, out, _ = run(capsys, "migrate", "--check")
    assert code == 1  # a new database is behind
    assert f"mới nhất là {migrations.head()}" in out
    assert migrations.current(make_engine(url)) is None  # --check changes nothing

    code, out, _ = run(capsys, "migrate")
    assert code == 0
    assert f"→ {migrations.head()}" in out

    code, out, _ = run(capsys, "migrate", "--check", "--json")
    assert code == 0
    state = json.loads(out)
    assert state["after"] == state["head"] == migrations.head()
    assert state["differences"] == []


def test_build_migrates_the_database_before_filling_the_knowledge_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert run(capsys, "build", "--json")[0] == 0
    engine = make_engine(url)
    assert migrations.current(engine) == migrations.head()
    assert migrations.differences(engine) == []


def test_launcher_migrates_before_it_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[list[str]] = []

    def record(command: list[str], **_: Any) -> subprocess.CompletedProcess[bytes]:
        ran.append(command)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(launcher.subprocess, "run", record)
    settings = {"APP_VENV": str(tmp_path), "VAR_DIR": str(tmp_path), "SEED_DEMO_DOSSIERS": "0"}
    launcher.prepare_database(settings)
    assert [command[1:] for command in ran] == [
        ["-m", "knowledge", "migrate"],
        ["-m", "knowledge", "build"],
        ["-m", "knowledge", "officials", "check"],  # how to make the first admin, if none
    ]
