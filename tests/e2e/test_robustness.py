"""Odd input and a failing action server, through the real Rasa server.

Replies are checked for behaviour (there is one, it is Vietnamese, no stack trace, no 5xx), not
for the wording of other capabilities. What Rasa did with a message is read from its SQLite
tracker store, the record of what it processed.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import socket
import sqlite3
import threading
import time
import urllib.request
import uuid
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.guard import BUSY_NOTE, EMPTY_NOTE
from bot.launcher import Stack, build_services, prepare_database, resolve_settings
from tests.e2e.conftest import READY_TIMEOUT_S, RunningStack, _free_port

Replies = list[dict[str, Any]]

VIETNAMESE_LETTERS = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
MENU_REQUEST = "bạn làm được gì"  # answered by a custom action (action_capabilities)


def _sender() -> str:
    return f"e2e-robust-{uuid.uuid4().hex[:8]}"


def _texts(replies: Replies) -> str:
    return "\n".join(str(reply.get("text") or "") for reply in replies)


def _buttons(replies: Replies) -> list[dict[str, str]]:
    return [button for reply in replies for button in reply.get("buttons") or []]


def assert_polite_vietnamese(replies: Replies) -> None:
    text = _texts(replies)
    assert text.strip(), f"no text in {replies!r}"
    assert VIETNAMESE_LETTERS & set(text.lower()), text
    for leak in ("Traceback", "Exception", "Error"):
        assert leak not in text


def post_raw(stack: RunningStack, body: dict[str, Any]) -> Replies:
    """POST a body that RunningStack.say cannot build; a 5xx raises HTTPError."""
    request = urllib.request.Request(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def stored_events(stack: RunningStack, sender: str) -> list[dict[str, Any]]:
    """The events Rasa's SQL tracker store holds for a sender, oldest first."""
    uri = Path(stack.settings["RASA_TRACKER_DB"]).as_uri() + "?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
    return [json.loads(data) for (data,) in rows]


def user_events(stack: RunningStack, sender: str) -> list[dict[str, Any]]:
    return [event for event in stored_events(stack, sender) if event["event"] == "user"]


@pytest.mark.parametrize("message", ["", "   \n\t  ", "\x00\x07\u200b"])
def test_an_empty_message_gets_a_note_and_is_not_processed(
    stack: RunningStack, message: str
) -> None:
    sender = _sender()
    assert_polite_vietnamese(stack.say(sender, message))
    assert user_events(stack, sender) == []


@pytest.mark.parametrize("body", [{"message": 12345}, {"message": None}, {}])
def test_a_message_that_is_not_text_gets_a_note_not_a_server_error(
    stack: RunningStack, body: dict[str, Any]
) -> None:
    sender = _sender()
    assert_polite_vietnamese(post_raw(stack, {"sender": sender, **body}))
    assert user_events(stack, sender) == []


def test_a_20000_character_message_is_answered_at_once_without_processing(
    stack: RunningStack,
) -> None:
    sender = _sender()
    started = time.monotonic()
    replies = stack.say(sender, "hồ sơ của tôi " * 1429)
    assert time.monotonic() - started < 5
    assert_polite_vietnamese(replies)
    assert user_events(stack, sender) == []


@pytest.mark.parametrize("message", ["😀🙏👍", "<script>alert(1)</script>", "'; DROP TABLE x; --"])
def test_emoji_markup_and_sql_are_plain_text_answered_politely(
    stack: RunningStack, message: str
) -> None:
    sender = _sender()
    assert_polite_vietnamese(stack.say(sender, message))
    (user,) = user_events(stack, sender)
    assert user["text"] == message


def test_control_characters_are_stripped_before_rasa_reads_the_text(stack: RunningStack) -> None:
    sender = _sender()
    assert_polite_vietnamese(stack.say(sender, "xin\x00 chào\x1b\u202e"))
    (user,) = user_events(stack, sender)
    assert user["text"] == "xin chào"


def test_a_typed_restart_does_not_restart_the_conversation(stack: RunningStack) -> None:
    sender = _sender()
    stack.say(sender, MENU_REQUEST)
    assert_polite_vietnamese(stack.say(sender, "/restart"))
    events = stored_events(stack, sender)
    assert not [event for event in events if event["event"] == "restart"]
    assert [event["text"] for event in events if event["event"] == "user"] == [
        MENU_REQUEST,
        "restart",
    ]


