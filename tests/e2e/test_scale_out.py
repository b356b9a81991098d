"""Scale-out (endpoints.scale.yml): two Rasa instances over one PostgreSQL tracker store and one
Redis lock store, sharing one action server, with the knowledge base in PostgreSQL too.

A conversation hops from instance to instance message by message, as behind a load balancer
without sticky sessions, and must go on as if one server held it; two messages of one sender
reaching both instances at once must be handled one after the other, in the order they came.

Needs a PostgreSQL server that lets the user create databases (RASA_TRACKER_PG_HOST, _PORT,
_USER, _PASSWORD; localhost, 5432, postgres and none by default) and a Redis server (REDIS_HOST,
REDIS_PORT, REDIS_PASSWORD; localhost, 6379, none), and is skipped when either is unreachable.
It works in a database of its own, dropped at the end, and in Redis database E2E_REDIS_DB (15).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import socket
import time
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pytest
from sqlalchemy import URL, Engine, create_engine, select, text
from sqlalchemy.exc import DBAPIError

from bot.launcher import ROOT, Stack, build_services, prepare_database, resolve_settings
from knowledge.feedback import CATEGORIES, Feedback
from tests.e2e.conftest import READY_TIMEOUT_S, RunningStack, _free_port

CODE = re.compile(r"PAKN-\d{4}-[2-9A-HJKMNP-TV-Z]{8}")  # random, nothing to count from
COMPLAINT = "Hồ sơ cấp sổ đỏ nộp ở phường Lam Sơn đã quá hạn 10 ngày mà chưa có kết quả"
# Rasa's RedisLockStore key of a conversation's lock (rasa/core/lock_store.py).
LOCK_KEY = "lock:{sender}"
# How long the test itself holds a conversation's lock while both instances queue behind it.
HOLD_S = 4.0

Replies = list[dict[str, object]]


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    password: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> PostgresServer:
        return cls(
            host=environ.get("RASA_TRACKER_PG_HOST", "localhost"),
            port=int(environ.get("RASA_TRACKER_PG_PORT", "5432")),
            user=environ.get("RASA_TRACKER_PG_USER", "postgres"),
            password=environ.get("RASA_TRACKER_PG_PASSWORD", ""),
        )

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of ``database`` through psycopg 3, as DATABASE_URL takes it."""
        return URL.create(
            "postgresql+psycopg",
            username=self.user,
            password=self.password or None,
            host=self.host,
            port=self.port,
            database=database,
        ).render_as_string(hide_password=False)


class RedisError(RuntimeError):
    pass


@dataclass(frozen=True)
class RedisDatabase:
    """Just enough of the Redis protocol (RESP) to look at Rasa's locks: no client library in
    the app environment, and the test needs three commands."""

    host: str
    port: int
    db: int
    password: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> RedisDatabase:
        return cls(
            host=environ.get("REDIS_HOST", "localhost"),
            port=int(environ.get("REDIS_PORT", "6379")),
            db=int(environ.get("E2E_REDIS_DB", "15")),
            password=environ.get("REDIS_PASSWORD", ""),
        )

    def command(self, *args: str) -> object:
        setup = [("AUTH", self.password)] if self.password else []
        with (
            socket.create_connection((self.host, self.port), timeout=5) as sock,
            sock.makefile("rwb") as stream,
        ):
            replies = [
                _round_trip(stream, words) for words in [*setup, ("SELECT", str(self.db)), args]
            ]
        return replies[-1]


def _round_trip(stream: BinaryIO, words: tuple[str, ...]) -> object:
    stream.write(_resp_command(words))
    stream.flush()
    return _read_reply(stream)


def _resp_command(words: tuple[str, ...]) -> bytes:
    encoded = [word.encode() for word in words]
    parts = [b"*%d\r\n" % len(encoded)]
    parts += [b"$%d\r\n%s\r\n" % (len(word), word) for word in encoded]
    return b"".join(parts)


def _read_reply(stream: BinaryIO) -> object:
    line = stream.readline()
    kind, rest = line[:1], line[1:].rstrip(b"\r\n")
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        raise RedisError(rest.decode())
    if kind == b":":
        return int(rest)
    if kind == b"$":
        length = int(rest)
        return None if length < 0 else stream.read(length + 2)[:-2].decode()
    if kind == b"*":
        return [_read_reply(stream) for _ in range(int(rest))]
    raise RedisError(f"unexpected reply {line!r}")


