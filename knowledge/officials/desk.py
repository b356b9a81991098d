"""The officials' desk: one object a channel keeps and calls, whatever it renders.

The services below it are synchronous (SQLAlchemy); the desk runs them in a thread so that a
channel's event loop never waits on the database.
"""

from __future__ import annotations

import asyncio
import calendar
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import Engine

from knowledge.feedback import FeedbackNotFound, FeedbackReply, FeedbackService
from knowledge.feedback.attachments import Attachment, Uploads
from knowledge.officials.accounts import AccountError, AccountService, AccountView, Permission
from knowledge.officials.assignments import Assigned, Assignments
from knowledge.officials.audit import AUDIT_SHOWN, AuditLog, AuditRow
from knowledge.officials.complaints import (
    ComplaintView,
    Courier,
    Delivery,
    ReplyOutcome,
    complaint_view,
    route,
)
from knowledge.officials.localities import ALL, only, own_first
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
from knowledge.shared.wording import say, text

INBOX_LIMIT = 100


class NotAllowed(AccountError):
    """The official's role does not allow this; ``str()`` says so in Vietnamese."""

    def __init__(self) -> None:
        super().__init__(text("accounts.not_allowed"))


def require(official: AccountView, permission: Permission) -> None:
    if not official.may(permission):
        raise NotAllowed


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
        self.accounts = AccountService(engine, clock)
        self.audit = AuditLog(engine, clock)
        self.assignments = Assignments(engine, clock)
        self.uploads = Uploads(engine)
        self.reminders = ReminderService(engine, hour=reminder_hour)
        self.couriers: dict[str, Courier] = dict(couriers or {})
        self._deliver = deliver

    def today(self) -> date:
        return vietnam_today(self.clock())

    # --- complaints ------------------------------------------------------------------------

    async def inbox(
        self,
        status: str | None = "new",
        limit: int = INBOX_LIMIT,
        *,
        mine: str | None = None,
        locality: str = ALL,
    ) -> list[ComplaintView]:
        """Complaints in ``status`` (any when None), oldest first, those of locality ``mine``
        before the others; only those of ``locality`` unless it is ``ALL``."""
        return await asyncio.to_thread(self._inbox, status, limit, mine, locality)

    async def attachment(self, key: str) -> tuple[Attachment, bytes] | None:
        """A file a citizen attached to a complaint, and its content."""
        return await asyncio.to_thread(self.uploads.content, key)

    async def attachments_of(self, code: str) -> list[tuple[Attachment, bytes]]:
        """The files a citizen attached to the complaint with this code."""
        return await asyncio.to_thread(self.uploads.files_of, code)

    def _inbox(
        self, status: str | None, limit: int, mine: str | None, locality: str
    ) -> list[ComplaintView]:
        items = self.feedback.inbox(status, limit)
        assigned = self.assignments.of([item.code for item in items])
        views = [_with(complaint_view(item), assigned.get(item.code)) for item in items]
        return own_first(only(views, _locality, locality), _locality, mine)

    async def mark_handled(self, code: str, official: AccountView) -> ComplaintView:
        require(official, Permission.HANDLE)
        item = await asyncio.to_thread(self.feedback.mark, code, "closed", official.name)
        await self._record(official, "close", item.code)
        return complaint_view(item)

    async def reply(self, code: str, text: str, official: AccountView) -> ReplyOutcome:
        """Store the answer, then take it to the citizen; stored even when delivery fails."""
        require(official, Permission.HANDLE)
        reply = await asyncio.to_thread(self.feedback.reply, code, text, official.name)
        await self._record(official, "reply", reply.code)
        return ReplyOutcome(reply, await self.deliver(reply))

    async def reassign(self, code: str, to: str, official: AccountView) -> Assigned:
        """Hand the complaint to account ``to`` (who must be able to handle it); the complaint
        takes that official's locality."""
        require(official, Permission.HANDLE)
        return await asyncio.to_thread(self._reassign, code, to, official)

    def _reassign(self, code: str, to: str, official: AccountView) -> Assigned:
        target = self.accounts.by_name(to)
        if target is None or not target.may(Permission.HANDLE):
            raise AccountError(say("accounts.cannot_take", name=to))
        found = self.feedback.status(code)
        if found is None:
            raise FeedbackNotFound(say("feedback.no_such_feedback", code=code.strip()))
        assigned = self.assignments.assign(found.code, target.name, target.locality)
        self.audit.record(official.name, "reassign", found.code, _assignee(assigned))
        return assigned

    async def audit_log(self, official: AccountView, limit: int = AUDIT_SHOWN) -> list[AuditRow]:
        require(official, Permission.ACCOUNTS)
        return await asyncio.to_thread(self.audit.recent, limit)

    async def handlers(self) -> list[AccountView]:
        """The enabled accounts a complaint can be reassigned to."""
        found = await asyncio.to_thread(self.accounts.all)
        return [account for account in found if account.may(Permission.HANDLE)]

    async def _record(self, official: AccountView, action: str, subject: str) -> None:
        await asyncio.to_thread(self.audit.record, official.name, action, subject)

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


def _with(view: ComplaintView, assigned: Assigned | None) -> ComplaintView:
    if assigned is None:
        return view
    return replace(view, assignee=assigned.assignee, locality=assigned.locality)


def _locality(view: ComplaintView) -> str | None:
    return view.locality


def _assignee(assigned: Assigned) -> str:
    if assigned.locality:
        return f"{assigned.assignee} ({assigned.locality})"
    return assigned.assignee
