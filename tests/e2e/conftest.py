"""One real stack (action server + Rasa + web page) per test session, on free ports."""

from __future__ import annotations

import json
import os
import socket
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.launcher import ROOT, Stack, build_services, prepare_database, resolve_settings

READY_TIMEOUT_S = float(os.environ.get("E2E_READY_TIMEOUT_S", "240"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningStack:
    settings: dict[str, str]

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.settings['RASA_PORT']}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.settings['WEB_PORT']}"

    def say(self, sender: str, text: str) -> list[dict[str, object]]:
        """Send one message through Rasa's REST channel and return the bot's replies."""
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    if not any((ROOT / "models").glob("*.tar.gz")):
        pytest.fail("No trained model in models/: run `make train` (make test does it).")
    var_dir: Path = tmp_path_factory.mktemp("var")
    overrides = {
        "VAR_DIR": str(var_dir),
        "RASA_PORT": str(_free_port()),
        "ACTIONS_PORT": str(_free_port()),
        "WEB_PORT": str(_free_port()),
        # The web server's dossier-update watcher, quick enough for a test to see it work.
        "NOTIFY_POLL_S": "0.5",
    }
    # Channels to real platforms stay off; tests run them against fakes.
    environ = {
        k: v
        for k, v in os.environ.items()
        if k != "TELEGRAM_BOT_TOKEN" and not k.startswith("ZALO_")
    }
    settings = resolve_settings({**environ, **overrides})
    prepare_database(settings)
    running = Stack(settings, build_services(settings), quiet=True)
    running.start()
    try:
        running.wait_ready(READY_TIMEOUT_S)
        yield RunningStack(settings)
    finally:
        running.stop()