@dataclass
class Cluster:
    a: RunningStack
    b: RunningStack
    engine: Engine  # the test's own database: knowledge base, feedback and Rasa's events
    redis: RedisDatabase


def _skip_unless_reachable(admin: Engine, redis: RedisDatabase) -> None:
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as error:
        pytest.skip(f"PostgreSQL not reachable at {admin.url.host}:{admin.url.port}: {error.orig}")
    try:
        redis.command("PING")
    except (OSError, RedisError) as error:
        pytest.skip(f"Redis not reachable at {redis.host}:{redis.port}: {error}")


def _settings(
    var_dir: Path, pg: PostgresServer, database: str, redis: RedisDatabase
) -> dict[str, str]:
    """The settings of the first instance and of the action server, all through the environment."""
    actions_port = str(_free_port())
    environ = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    return resolve_settings(
        {
            **environ,
            "VAR_DIR": str(var_dir),
            "RASA_PORT": str(_free_port()),
            "ACTIONS_PORT": actions_port,
            "RASA_ENDPOINTS": "endpoints.scale.yml",
            "DATABASE_URL": pg.url(database),
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
            "RASA_TRACKER_PG_HOST": pg.host,
            "RASA_TRACKER_PG_PORT": str(pg.port),
            "RASA_TRACKER_PG_DB": database,
            "RASA_TRACKER_PG_USER": pg.user,
            "RASA_TRACKER_PG_PASSWORD": pg.password,
            "REDIS_HOST": redis.host,
            "REDIS_PORT": str(redis.port),
            "REDIS_DB": str(redis.db),
            "REDIS_PASSWORD": redis.password,
        }
    )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not any((ROOT / "models").glob("*.tar.gz")):
        pytest.fail("No trained model in models/: run `make train` (make test does it).")
    pg = PostgresServer.from_env(os.environ)
    redis = RedisDatabase.from_env(os.environ)
    admin = create_engine(pg.url("postgres"), isolation_level="AUTOCOMMIT")
    _skip_unless_reachable(admin, redis)
    database = f"e2e_scale_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    engine = create_engine(pg.url(database))
    settings_a = _settings(tmp_path_factory.mktemp("var"), pg, database, redis)
    settings_b = {**settings_a, "RASA_PORT": str(_free_port())}
    # B is a second Rasa only: its own port and log file, A's action server.
    rasa_b = [
        dataclasses.replace(service, name="rasa-b")
        for service in build_services(settings_b, with_web=False)
        if service.name == "rasa"
    ]
    stacks = [
        Stack(settings_a, build_services(settings_a, with_web=False), quiet=True),
        Stack(settings_b, rasa_b, quiet=True),
    ]
    try:
        prepare_database(settings_a)
        # Both at once: Rasa copes with two processes creating its events table together.
        for stack in stacks:
            stack.start()
        for stack in stacks:
            stack.wait_ready(READY_TIMEOUT_S)
        yield Cluster(RunningStack(settings_a), RunningStack(settings_b), engine, redis)
    finally:
        for stack in stacks:
            stack.stop()
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def _sender(purpose: str) -> str:
    return f"e2e-scale-{purpose}-{uuid.uuid4().hex[:8]}"


def _texts(replies: Replies) -> list[str]:
    return [str(reply.get("text", "")) for reply in replies]


def _buttons(replies: Replies) -> dict[str, str]:
    return {b["title"]: b["payload"] for r in replies for b in r.get("buttons", [])}  # type: ignore[union-attr]


def _turns(engine: Engine, sender: str) -> list[tuple[str, list[str]]]:
    """Each user message in Rasa's stored events, with the bot's messages that followed it."""
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT type_name, data FROM events WHERE sender_id = :sender ORDER BY id"),
            {"sender": sender},
        ).all()
    turns: list[tuple[str, list[str]]] = []
    for type_name, data in rows:
        event = json.loads(data)
        if type_name == "user":
            turns.append((event["text"], []))
        elif type_name == "bot" and turns:
            turns[-1][1].append(event.get("text") or "")
    return turns