def test_a_typed_intent_with_entities_sets_neither(stack: RunningStack) -> None:
    sender = _sender()
    assert_polite_vietnamese(stack.say(sender, '/ask_dossier_status{"dossier_code":"X"}'))
    events = stored_events(stack, sender)
    (user,) = [event for event in events if event["event"] == "user"]
    assert not user["text"].startswith("/")
    assert "X" not in [entity["value"] for entity in user["parse_data"]["entities"]]
    slots = [(event["name"], event["value"]) for event in events if event["event"] == "slot"]
    assert ("dossier_code", "X") not in slots


def test_a_menu_button_still_works(stack: RunningStack) -> None:
    sender = _sender()
    buttons = _buttons(stack.say(sender, MENU_REQUEST))
    assert buttons
    payload = buttons[0]["payload"]
    assert_polite_vietnamese(stack.say(sender, payload))
    assert user_events(stack, sender)[-1]["text"] == payload


def test_an_offered_command_button_goes_through_but_not_once_answered(stack: RunningStack) -> None:
    """Menu → "Kế hoạch CCHC" question; when the bot asks which plan, its buttons are commands."""
    sender = _sender()
    menu = [b["payload"] for b in _buttons(stack.say(sender, MENU_REQUEST))]
    plan_questions = [payload for payload in menu if "chủ trì" in payload]
    if not plan_questions:
        pytest.skip("the menu no longer asks who leads a plan task")
    replies = stack.say(sender, plan_questions[0])
    commands = [b["payload"] for b in _buttons(replies) if b["payload"].startswith("/")]
    if not commands:
        pytest.skip("the plan question was answered without asking which plan")
    intent = commands[0][1:].split("{", 1)[0]
    assert_polite_vietnamese(stack.say(sender, commands[0]))
    stack.say(sender, commands[0])  # the same button again, no longer offered
    pressed, again = user_events(stack, sender)[-2:]
    assert pressed["parse_data"]["intent"] == {"name": intent, "confidence": 1.0}
    assert again["text"] == commands[0][1:]


class SocketIOPolling:
    """The web widget's transport: socket.io over Engine.IO 4 long polling (bot/web widget.js)."""

    def __init__(self, rasa_url: str) -> None:
        self.url = f"{rasa_url}/socket.io/?EIO=4&transport=polling"
        (opening,) = self._receive()
        self.url += "&sid=" + json.loads(opening[1:])["sid"]
        self.pending: deque[str] = deque()
        self._send("40")  # join the default namespace

    def _receive(self) -> list[str]:
        with urllib.request.urlopen(self.url, timeout=30) as response:
            return response.read().decode().split("\x1e")

    def _send(self, packet: str) -> None:
        request = urllib.request.Request(self.url, data=packet.encode(), method="POST")
        urllib.request.urlopen(request, timeout=10).close()

    def emit(self, event: str, data: dict[str, Any]) -> None:
        self._send("42" + json.dumps([event, data]))

    def wait_for(self, event: str, timeout_s: float = 30) -> Any:
        """The data of the next ``event`` the server emits; other packets are skipped."""
        deadline = time.monotonic() + timeout_s
        while True:
            if not self.pending:
                # Each long poll returns at least every ping interval (25 s by default).
                assert time.monotonic() < deadline, f"no {event!r} within {timeout_s:.0f} s"
                self.pending.extend(self._receive())
            packet = self.pending.popleft()
            if packet == "2":
                self._send("3")  # pong, or the server drops the session
            elif packet.startswith("42"):
                name, *args = json.loads(packet[2:])
                if name == event:
                    return args[0] if args else None


def test_the_web_widgets_socketio_channel_screens_messages_too(stack: RunningStack) -> None:
    session_id = _sender()
    widget = SocketIOPolling(stack.rasa_url)
    widget.emit("session_request", {"session_id": session_id})
    assert widget.wait_for("session_confirm") == session_id
    widget.emit("user_uttered", {"message": " \x00 ", "session_id": session_id})
    assert widget.wait_for("bot_uttered")["text"] == EMPTY_NOTE
    widget.emit("user_uttered", {"message": "/restart", "session_id": session_id})
    assert_polite_vietnamese([widget.wait_for("bot_uttered")])
    # Rasa saves the tracker just after its last reply.
    deadline = time.monotonic() + 10
    while not user_events(stack, session_id) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [event["text"] for event in user_events(stack, session_id)] == ["restart"]


# --- A private Rasa whose action server is down, hung, then back -----------------------------

