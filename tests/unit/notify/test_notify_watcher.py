"""The watcher: one message per status change, none repeated or lost across a restart, the
subscription ended by a blocked chat or a finished dossier."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, update

from knowledge.dossiers.models import Dossier
from knowledge.dossiers.store import SqlDossierStore
from knowledge.notify.models import DossierSubscription
from knowledge.notify.service import (
    BLOCKED,
    FINISHED,
    MAX_PER_CHAT,
    SubscriptionStore,
    TooManySubscriptions,
)
from knowledge.notify.watcher import DEFAULT_LEASE, Sent, Watcher
from knowledge.shared.db import session_scope
from tests.fakes import FakeClock
from tests.unit.notify.conftest import RecordingSender

AddDossier = Callable[..., Dossier]
CODE = "H31.31.01-260115-0001"
CHAT = "telegram:4242"
NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def open_dossier(add_dossier: AddDossier) -> Dossier:
    return add_dossier(status="processing", due_on=date(2026, 12, 10))


def watcher(engine: Engine, sender: RecordingSender, clock: FakeClock) -> Watcher:
    """A watcher as a (re)started process makes it: nothing shared with an earlier one but
    the database."""
    store = SqlDossierStore(engine, today=lambda: date(2026, 12, 4))
    return Watcher(SubscriptionStore(engine), store, sender, poll_s=1, clock=clock)


def subscribe(
    engine: Engine, clock: FakeClock, chat: str = CHAT, status: str = "processing"
) -> None:
    assert SubscriptionStore(engine).subscribe(chat, CODE, status, clock())


def set_status(engine: Engine, status: str, finished_on: date | None = None) -> None:
    with session_scope(engine) as session:
        session.execute(
            update(Dossier)
            .where(Dossier.code == CODE)
            .values(status=status, finished_on=finished_on)
        )


def subscription(engine: Engine, chat: str = CHAT) -> DossierSubscription:
    with session_scope(engine) as session:
        row = session.query(DossierSubscription).filter_by(chat=chat).one()
        session.expunge(row)
        return row


async def test_notify_nothing_is_sent_until_the_status_changes(
    engine: Engine, open_dossier: Dossier, clock: FakeClock
) -> None:
    subscribe(engine, clock)
    sender = RecordingSender()
    assert await watcher(engine, sender, clock).poll_once() == 0
    assert sender.delivered == []


async def test_notify_a_change_is_sent_once_with_the_new_status_and_next_step(
    engine: Engine, open_dossier: Dossier, clock: FakeClock
) -> None:
    subscribe(engine, clock)
    sender = RecordingSender()
    running = watcher(engine, sender, clock)
    set_status(engine, "supplement_required")
    assert await running.poll_once() == 1
    assert await running.poll_once() == 0
    (sent,) = sender.delivered
    assert sent.chat == CHAT
    assert f"hồ sơ {CODE} (Đăng ký khai sinh) vừa có cập nhật" in sent.text
    assert "Tình trạng mới: Cần bổ sung hồ sơ" in sent.text
    assert "tạm dừng" in sent.text and "Phiếu yêu cầu bổ sung" in sent.text
    assert [(b.title, b.payload) for b in sent.buttons] == [
        ("Hủy nhận thông báo", f"Hủy nhận thông báo hồ sơ {CODE}")
    ]


async def test_notify_a_restarted_watcher_does_not_repeat_a_sent_change(
    engine: Engine, open_dossier: Dossier, clock: FakeClock
) -> None:
    subscribe(engine, clock)
    set_status(engine, "supplement_required")
    first, second = RecordingSender(), RecordingSender()
    assert await watcher(engine, first, clock).poll_once() == 1
    clock.advance(minutes=10)
    assert await watcher(engine, second, clock).poll_once() == 0
    assert second.attempts == 0


async def test_notify_a_change_made_while_the_watcher_was_down_is_sent_at_restart(
    engine: Engine, open_dossier: Dossier, clock: FakeClock
) -> None:
    subscribe(engine, clock)
    assert await watcher(engine, RecordingSender(), clock).poll_once() == 0
    set_status(engine, "supplement_required")  # nobody watching
    set_status(engine, "processing")
    set_status(engine, "result_ready", date(2026, 12, 4))
    restarted = RecordingSender()
    assert await watcher(engine, restarted, clock).poll_once() == 1
    assert "Tình trạng mới: Đã có kết quả, chờ trả" in restarted.delivered[0].text


async def test_notify_a_claim_left_by_a_killed_watcher_is_sent_once_after_its_lease(
    engine: Engine, open_dossier: Dossier, clock: FakeClock
) -> None:
    subscribe(engine, clock)
    set_status(engine, "supplement_required")
    store = SubscriptionStore(engine)
    (claimable,) = store.claimable("telegram", clock(), DEFAULT_LEASE)
    # Killed right after claiming: nothing was sent, the claim stays.
    assert store.claim(claimable, "supplement_required", clock(), DEFAULT_LEASE)
    sender = RecordingSender()
    assert await watcher(engine, sender, clock).poll_once() == 0  # another watcher's claim
    clock.advance(seconds=DEFAULT_LEASE.total_seconds() + 1)
    assert await watcher(engine, sender, clock).poll_once() == 1
    assert await watcher(engine, sender, clock).poll_once() == 0
    assert len(sender.delivered) == 1


async def test_notify_a_failed_send_is_tried_again_next_round_and_sent_once(
    engine: Engine, open_dossier: Dossier, clock: FakeClock
) -> None:
    subscribe(engine, clock)
    set_status(engine, "supplement_required")
    sender = RecordingSender(results=[Sent.FAILED])
    running = watcher(engine, sender, clock)
    assert await running.poll_once() == 0
    assert await running.poll_once() == 1
    assert await running.poll_once() == 0
    assert sender.attempts == 2 and len(sender.delivered) == 1


async def test_notify_a_chat_that_blocked_the_bot_loses_its_subscription(
    engine: Engine, open_dossier: Dossier, clock: FakeClock
) -> None:
    subscribe(engine, clock)
    set_status(engine, "supplement_required")
    sender = RecordingSender(results=[Sent.BLOCKED])
    running = watcher(engine, sender, clock)
    assert await running.poll_once() == 0
    set_status(engine, "processing")
    assert await running.poll_once() == 0
    assert sender.attempts == 1
    row = subscription(engine)
    assert row.end_reason == BLOCKED and row.ended_at is not None
    assert SubscriptionStore(engine).active(CHAT) == []


async def test_notify_a_finished_dossier_is_announced_and_ends_the_subscription(
    engine: Engine, open_dossier: Dossier, clock: FakeClock
) -> None:
    subscribe(engine, clock)
    set_status(engine, "returned", date(2026, 12, 4))
    sender = RecordingSender()
    running = watcher(engine, sender, clock)
    assert await running.poll_once() == 1
    (sent,) = sender.delivered
    assert "Tình trạng mới: Đã trả kết quả" in sent.text
    assert "dừng gửi thông báo về hồ sơ này" in sent.text and sent.buttons == ()
    assert subscription(engine).end_reason == FINISHED
    assert await running.poll_once() == 0


async def test_notify_each_subscribed_chat_gets_its_own_message(
    engine: Engine, open_dossier: Dossier, clock: FakeClock
) -> None:
    subscribe(engine, clock)
    subscribe(engine, clock, chat="telegram:777")
    subscribe(engine, clock, chat="web-session-1")  # another channel's watcher sends that one
    set_status(engine, "supplement_required")
    sender = RecordingSender()
    assert await watcher(engine, sender, clock).poll_once() == 2
    assert sorted(n.chat for n in sender.delivered) == ["telegram:4242", "telegram:777"]


async def test_notify_an_unsubscribed_chat_hears_nothing_more(
    engine: Engine, open_dossier: Dossier, clock: FakeClock
) -> None:
    subscribe(engine, clock)
    assert SubscriptionStore(engine).unsubscribe(CHAT, None, clock()) == [CODE]
    set_status(engine, "supplement_required")
    sender = RecordingSender()
    assert await watcher(engine, sender, clock).poll_once() == 0
    # Subscribing again starts from the status the citizen sees then.
    subscribe(engine, clock, status="supplement_required")
    assert await watcher(engine, sender, clock).poll_once() == 0
    set_status(engine, "processing")
    assert await watcher(engine, sender, clock).poll_once() == 1


def test_notify_a_chat_follows_a_bounded_number_of_dossiers(
    engine: Engine, clock: FakeClock
) -> None:
    store = SubscriptionStore(engine)
    for serial in range(MAX_PER_CHAT):
        assert store.subscribe(CHAT, f"H31.31.01-260115-{serial:04d}", "processing", clock())
    assert not store.subscribe(CHAT, "H31.31.01-260115-0000", "processing", clock())
    with pytest.raises(TooManySubscriptions):
        store.subscribe(CHAT, "H31.31.01-260116-0001", "processing", clock())
