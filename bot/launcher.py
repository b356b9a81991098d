"""Start the whole assistant as one unit: action server, Rasa, web page, Telegram bot, Zalo.

Used by `make run` (``python -m bot.launcher``) and by the end-to-end tests, so both start the
stack the same way; its settings are knowledge/shared/settings.py's. Every child runs in its own
process group; stopping the launcher (Ctrl-C, SIGTERM) stops them all and leaves nothing running.
"""

from __future__ import annotations

import contextlib
import math
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.shared.settings import (
    ENV_FILE,
    REPO_ROOT,
    ZALO_DEFAULT_PORT,
    configure,
    load_settings,
    zalo_configured,
)
from knowledge.shared.settings import resolve_settings as resolve_environment

ROOT = REPO_ROOT


# Personal data past its retention is erased once a day (knowledge/privacy/).
RETENTION_EVERY_S = 24 * 3600


@dataclass(frozen=True)
class Service:
    name: str
    argv: list[str]
    health_url: str
    env: dict[str, str] = field(default_factory=dict)


def build_services(settings: Mapping[str, str], *, with_web: bool = True) -> list[Service]:
    engine_bin = Path(settings["ENGINE_VENV"]) / "bin"
    app_python = str(Path(settings["APP_VENV"]) / "bin" / "python")
    host = settings["BIND_HOST"]
    # Rasa's CLI behind our patches: action timeout, polite answer when an action fails.
    rasa_argv = [
        str(engine_bin / "python"),
        "-m",
        "bot.rasa_server",
        "run",
        "--model",
        settings["RASA_MODEL_DIR"],
        "--endpoints",
        settings["RASA_ENDPOINTS"],
        "--credentials",
        settings["RASA_CREDENTIALS"],
        "--interface",
        host,
        "--port",
        settings["RASA_PORT"],
        "--cors",
        "*",
    ]
    if settings.get("RASA_API_TOKEN"):
        rasa_argv += ["--enable-api", "--auth-token", settings["RASA_API_TOKEN"]]
    services = [
        Service(
            "actions",
            [
                app_python,
                "-m",
                "bot.actions_server",
                "--actions",
                "actions",
                "--port",
                settings["ACTIONS_PORT"],
            ],
            f"http://127.0.0.1:{settings['ACTIONS_PORT']}/health",
            # rasa-sdk listens on every interface unless told; only Rasa needs to reach it.
            env={"SANIC_HOST": host},
        ),
        Service(
            "rasa",
            rasa_argv,
            f"http://127.0.0.1:{settings['RASA_PORT']}/",
        ),
    ]
    if with_web:
        services.append(
            Service(
                "web",
                [app_python, "-m", "bot.web"],
                f"http://127.0.0.1:{settings['WEB_PORT']}/healthz",
            )
        )
    if settings.get("TELEGRAM_BOT_TOKEN"):
        services.append(Service("telegram", [app_python, "-m", "bot.telegram"], ""))
    if zalo_configured(settings):
        port = settings.get("ZALO_PORT") or ZALO_DEFAULT_PORT
        services.append(
            Service("zalo", [app_python, "-m", "bot.zalo"], f"http://127.0.0.1:{port}/healthz")
        )
    return services


def prepare_database(settings: Mapping[str, str]) -> None:
    """Migrate the database to the newest schema (keeping every row), build the knowledge base
    (idempotent, ~2 s), seed demo dossiers when configured, and say how to make the officials'
    first admin account while there is none."""
    app_python = str(Path(settings["APP_VENV"]) / "bin" / "python")
    env = {**os.environ, **settings, "PYTHONPATH": str(ROOT)}
    Path(settings["VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    commands = [
        [app_python, "-m", "knowledge", "migrate"],
        [app_python, "-m", "knowledge", "build"],
    ]
    if load_settings(settings).demo_dossiers:
        commands.append([app_python, "-m", "knowledge", "seed-demo"])
    commands.append([app_python, "-m", "knowledge", "officials", "check"])
    for command in commands:
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdin=subprocess.DEVNULL)