ACTION_TIMEOUT_S = 5.0


class MalformedActionReply(http.server.BaseHTTPRequestHandler):
    # Metadata must be an object: a reply Rasa could apply, but one its schema rejects.
    UNCHECKED = "Câu trả lời chưa qua kiểm tra"
    BODY = json.dumps(
        {
            "events": [{"event": "slot", "name": "requested_slot", "value": None, "metadata": "x"}],
            "responses": [{"text": UNCHECKED}],
        }
    ).encode()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.BODY)))
        self.end_headers()
        self.wfile.write(self.BODY)

    def log_message(self, *_args: object) -> None:
        pass


class Outage:
    """Rasa started alone; the action server's port refuses, hangs, answers nonsense or
    serves on demand."""

    def __init__(self, settings: dict[str, str]) -> None:
        self.settings = settings
        self.running = RunningStack(settings)
        services = {s.name: s for s in build_services(settings, with_web=False)}
        self.rasa = Stack(settings, [services["rasa"]], quiet=True)
        self.actions = Stack(settings, [services["actions"]], quiet=True)
        self.serving = False

    def refuse(self) -> None:
        if self.serving:
            self.actions.stop()
            self.serving = False

    @contextlib.contextmanager
    def hang(self) -> Iterator[None]:
        """A port that accepts connections (the kernel does) and never answers."""
        self.refuse()
        with socket.socket() as listener:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", int(self.settings["ACTIONS_PORT"])))
            listener.listen(16)
            yield

    @contextlib.contextmanager
    def answer_malformed(self) -> Iterator[None]:
        """A server that answers every action call 200 with events Rasa must reject."""
        self.refuse()
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", int(self.settings["ACTIONS_PORT"])), MalformedActionReply
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield
        finally:
            server.shutdown()
            server.server_close()
            thread.join()

    def serve(self) -> None:
        if not self.serving:
            self.actions.start()
            self.serving = True
            self.actions.wait_ready(READY_TIMEOUT_S)


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outage]:
    actions_port = str(_free_port())
    overrides = {
        "VAR_DIR": str(tmp_path_factory.mktemp("outage")),
        "RASA_PORT": str(_free_port()),
        "ACTIONS_PORT": actions_port,
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
        "ACTION_TIMEOUT_S": str(ACTION_TIMEOUT_S),
    }
    environ = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    settings = resolve_settings({**environ, **overrides})
    prepare_database(settings)
    faulty = Outage(settings)
    faulty.rasa.start()
    try:
        faulty.rasa.wait_ready(READY_TIMEOUT_S)
        yield faulty
    finally:
        faulty.refuse()
        faulty.rasa.stop()


def timed_say(outage: Outage, sender: str, text: str) -> tuple[Replies, float]:
    started = time.monotonic()
    replies = outage.running.say(sender, text)
    return replies, time.monotonic() - started


def test_a_refused_action_server_gets_the_busy_note_at_once(outage: Outage) -> None:
    outage.refuse()
    replies, elapsed = timed_say(outage, _sender(), MENU_REQUEST)
    assert _texts(replies) == BUSY_NOTE
    assert elapsed < ACTION_TIMEOUT_S  # no waiting for a timeout when the port refuses


def test_a_hung_action_server_gets_the_busy_note_after_the_timeout(outage: Outage) -> None:
    with outage.hang():
        replies, elapsed = timed_say(outage, _sender(), MENU_REQUEST)
    assert _texts(replies) == BUSY_NOTE
    assert ACTION_TIMEOUT_S - 0.5 < elapsed < ACTION_TIMEOUT_S + 5


def test_a_malformed_action_reply_is_rejected_and_the_user_gets_the_busy_note(
    outage: Outage,
) -> None:
    sender = _sender()
    with outage.answer_malformed():
        replies = outage.running.say(sender, MENU_REQUEST)
    assert _texts(replies) == BUSY_NOTE
    assert MalformedActionReply.UNCHECKED not in _texts(replies)


def test_the_conversation_goes_on_once_the_action_server_is_back(outage: Outage) -> None:
    sender = _sender()
    outage.refuse()
    assert _texts(outage.running.say(sender, MENU_REQUEST)) == BUSY_NOTE
    outage.serve()
    replies = outage.running.say(sender, MENU_REQUEST)
    assert _buttons(replies)
    assert BUSY_NOTE not in _texts(replies)
    assert_polite_vietnamese(replies)
