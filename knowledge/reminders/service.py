"""Officials' reminders of reporting deadlines: who subscribed, and which reminders are due.

A subscriber (a channel user, "telegram:123") is reminded ``days_before`` days before each
occurrence of every reporting deadline, recurring rules included, at a set hour of Vietnam time.
What was sent is stored, so each occurrence is reminded once, restarts included; a reminder
missed while the bot was down still goes out late, as long as its deadline day has not ended.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import CheckConstraint, Engine, Integer, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.plans.deadlines import DeadlineOccurrence, deadlines_between
from knowledge.shared.db import get_engine, session_scope
from knowledge.shared.models import Base, UtcDateTime
from knowledge.shared.periods import VIETNAM_TZ, vietnam_today
from knowledge.shared.schema import SchemaGuard
from knowledge.shared.settings import DAYS_BEFORE_MAX, DEFAULT_SETTINGS

DEFAULT_DAYS_BEFORE = DEFAULT_SETTINGS.reminder_days_before
DEFAULT_HOUR = DEFAULT_SETTINGS.reminder_hour  # Vietnam time
# "Upcoming" means the next 60 days, or the next 5 occurrences when those days hold fewer.
UPCOMING_DAYS = 60
UPCOMING_AT_LEAST = 5
# Far enough for the next few occurrences of any quarterly or yearly rule.
_LOOKAHEAD = timedelta(days=3 * 366)


class ReminderSubscription(Base):
    """A channel user who wants deadline reminders, and how many days ahead."""

    __tablename__ = "reminder_subscriptions"
    __table_args__ = (
        CheckConstraint(
            f"days_before BETWEEN 0 AND {DAYS_BEFORE_MAX}", name="reminder_days_before"
        ),
    )

    subscriber: Mapped[str] = mapped_column(String(200), primary_key=True)
    days_before: Mapped[int] = mapped_column(Integer)
    subscribed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SentReminder(Base):
    """A reminder already sent: one per subscriber and deadline occurrence."""

    __tablename__ = "sent_reminders"

    subscriber: Mapped[str] = mapped_column(String(200), primary_key=True)
    occurrence: Mapped[str] = mapped_column(String(200), primary_key=True)  # occurrence_key
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)


REMINDER_TABLES = (ReminderSubscription, SentReminder)


@dataclass(frozen=True)
class Subscription:
    subscriber: str
    days_before: int


@dataclass(frozen=True)
class DueReminder:
    subscriber: str
    occurrence: DeadlineOccurrence

    @property
    def key(self) -> str:
        return occurrence_key(self.occurrence)


def occurrence_key(occurrence: DeadlineOccurrence) -> str:
    """Identity of one occurrence of a deadline that survives knowledge-base rebuilds.

    Made of the plan, the day and the deadline's own words rather than a row id: a rebuild
    after an edit elsewhere in the plan must not make a sent reminder look unsent.
    """
    words = f"{occurrence.title}\n{occurrence.text}".encode()
    digest = hashlib.sha256(words).hexdigest()[:24]
    return f"{occurrence.document}:{occurrence.date.isoformat()}:{digest}"


def remind_at(deadline: date, days_before: int, hour: int) -> datetime:
    """When the reminder of a deadline falling on ``deadline`` is due."""
    return datetime.combine(deadline - timedelta(days=days_before), time(hour), VIETNAM_TZ)


def due_reminders(
    subscriptions: Iterable[Subscription],
    occurrences: Sequence[DeadlineOccurrence],
    now: datetime,
    *,
    hour: int,
    sent: Set[tuple[str, str]],
) -> list[DueReminder]:
    """Reminders to send at ``now``: their time has come, their deadline day (Vietnam time) has
    not ended, and ``sent`` (subscriber, occurrence_key) pairs does not hold them."""
    today = vietnam_today(now)
    return [
        DueReminder(subscription.subscriber, occurrence)
        for subscription in subscriptions
        for occurrence in occurrences
        if occurrence.date >= today
        and remind_at(occurrence.date, subscription.days_before, hour) <= now
        and (subscription.subscriber, occurrence_key(occurrence)) not in sent
    ]


def upcoming(
    ahead: Sequence[DeadlineOccurrence],
    today: date,
    *,
    days: int = UPCOMING_DAYS,
    at_least: int = UPCOMING_AT_LEAST,
) -> list[DeadlineOccurrence]:
    """Of ``ahead`` (occurrences from today on, by date): those within ``days``, or the first
    ``at_least`` when the window holds fewer."""
    window_end = today + timedelta(days=days)
    within = [o for o in ahead if o.date <= window_end]
    return within if len(within) >= at_least else list(ahead[:at_least])


def upcoming_deadlines(today: date, engine: Engine | None = None) -> list[DeadlineOccurrence]:
    """The deadlines officials should see coming, from ``today`` on (see ``upcoming``)."""
    return upcoming(deadlines_between(today, today + _LOOKAHEAD, engine=engine), today)


class ReminderService:
    """Subscriptions and sent reminders over one database (SQLite file or PostgreSQL)."""

    def __init__(self, engine: Engine | None = None, *, hour: int = DEFAULT_HOUR) -> None:
        if not 0 <= hour <= 23:
            raise ValueError(f"reminder hour must be 0..23, not {hour}")
        self._engine = engine or get_engine()
        self.hour = hour
        self._schema = SchemaGuard(self._engine, REMINDER_TABLES)

    def ensure_schema(self) -> None:
        """Create the reminder tables if missing; a knowledge-base build leaves them alone."""
        self._schema.ensure()

    def subscribe(self, subscriber: str, days_before: int, now: datetime) -> Subscription:
        """Subscribe, or change the days ahead of an existing subscription."""
        if not 0 <= days_before <= DAYS_BEFORE_MAX:
            raise ValueError(f"days_before must be 0..{DAYS_BEFORE_MAX}, not {days_before}")
        self.ensure_schema()
        with session_scope(self._engine) as session:
            row = session.get(ReminderSubscription, subscriber)
            if row is None:
                session.add(
                    ReminderSubscription(
                        subscriber=subscriber, days_before=days_before, subscribed_at=now
                    )
                )
            else:
                row.days_before = days_before
        return Subscription(subscriber, days_before)

    def unsubscribe(self, subscriber: str) -> bool:
        """Stop reminders; False when there was no subscription. Sent records stay, so
        subscribing again does not repeat a reminder already given."""
        self.ensure_schema()
        with session_scope(self._engine) as session:
            result = session.execute(
                delete(ReminderSubscription).where(ReminderSubscription.subscriber == subscriber)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def subscription(self, subscriber: str) -> Subscription | None:
        self.ensure_schema()
        with session_scope(self._engine) as session:
            row = session.get(ReminderSubscription, subscriber)
            return None if row is None else Subscription(row.subscriber, row.days_before)

    def due(self, now: datetime) -> list[DueReminder]:
        """Reminders to send at ``now`` (an aware datetime)."""
        self.ensure_schema()
        with session_scope(self._engine) as session:
            subscriptions = [
                Subscription(row.subscriber, row.days_before)
                for row in session.scalars(select(ReminderSubscription))
            ]
            sent = {
                (row.subscriber, row.occurrence) for row in session.scalars(select(SentReminder))
            }
        if not subscriptions:
            return []
        today = vietnam_today(now)
        furthest = max(subscription.days_before for subscription in subscriptions)
        ahead = deadlines_between(today, today + timedelta(days=furthest), engine=self._engine)
        return due_reminders(subscriptions, ahead, now, hour=self.hour, sent=sent)

    def mark_sent(self, reminder: DueReminder, now: datetime) -> None:
        self.ensure_schema()
        with session_scope(self._engine) as session:
            # merge: a second process that sent the same reminder meanwhile is no error.
            session.merge(
                SentReminder(subscriber=reminder.subscriber, occurrence=reminder.key, sent_at=now)
            )