class Stack:
    """A running set of services whose output is relayed with a "[name]" prefix."""

    def __init__(
        self, settings: Mapping[str, str], services: list[Service], *, quiet: bool = False
    ):
        self.settings = dict(settings)
        self.services = services
        self.quiet = quiet
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self) -> None:
        Path(self.settings["VAR_DIR"]).mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.settings, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        for service in self.services:
            process = subprocess.Popen(
                service.argv,
                cwd=ROOT,
                env={**env, **service.env},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            self.processes[service.name] = process
            threading.Thread(target=self._relay, args=(service.name, process), daemon=True).start()

    def _relay(self, name: str, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        log_path = Path(self.settings["VAR_DIR"]) / "logs" / f"{name}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as log:
            for line in process.stdout:
                log.write(line)
                log.flush()
                if not self.quiet:
                    sys.stdout.write(f"[{name:8}] {line.decode('utf-8', 'replace')}")
                    sys.stdout.flush()

    def not_ready(self) -> Service | None:
        """The first service whose health URL does not answer yet; None when all are ready."""
        return next((s for s in self.services if s.health_url and not _answers(s.health_url)), None)

    def wait_ready(self, timeout_s: float) -> None:
        """Block until every service answers its health URL; raise if one exits or time runs out."""
        deadline = time.monotonic() + timeout_s
        while (waiting := self.not_ready()) is not None:
            failure = self.first_failure()
            if failure is not None:
                raise RuntimeError(f"{failure[0]} exited with code {failure[1]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{waiting.name} not ready after {timeout_s:.0f} s")
            time.sleep(0.5)

    def first_failure(self) -> tuple[str, int] | None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                return name, process.returncode
        return None

    def stop(self, grace_s: float = 10.0) -> None:
        for process in self.processes.values():
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()


class PeriodicCommand:
    """Runs a command at the first ``tick`` and then every ``every_s`` seconds, in the
    background, never two at once."""

    def __init__(self, argv: list[str], env: Mapping[str, str], every_s: float) -> None:
        self.argv = argv
        self.env = dict(env)
        self.every_s = every_s
        self._due = -math.inf
        self._process: subprocess.Popen[bytes] | None = None

    def tick(self, now: float) -> None:
        if now < self._due or (self._process is not None and self._process.poll() is None):
            return
        self._due = now + self.every_s
        self._process = subprocess.Popen(
            self.argv, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, start_new_session=True
        )

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            _signal_group(self._process, signal.SIGTERM)
            self._process.wait()


def resolve_settings(
    environ: Mapping[str, str], env_file: Path | None = ENV_FILE
) -> dict[str, str]:
    """The environment of the stack started here (knowledge.shared.settings), with the token
    Rasa and the action server share: a new one at each start unless ACTION_SERVER_TOKEN is set
    (it must be, to run them apart)."""
    settings = resolve_environment(environ, env_file)
    if not settings.get("ACTION_SERVER_TOKEN", "").strip():
        settings["ACTION_SERVER_TOKEN"] = secrets.token_urlsafe(32)
    return settings


def retention_job(settings: Mapping[str, str]) -> PeriodicCommand:
    """``python -m knowledge retention run``, daily."""
    app_python = str(Path(settings["APP_VENV"]) / "bin" / "python")
    env = {**os.environ, **settings, "PYTHONPATH": str(ROOT)}
    argv = [app_python, "-m", "knowledge", "retention", "run"]
    return PeriodicCommand(argv, env, RETENTION_EVERY_S)


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 200 <= response.status < 500
    except (urllib.error.URLError, OSError):
        return False


def main() -> int:
    configure()  # .env and the defaults join the environment; a wrong value stops here
    settings = resolve_settings(os.environ, None)
    stack = Stack(settings, build_services(settings))
    stop_signals: list[int] = []
    try:
        prepare_database(settings)
    except subprocess.CalledProcessError as error:
        print(f"[launcher] preparing the database failed: {error}", flush=True)
        return 1

    def request_stop(signum: int, _frame: object) -> None:
        # Only a list append: a handler runs inside whatever the main thread was doing, and
        # threading.Event.set() here could wait forever on the lock Event.wait() holds, leaving
        # the services running after the launcher is killed.
        stop_signals.append(signum)

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    stack.start()
    retention = retention_job(settings)
    names = ", ".join(service.name for service in stack.services)
    print(f"[launcher] starting {names}; Ctrl-C stops everything", flush=True)
    started = time.monotonic()
    ready_announced = False
    exit_code = 0
    while True:
        time.sleep(0.5)  # a signal cuts it short
        if stop_signals:
            break
        retention.tick(time.monotonic())
        failure = stack.first_failure()
        if failure:
            print(f"[launcher] {failure[0]} exited with code {failure[1]}; stopping", flush=True)
            exit_code = 1
            break
        if not ready_announced and stack.not_ready() is None:
            ready_announced = True
            print(
                f"[launcher] ready in {time.monotonic() - started:.1f} s: "
                f"Rasa http://localhost:{settings['RASA_PORT']}, "
                f"web http://localhost:{settings['WEB_PORT']}",
                flush=True,
            )
    retention.stop()
    stack.stop()
    print("[launcher] stopped", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
