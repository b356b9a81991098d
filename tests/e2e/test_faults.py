"""Faults on one private stack (action server + Rasa, SQLite under a temporary VAR_DIR): Rasa
restarted mid-form, the whole stack killed right after a tracking code was shown, the database
locked while a complaint is confirmed, a sender flooding the channel. Runs after the session
stack's tests and beside them, on ports of its own.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url

from bot.guard import EMPTY_NOTE, TOO_FAST_NOTE
from bot.launcher import Stack, build_services, prepare_database, resolve_settings
from knowledge.feedback import STATUSES, FeedbackService
from knowledge.shared.db import make_engine
from tests.e2e.conftest import READY_TIMEOUT_S, RunningStack, _free_port
from tests.e2e.test_feedback import CODE, COMPLAINT, _buttons, _fill_until_summary, _texts
from tests.e2e.test_robustness import user_events

# Low enough to reach in a test, high enough for a whole complaint (about 10 messages).
RATE_LIMIT = 12
PHONE = "0912345678"  # what _fill_until_summary types, as "0912 345 678"
NAME = "Nguyễn Văn An"  # the name it gives


class PrivateStack:
    """The action server and Rasa as two stacks, so that Rasa can be restarted alone."""

    def __init__(self, settings: dict[str, str]) -> None:
        self.settings = settings
        self.running = RunningStack(settings)
        services = {s.name: s for s in build_services(settings, with_web=False)}
        self.actions = Stack(settings, [services["actions"]], quiet=True)
        self.rasa = Stack(settings, [services["rasa"]], quiet=True)

    def start(self) -> None:
        for part in (self.actions, self.rasa):
            part.start()
        for part in (self.actions, self.rasa):
            part.wait_ready(READY_TIMEOUT_S)

    def restart_rasa(self) -> None:
        self.rasa.stop()
        self.rasa.start()
        self.rasa.wait_ready(READY_TIMEOUT_S)

    def kill(self) -> None:
        """``kill -9`` of every process of the stack: no shutdown code runs anywhere."""
        for part in (self.actions, self.rasa):
            for process in part.processes.values():
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def stop(self) -> None:
        for part in (self.rasa, self.actions):
            part.stop()

    def logs(self) -> list[Path]:
        return sorted((Path(self.settings["VAR_DIR"]) / "logs").glob("*.log"))

    def feedback(self) -> FeedbackService:
        return FeedbackService(make_engine(self.settings["DATABASE_URL"]))


@pytest.fixture(scope="module")
def private(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateStack]:
    actions_port = str(_free_port())
    overrides = {
        "VAR_DIR": str(tmp_path_factory.mktemp("faults")),
        "RASA_PORT": str(_free_port()),
        "ACTIONS_PORT": actions_port,
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
        "MESSAGE_RATE_LIMIT": f"{RATE_LIMIT}/60",
    }
    environ = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    settings = resolve_settings({**environ, **overrides})
    prepare_database(settings)
    stack = PrivateStack(settings)
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


def _sender() -> str:
    return f"e2e-fault-{uuid.uuid4().hex[:8]}"


def test_the_form_goes_on_where_it_was_after_rasa_restarts(private: PrivateStack) -> None:
    say, sender = private.running.say, _sender()
    categories = _buttons(say(sender, "tôi muốn gửi phản ánh"))
    assert "nội dung phản ánh" in _texts(say(sender, categories["Giải quyết chậm trễ"]))
    notice = say(sender, COMPLAINT)
    assert "họ và tên" in _texts(say(sender, _buttons(notice)["Đồng ý"]))
    private.restart_rasa()
    assert "số điện thoại" in _texts(say(sender, "tên tôi là Nguyễn Văn An"))
    skip = _buttons(say(sender, "0912 345 678"))
    summary = _texts(say(sender, skip["Bỏ qua"]))
    assert COMPLAINT in summary and "Nguyễn Văn An" in summary and "0912***678" in summary


def test_a_code_shown_survives_a_kill_9_of_the_whole_stack(private: PrivateStack) -> None:
    say, sender = private.running.say, _sender()
    summary = _fill_until_summary(private.running, sender, COMPLAINT)
    found = CODE.search(_texts(say(sender, _buttons(summary)["Gửi"])))
    assert found
    private.kill()
    private.start()
    stored = private.feedback().status(found.group(0))
    assert stored is not None and stored.category_label == "Giải quyết chậm trễ"
    answer = _texts(say(sender, f"kiểm tra phản ánh {found.group(0)}"))
    assert found.group(0) in answer and STATUSES["new"] in answer


@contextlib.contextmanager
def database_locked(database_url: str) -> Iterator[None]:
    """An exclusive write lock on the SQLite file, as a long migration or a stuck writer holds."""
    path = make_url(database_url).database
    assert path, database_url
    db = sqlite3.connect(path, isolation_level=None, timeout=1)
    try:
        db.execute("BEGIN EXCLUSIVE")
        yield
        db.execute("ROLLBACK")
    finally:
        db.close()


def _confirm_while_locked(private: PrivateStack, sender: str, content: str) -> str:
    confirm = _buttons(_fill_until_summary(private.running, sender, content))["Gửi"]
    started = time.monotonic()
    with database_locked(private.settings["DATABASE_URL"]):
        refused = _texts(private.running.say(sender, confirm))
    # SQLite's busy timeout (5 s by default) bounds the wait, well within the action timeout.
    assert time.monotonic() - started < 15
    return refused


def _stored_contents(private: PrivateStack) -> list[str]:
    return [item.content for item in private.feedback().inbox(status=None, limit=200)]


def test_a_complaint_confirmed_while_the_database_is_locked_gets_no_code(
    private: PrivateStack,
) -> None:
    content = f"{COMPLAINT} (lần {uuid.uuid4().hex[:6]})"
    refused = _confirm_while_locked(private, _sender(), content)
    assert "chưa lưu được phản ánh" in refused and "PAKN-" not in refused
    assert content not in _stored_contents(private)


def test_confirming_again_once_the_database_is_back_stores_it(private: PrivateStack) -> None:
    sender, content = _sender(), f"{COMPLAINT} (lần {uuid.uuid4().hex[:6]})"
    _confirm_while_locked(private, sender, content)
    done = _texts(private.running.say(sender, "gửi"))
    found = CODE.search(done)
    assert found, done
    assert [i.content for i in private.feedback().inbox(None, 200) if i.code == found[0]] == [
        content
    ]


def test_a_sender_over_the_rate_limit_is_told_to_wait_and_not_processed(
    private: PrivateStack,
) -> None:
    say, sender = private.running.say, _sender()
    for _ in range(RATE_LIMIT):
        assert _texts(say(sender, " ")) == EMPTY_NOTE  # counted, answered without Rasa's NLU
    over = _texts(say(sender, "xin chào"))
    assert over.startswith(TOO_FAST_NOTE.split("{")[0])
    assert user_events(private.running, sender) == []
    assert not _texts(say(_sender(), "xin chào")).startswith(over[:20])  # others are served


def test_logs_hold_no_phone_number_in_clear_and_no_name(private: PrivateStack) -> None:
    logs = {p.name: p.read_text("utf-8", "replace") for p in private.logs()}
    assert "phone 0912***678" in logs["actions.log"]  # the worker's INFO records are written
    assert all(PHONE not in text for text in logs.values())
    assert all(NAME not in text for text in logs.values())
