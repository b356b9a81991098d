"""Deadline reminders: when each is due, what counts as upcoming, subscriptions that persist.

Occurrences come from the knowledge base built from the real plans (see conftest), e.g. the
Hưng Yên city plan's "Báo cáo CCHC quý I năm 2024: trước ngày 14/3/2024" and the Hà Nội plan's
"chậm nhất ngày 15 của tháng cuối quý", still in force in 2024.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from knowledge.plans.build import build
from knowledge.plans.deadlines import DeadlineOccurrence, deadlines_between
from knowledge.plans.search import Catalog
from knowledge.reminders.service import (
    DueReminder,
    ReminderService,
    Subscription,
    due_reminders,
    occurrence_key,
    remind_at,
    upcoming,
    upcoming_deadlines,
)
from knowledge.shared.periods import VIETNAM_TZ


def vietnam(*args: int) -> datetime:
    return datetime(*args, tzinfo=VIETNAM_TZ)


@pytest.fixture
def march_2024(kb: Catalog, kb_engine: Engine) -> list[DeadlineOccurrence]:
    return deadlines_between(date(2024, 3, 1), date(2024, 3, 31), engine=kb_engine)


@pytest.fixture
def subscriber() -> str:
    # The knowledge base is shared by the session: each test keeps to its own subscriber.
    return f"telegram:{uuid.uuid4().int % 10**9}"


def titles(reminders: list[DueReminder]) -> list[tuple[date, str]]:
    return [(r.occurrence.date, r.occurrence.title) for r in reminders]


def test_march_2024_holds_the_deadlines_these_tests_rely_on(
    march_2024: list[DeadlineOccurrence],
) -> None:
    assert [(o.date, o.document) for o in march_2024] == [
        (date(2024, 3, 5), "longdiena-cchc-2023"),
        (date(2024, 3, 14), "hungyen-tp-cchc-2024"),
        (date(2024, 3, 15), "hanoi-cchc-2021"),
        (date(2024, 3, 15), "hanoi-cchc-2021"),
    ]


def test_reminder_time_is_the_hour_in_vietnam_days_before() -> None:
    at = remind_at(date(2024, 3, 14), 3, 8)
    assert at == datetime(2024, 3, 11, 1, 0, tzinfo=UTC)


def test_reminder_is_due_from_its_hour_not_a_minute_before(
    march_2024: list[DeadlineOccurrence],
) -> None:
    subscriptions = [Subscription("telegram:1", 3)]
    before = due_reminders(
        subscriptions, march_2024, vietnam(2024, 3, 11, 7, 59), hour=8, sent=set()
    )
    at_eight = due_reminders(subscriptions, march_2024, vietnam(2024, 3, 11, 8), hour=8, sent=set())
    assert before == []
    assert titles(at_eight) == [(date(2024, 3, 14), "Báo cáo CCHC quý I năm 2024")]


def test_sent_reminders_are_not_due_again(march_2024: list[DeadlineOccurrence]) -> None:
    subscriptions = [Subscription("telegram:1", 3)]
    now = vietnam(2024, 3, 12, 9)
    first = due_reminders(subscriptions, march_2024, now, hour=8, sent=set())
    assert len(first) == 3  # 14/3, and Hà Nội's two reports of 15/3
    sent = {(first[0].subscriber, first[0].key)}
    again = due_reminders(subscriptions, march_2024, now, hour=8, sent=sent)
    assert again == first[1:]


def test_a_missed_reminder_goes_out_late_until_its_deadline_day_ends(
    march_2024: list[DeadlineOccurrence],
) -> None:
    subscriptions = [Subscription("telegram:1", 3)]
    on_the_day = due_reminders(
        subscriptions, march_2024, vietnam(2024, 3, 14, 23, 59), hour=8, sent=set()
    )
    day_after = due_reminders(
        subscriptions, march_2024, vietnam(2024, 3, 15, 0, 0), hour=8, sent=set()
    )
    assert date(2024, 3, 14) in [d for d, _ in titles(on_the_day)]
    assert date(2024, 3, 14) not in [d for d, _ in titles(day_after)]
    assert [d for d, _ in titles(day_after)] == [date(2024, 3, 15)] * 2


def test_each_subscriber_has_their_own_days_ahead(march_2024: list[DeadlineOccurrence]) -> None:
    subscriptions = [Subscription("telegram:1", 0), Subscription("telegram:2", 10)]
    due = due_reminders(subscriptions, march_2024, vietnam(2024, 3, 5, 8), hour=8, sent=set())
    assert [(r.subscriber, r.occurrence.date) for r in due] == [
        ("telegram:1", date(2024, 3, 5)),  # on the day itself
        ("telegram:2", date(2024, 3, 5)),
        ("telegram:2", date(2024, 3, 14)),  # 9 days ahead: within 10
        ("telegram:2", date(2024, 3, 15)),
        ("telegram:2", date(2024, 3, 15)),
    ]


def test_occurrence_keys_tell_deadlines_and_days_apart(
    kb_engine: Engine, march_2024: list[DeadlineOccurrence]
) -> None:
    keys = [occurrence_key(o) for o in march_2024]
    assert len(set(keys)) == len(keys)  # Hà Nội's two reports of 15/3 included
    june = deadlines_between(date(2024, 6, 5), date(2024, 6, 5), engine=kb_engine)
    assert occurrence_key(june[0]) != occurrence_key(march_2024[0])  # same rule, next quarter


def test_upcoming_is_the_next_60_days_or_the_next_five(kb: Catalog, kb_engine: Engine) -> None:
    today = date(2024, 3, 1)
    ahead = deadlines_between(today, today + timedelta(days=400), engine=kb_engine)
    within_60_days = [o for o in ahead if o.date <= date(2024, 4, 30)]
    assert len(within_60_days) == 4
    assert upcoming(ahead, today) == ahead[:5]  # fewer than 5 in the window: the next 5
    assert upcoming(ahead, today, at_least=3) == within_60_days  # enough in the window
    assert upcoming_deadlines(today, kb_engine) == ahead[:5]
    assert upcoming([], today) == []


def test_subscription_is_stored_changed_and_removed(kb_engine: Engine, subscriber: str) -> None:
    service = ReminderService(kb_engine)
    now = vietnam(2024, 3, 1, 9)
    assert service.subscription(subscriber) is None
    service.subscribe(subscriber, 3, now)
    service.subscribe(subscriber, 7, now)
    assert ReminderService(kb_engine).subscription(subscriber) == Subscription(subscriber, 7)
    assert service.unsubscribe(subscriber) is True
    assert service.unsubscribe(subscriber) is False
    assert service.subscription(subscriber) is None


@pytest.mark.parametrize("days", [-1, 31])
def test_days_ahead_out_of_range_are_refused(kb_engine: Engine, days: int) -> None:
    with pytest.raises(ValueError):
        ReminderService(kb_engine).subscribe("telegram:1", days, vietnam(2024, 3, 1, 9))


def test_sent_reminders_are_remembered_across_unsubscribing(
    kb_engine: Engine, subscriber: str
) -> None:
    service = ReminderService(kb_engine, hour=8)
    now = vietnam(2024, 3, 11, 8, 5)
    service.subscribe(subscriber, 3, now)
    (reminder,) = [r for r in service.due(now) if r.subscriber == subscriber]
    assert reminder.occurrence.title == "Báo cáo CCHC quý I năm 2024"
    service.mark_sent(reminder, now)
    service.mark_sent(reminder, now)  # a second sender's record is no error
    service.unsubscribe(subscriber)
    service.subscribe(subscriber, 3, now)
    assert [r for r in service.due(now) if r.subscriber == subscriber] == []


def test_rebuilding_the_knowledge_base_keeps_subscriptions_and_sent_records(
    kb: Catalog, kb_engine: Engine, subscriber: str
) -> None:
    # `make run` rebuilds the knowledge base at every start: reminders must survive that.
    service = ReminderService(kb_engine, hour=8)
    now = vietnam(2024, 3, 11, 8, 5)
    service.subscribe(subscriber, 3, now)
    (reminder,) = [r for r in service.due(now) if r.subscriber == subscriber]
    service.mark_sent(reminder, now)
    build(kb_engine)
    assert service.subscription(subscriber) == Subscription(subscriber, 3)
    assert [r for r in service.due(now) if r.subscriber == subscriber] == []


def test_reminder_hour_must_be_a_clock_hour(kb_engine: Engine) -> None:
    with pytest.raises(ValueError):
        ReminderService(kb_engine, hour=24)
