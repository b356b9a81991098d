"""The durable inbox on a real SQLite database: duplicates, claims, replays, replies once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import Engine

from knowledge.inbox import Inbox, InboxItem, InboxWorker, Sweeper, Turn, handle
from knowledge.inbox.store import DEFAULT_LEASE, RETRY_AFTER
from knowledge.shared.db import make_engine
from tests.fakes import FakeClock

CHANNEL = "test-channel"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 12, 4, 9, 0, tzinfo=UTC))


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'inbox.db'}"


@pytest.fixture
def inbox(database: str, clock: FakeClock) -> Inbox:
    return Inbox(make_engine(database), clock=clock, max_attempts=3)


def restarted(database: str, clock: FakeClock) -> Inbox:
    """The inbox as a new process sees it: nothing shared but the database."""
    return Inbox(make_engine(database), clock=clock, max_attempts=3)


def counted(name: str, channel: str = CHANNEL) -> float:
    return REGISTRY.get_sample_value(f"assistant_inbox_{name}_total", {"channel": channel}) or 0.0


class Chat:
    """What the citizen receives, and a handler that answers each message with two replies,
    asking its 'assistant' once per update for them."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.asked: list[str] = []
        self.fail_after_sends: int | None = None  # raise once this many replies were sent

    async def send(self, text: str) -> str:
        if self.fail_after_sends is not None and len(self.received) + 1 >= self.fail_after_sends:
            self.fail_after_sends = None
            raise ConnectionError("network down")
        self.received.append(text)
        return text

    async def handler(self, turn: Turn, item: InboxItem) -> None:
        async def ask() -> list[str]:
            self.asked.append(item.payload["text"])
            return [f"Dạ, về '{item.payload['text']}':", "Anh/chị cần gì thêm ạ?"]

        for reply in await turn.remember("answer", ask):
            await turn.reply_once(lambda reply=reply: self.send(reply))


async def test_a_second_delivery_of_an_update_is_refused_and_counted(inbox: Inbox) -> None:
    accepted, duplicates = counted("accepted"), counted("duplicates")
    assert inbox.accept(CHANNEL, 1, "chat-1", {"text": "xin chào"}) is True
    assert inbox.accept(CHANNEL, 1, "chat-1", {"text": "xin chào"}) is False
    # The same id on another channel is another update.
    assert inbox.accept("other-channel", 1, "chat-1", {"text": "xin chào"}) is True
    assert counted("accepted") - accepted == 1
    assert counted("duplicates") - duplicates == 1
    item = inbox.get(CHANNEL, "1")
    assert item is not None and item.payload == {"text": "xin chào"} and item.state == "pending"


async def test_an_update_is_handled_once_and_a_duplicate_is_not_handled_again(
    inbox: Inbox,
) -> None:
    chat = Chat()
    worker = InboxWorker(inbox, CHANNEL, chat.handler)
    assert await worker.receive(7, "chat-1", {"text": "hồ sơ"}) is True
    assert await worker.receive(7, "chat-1", {"text": "hồ sơ"}) is False
    await worker.stop()
    assert chat.received == ["Dạ, về 'hồ sơ':", "Anh/chị cần gì thêm ạ?"]
    assert inbox.get(CHANNEL, 7).state == "done"  # type: ignore[union-attr]
    assert await handle(inbox, CHANNEL, 7, chat.handler) is False


async def test_a_claimed_update_is_not_handed_to_a_second_worker_until_its_lease_ends(
    inbox: Inbox, clock: FakeClock
) -> None:
    inbox.accept(CHANNEL, 1, "chat-1", {"text": "a"})
    first = inbox.claim(CHANNEL, 1)
    assert first is not None
    assert inbox.claim(CHANNEL, 1) is None
    assert inbox.due(CHANNEL) == []
    # A worker that hung: its update is handed out again once the lease ran out.
    clock.advance(seconds=DEFAULT_LEASE.total_seconds() + 1)
    assert [item.update_id for item in inbox.due(CHANNEL)] == ["1"]
    second = inbox.claim(CHANNEL, 1)
    assert second is not None and second.item.attempts == 2
    # The hung worker wakes up: it no longer holds the update and cannot finish it.
    inbox.complete(first)
    assert inbox.get(CHANNEL, 1).state == "in_progress"  # type: ignore[union-attr]
    inbox.complete(second)
    assert inbox.get(CHANNEL, 1).state == "done"  # type: ignore[union-attr]