def test_a_complaint_filed_across_both_instances_is_stored_once(cluster: Cluster) -> None:
    sender = _sender("form")
    sent: list[tuple[str, Replies]] = []

    def say(stack: RunningStack, message: str) -> Replies:
        replies = stack.say(sender, message)
        sent.append((message, replies))
        return replies

    a, b = cluster.a, cluster.b
    categories = _buttons(say(a, "tôi muốn gửi phản ánh"))
    assert list(categories) == list(CATEGORIES.values())
    # B accepts a button only A offered: it reads the offer from the shared tracker store.
    assert "nội dung phản ánh" in " ".join(_texts(say(b, categories["Giải quyết chậm trễ"])))
    notice = say(a, COMPLAINT)
    assert "họ và tên" in " ".join(_texts(say(b, _buttons(notice)["Đồng ý"])))
    assert "số điện thoại" in " ".join(_texts(say(b, "tên tôi là Nguyễn Văn An")))
    assert "10 chữ số" in " ".join(_texts(say(a, "0912 345 67")))
    skip = _buttons(say(b, "0912 345 678"))
    summary = say(a, skip["Bỏ qua"])
    assert "0912***678" in " ".join(_texts(summary))
    done = " ".join(_texts(say(b, _buttons(summary)["Gửi"])))
    found = CODE.search(done)
    assert found, done

    with cluster.engine.connect() as connection:
        stored = connection.execute(select(Feedback).where(Feedback.sender_id == sender)).all()
    assert [(row.code, row.category, row.content) for row in stored] == [
        (found.group(0), "cham_tre", COMPLAINT)
    ]
    assert (stored[0].citizen_name, stored[0].phone, stored[0].dossier_code) == (
        "Nguyễn Văn An",
        "0912345678",
        None,
    )
    # Every message once, in the order sent, each with exactly the answer its instance gave.
    assert _turns(cluster.engine, sender) == [
        (message, _texts(replies)) for message, replies in sent
    ]


def _lock_tickets(redis: RedisDatabase, sender: str) -> list[int]:
    raw = redis.command("GET", LOCK_KEY.format(sender=sender))
    if raw is None:
        return []
    return [json.loads(ticket)["number"] for ticket in json.loads(str(raw))["tickets"]]


def _wait_for_tickets(redis: RedisDatabase, sender: str, expected: list[int]) -> None:
    deadline = time.monotonic() + HOLD_S / 2
    while (tickets := _lock_tickets(redis, sender)) != expected:
        assert time.monotonic() < deadline, f"lock tickets {tickets}, expected {expected}"
        time.sleep(0.02)


def _say_timed(stack: RunningStack, sender: str, message: str) -> tuple[Replies, float]:
    replies = stack.say(sender, message)
    return replies, time.time()


def test_messages_reaching_both_instances_at_once_are_handled_in_turn(cluster: Cluster) -> None:
    sender = _sender("lock")
    first, second = "tôi muốn gửi phản ánh", "giải quyết chậm trễ"
    # The test takes the conversation's lock first, as a third instance busy with an earlier
    # message would (ticket 0, in Rasa's TicketLock format), so both messages below surely
    # meet in the queue: A's must get ticket 1 and B's ticket 2, in one Redis lock.
    released_at = time.time() + HOLD_S
    ticket = json.dumps({"number": 0, "expires": released_at})
    lock = json.dumps({"conversation_id": sender, "tickets": [ticket]})
    # Rasa rewrites the key without an expiry; this one only outlives a failed test briefly.
    cluster.redis.command("SET", LOCK_KEY.format(sender=sender), lock, "EX", "60")
    with ThreadPoolExecutor(max_workers=2) as pool:
        at_a: Future[tuple[Replies, float]] = pool.submit(_say_timed, cluster.a, sender, first)
        _wait_for_tickets(cluster.redis, sender, [0, 1])
        at_b = pool.submit(_say_timed, cluster.b, sender, second)
        _wait_for_tickets(cluster.redis, sender, [0, 1, 2])
        assert not at_a.done() and not at_b.done()
        (replies_a, done_a), (replies_b, done_b) = at_a.result(), at_b.result()

    assert released_at <= done_a < done_b
    assert list(_buttons(replies_a)) == list(CATEGORIES.values())
    # The second message answered the question the first one asked: it was handled after it.
    assert "nội dung phản ánh" in " ".join(_texts(replies_b))
    assert _turns(cluster.engine, sender) == [
        (first, _texts(replies_a)),
        (second, _texts(replies_b)),
    ]
    # Released by the last one served.
    assert _lock_tickets(cluster.redis, sender) == []
