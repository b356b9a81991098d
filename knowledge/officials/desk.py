"""The officials' desk: one object a channel keeps and calls, whatever it renders.

The services below it are synchronous (SQLAlchemy); the desk runs them in a thread so that a
channel's event loop never waits on the database.
"""

from __future__ import annotations

import asyncio
import calendar
from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import Engine

from knowledge.feedback import FeedbackReply, FeedbackService
from knowledge.feedback.attachments import Attachment, Uploads
from knowledge.officials.complaints import (
    ComplaintView,
    Courier,
    Delivery,
    ReplyOutcome,
    complaint_view,
    route,
)
from knowledge.plans.deadlines import (
    DeadlineOccurrence,
    RecurringRule,
    deadlines_between,
    recurring_rules,
)
from knowledge.reminders.service import (
    DEFAULT_HOUR,
    DueReminder,
    ReminderService,
    Subscription,
    upcoming_deadlines,
)
from knowledge.shared.clock import Clock, utc_now
from knowledge.shared.periods import vietnam_today

INBOX_LIMIT = 100


class OfficialsDesk:
    """Complaints, deadlines and reminders for officials, over one database.

    ``couriers`` maps a channel ("telegram") to what pushes a reply to its citizens (see
    ``route``); ``deliver`` replaces that routing entirely (tests).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock = utc_now,
        couriers: Mapping[str, Courier] | None = None,
        deliver: Courier | None = None,
        reminder_hour: int = DEFAULT_HOUR,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.feedback = FeedbackService(engine, clock)
        self.uploads = Uploads(engine)
        self.reminders = ReminderService(engine, hour=reminder_hour)
        self.couriers: dict[str, Courier] = dict(couriers or {})
        self._deliver = deliver

    def today(self) -> date:
        return vietnam_today(self.clock())

    # --- complaints ------------------------------------------------------------------------

    async def inbox(
        self, status: str | None = "new", limit: int = INBOX_LIMIT
    ) -> list[ComplaintView]:
        """Complaints in ``status`` (any when None), oldest first: the order to handle them."""
        items = await asyncio.to_thread(self.feedback.inbox, status, limit)
        return [complaint_view(item) for item in items]

    async def attachment(self, key: str) -> tuple[Attachment, bytes] | None:
        """A file a citizen attached to a complaint, and its content."""
        return await asyncio.to_thread(self.uploads.content, key)

    async def attachments_of(self, code: str) -> list[tuple[Attachment, bytes]]:
        """The files a citizen attached to the complaint with this code."""
        return await asyncio.to_thread(self.uploads.files_of, code)

    async def mark_handled(self, code: str, official: str) -> ComplaintView:
        item = await asyncio.to_thread(self.feedback.mark, code, "closed", official)
        return complaint_view(item)

    async def reply(self, code: str, text: str, official: str) -> ReplyOutcome:
        """Store the answer, then take it to the citizen; stored even when delivery fails."""
        reply = await asyncio.to_thread(self.feedback.reply, code, text, official)
        return ReplyOutcome(reply, await self.deliver(reply))

    async def deliver(self, reply: FeedbackReply) -> Delivery:
        if self._deliver is not None:
            return await self._deliver(reply)
        return await route(reply, self.couriers)

    # --- reporting deadlines ---------------------------------------------------------------

    async def upcoming(self, today: date | None = None) -> list[DeadlineOccurrence]:
        """The deadlines officials should see coming, from today on."""
        return await asyncio.to_thread(upcoming_deadlines, today or self.today(), self.engine)

    async def month(self, first_day: date) -> list[DeadlineOccurrence]:
        """The deadlines falling in the month of ``first_day``, by date."""
        last_day = first_day.replace(day=calendar.monthrange(first_day.year, first_day.month)[1])
        return await asyncio.to_thread(
            deadlines_between, first_day.replace(day=1), last_day, engine=self.engine
        )

    async def recurring_rules(self) -> list[RecurringRule]:
        return await asyncio.to_thread(recurring_rules, self.engine)

    # --- reminders -------------------------------------------------------------------------

    async def subscription(self, subscriber: str) -> Subscription | None:
        return await asyncio.to_thread(self.reminders.subscription, subscriber)

    async def subscribe(self, subscriber: str, days_before: int) -> Subscription:
        return await asyncio.to_thread(
            self.reminders.subscribe, subscriber, days_before, self.clock()
        )

    async def unsubscribe(self, subscriber: str) -> bool:
        return await asyncio.to_thread(self.reminders.unsubscribe, subscriber)

    async def due_reminders(self, now: datetime) -> list[DueReminder]:
        return await asyncio.to_thread(self.reminders.due, now)

    async def mark_reminder_sent(self, reminder: DueReminder, now: datetime) -> None:
        await asyncio.to_thread(self.reminders.mark_sent, reminder, now)