async def test_after_a_restart_unhandled_updates_are_replayed_oldest_first(
    database: str, inbox: Inbox, clock: FakeClock
) -> None:
    for update_id in (1, 2, 3):
        inbox.accept(CHANNEL, update_id, "chat-1", {"text": str(update_id)})
    inbox.complete(inbox.claim(CHANNEL, 1))  # type: ignore[arg-type]
    inbox.claim(CHANNEL, 2)  # the process dies while handling update 2
    replayed = counted("replayed")
    after = restarted(database, clock)
    assert [item.update_id for item in after.recover(CHANNEL)] == ["2", "3"]
    assert counted("replayed") - replayed == 2
    assert after.claim(CHANNEL, 2) is not None  # no wait for the dead process's lease


async def test_a_replay_sends_only_the_replies_not_sent_and_asks_once(
    database: str, inbox: Inbox, clock: FakeClock
) -> None:
    chat = Chat()
    inbox.accept(CHANNEL, 1, "chat-1", {"text": "lệ phí"})
    claim = inbox.claim(CHANNEL, 1)
    turn = Turn(inbox, claim)
    # The process dies after the first reply reached the citizen.
    answer = await turn.remember("answer", lambda: asyncio.sleep(0, ["một", "hai"]))
    await turn.reply_once(lambda: chat.send(answer[0]))

    after = restarted(database, clock)
    (item,) = after.recover(CHANNEL)
    assert await handle(after, CHANNEL, item.update_id, chat.handler)
    assert chat.received == ["một", "hai"]
    assert chat.asked == []  # the remembered answer was used, not asked again
    assert after.get(CHANNEL, 1).state == "done"  # type: ignore[union-attr]


async def test_a_failed_handler_is_retried_later_without_repeating_what_it_sent(
    inbox: Inbox, clock: FakeClock
) -> None:
    chat = Chat()
    chat.fail_after_sends = 2  # the second reply's send fails
    inbox.accept(CHANNEL, 1, "chat-1", {"text": "phản ánh"})
    sent: list[InboxItem] = []

    async def submit(item: InboxItem) -> None:
        sent.append(item)
        await handle(inbox, CHANNEL, item.update_id, chat.handler)

    sweeper = Sweeper(inbox, CHANNEL, submit, clock=clock)
    await sweeper.sweep()
    assert inbox.get(CHANNEL, 1).state == "pending"  # type: ignore[union-attr]
    await sweeper.sweep()  # too early: the retry waits
    assert len(sent) == 1
    clock.advance(seconds=RETRY_AFTER.total_seconds())
    await sweeper.sweep()
    assert inbox.get(CHANNEL, 1).state == "done"  # type: ignore[union-attr]
    # The failed reply is sent again; the one that reached the citizen is not.
    assert chat.received == ["Dạ, về 'phản ánh':", "Anh/chị cần gì thêm ạ?"]
    assert chat.asked == ["phản ánh"]


async def test_an_update_failing_every_attempt_is_given_up_and_kept_for_an_operator(
    inbox: Inbox, clock: FakeClock
) -> None:
    async def broken(_turn: Turn, _item: InboxItem) -> None:
        raise ValueError("cannot read it")

    inbox.accept(CHANNEL, 1, "chat-1", {"text": "?"})
    for _attempt in range(3):
        assert await handle(inbox, CHANNEL, 1, broken)
        clock.advance(hours=1)
    assert inbox.get(CHANNEL, 1).state == "failed"  # type: ignore[union-attr]
    assert inbox.due(CHANNEL) == []
    assert inbox.recover(CHANNEL) == []


