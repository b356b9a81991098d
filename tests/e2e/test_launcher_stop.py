"""`make run`'s launcher stops every service it started on Ctrl-C (SIGINT) or SIGTERM, and
leaves nothing running: the real launcher, the real services, on ports of their own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.launcher import ROOT
from tests.e2e.conftest import READY_TIMEOUT_S, _free_port

STOP_TIMEOUT_S = 40  # the launcher's grace for its services, plus Rasa's shutdown


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid``."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_the_launcher_stops_every_service_and_leaves_nothing_running(
    tmp_path: Path, stop_signal: signal.Signals
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env |= {
        "VAR_DIR": str(tmp_path),
        "RASA_PORT": str(_free_port()),
        "ACTIONS_PORT": str(_free_port()),
        "WEB_PORT": str(_free_port()),
        "PYTHONPATH": str(ROOT),
    }
    output = (tmp_path / "launcher.out").open("w+b")
    launcher = subprocess.Popen(
        [sys.executable, "-m", "bot.launcher"],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    services: set[int] = set()
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while b"[launcher] ready in" not in (tmp_path / "launcher.out").read_bytes():
            assert launcher.poll() is None, "the launcher exited before it was ready"
            assert time.monotonic() < deadline, "the launcher was not ready in time"
            time.sleep(0.5)
        services = descendants(launcher.pid)
        assert len(services) >= 3  # actions, Rasa, web page

        launcher.send_signal(stop_signal)
        assert launcher.wait(timeout=STOP_TIMEOUT_S) == 0
        assert b"[launcher] stopped" in (tmp_path / "launcher.out").read_bytes()
        assert [pid for pid in services if alive(pid)] == []
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()
        for pid in services | descendants(launcher.pid):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