async def test_a_crash_between_sending_and_recording_sends_that_reply_again(
    database: str, inbox: Inbox, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At least once, not exactly once: the platform got the reply, the record did not."""
    chat = Chat()
    inbox.accept(CHANNEL, 1, "chat-1", {"text": "a"})
    turn = Turn(inbox, inbox.claim(CHANNEL, 1))

    def crash(*_args: object) -> None:
        raise RuntimeError("the process dies here")

    monkeypatch.setattr(inbox, "record_sent", crash)
    with pytest.raises(RuntimeError):
        await turn.reply_once(lambda: chat.send("Dạ, em đã nhận."))
    after = restarted(database, clock)
    after.recover(CHANNEL)
    replay = Turn(after, after.claim(CHANNEL, 1))
    await replay.reply_once(lambda: chat.send("Dạ, em đã nhận."))
    assert chat.received == ["Dạ, em đã nhận.", "Dạ, em đã nhận."]


async def test_old_handled_updates_are_deleted_and_unhandled_ones_kept(
    inbox: Inbox, clock: FakeClock
) -> None:
    inbox.accept(CHANNEL, 1, "chat-1", {"text": "cũ"})
    claim = inbox.claim(CHANNEL, 1)
    assert claim is not None
    await Turn(inbox, claim).reply_once(lambda: asyncio.sleep(0))
    inbox.complete(claim)
    inbox.accept(CHANNEL, 2, "chat-1", {"text": "chưa xử lý"})
    clock.advance(days=3)
    assert inbox.purge(clock() - timedelta(days=2)) == 1
    assert inbox.get(CHANNEL, 1) is None
    assert inbox.get(CHANNEL, 2) is not None


def test_an_id_longer_than_the_column_is_refused(inbox: Inbox) -> None:
    with pytest.raises(ValueError, match="1 to 128"):
        inbox.accept(CHANNEL, "x" * 129, "chat-1", {})


async def test_the_inbox_works_alike_on_postgresql(
    postgres_engine: Engine, clock: FakeClock
) -> None:
    inbox = Inbox(postgres_engine, clock=clock)
    chat = Chat()
    assert inbox.accept(CHANNEL, "evt-1", "user-9", {"text": "xin chào"}) is True
    assert inbox.accept(CHANNEL, "evt-1", "user-9", {"text": "xin chào"}) is False
    claim = inbox.claim(CHANNEL, "evt-1")
    assert claim is not None and inbox.claim(CHANNEL, "evt-1") is None
    await Turn(inbox, claim).reply_once(lambda: chat.send("một"))
    after = Inbox(postgres_engine, clock=clock)  # a restart
    (item,) = after.recover(CHANNEL)
    assert await handle(after, CHANNEL, item.update_id, chat.handler)
    assert chat.received == ["một", "Anh/chị cần gì thêm ạ?"]
    assert after.get(CHANNEL, "evt-1").state == "done"  # type: ignore[union-attr]


async def test_a_long_handler_keeps_its_update_and_is_not_run_a_second_time(
    database: str,
) -> None:
    """A document read can outlast the lease: the worker renews its claim while it runs."""
    inbox = Inbox(make_engine(database), lease=timedelta(seconds=0.3))
    inbox.accept(CHANNEL, 1, "chat-1", {"text": "kế hoạch.pdf"})
    taken_meanwhile: list[object] = []

    async def long_read(_turn: Turn, _item: InboxItem) -> None:
        for _ in range(5):
            await asyncio.sleep(0.2)
            taken_meanwhile.append(await asyncio.to_thread(inbox.claim, CHANNEL, 1))

    assert await handle(inbox, CHANNEL, 1, long_read)
    assert taken_meanwhile == [None] * 5
    assert inbox.get(CHANNEL, 1).state == "done"  # type: ignore[union-attr]
