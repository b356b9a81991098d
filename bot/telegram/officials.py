"""Officials' commands: upcoming reporting deadlines, deadline reminders, the complaint inbox;
and plan documents an official sends, read, shown and published on "Đăng".

Only Telegram users whose officials' account carries their Telegram user id reach these
handlers (``python -m knowledge officials add NAME --telegram-id ID``); the list is read from
the accounts at start and every ``ACCOUNTS_REFRESH_S``. Each command then checks the account's
role (a viewer reads; a handler also replies and closes; an admin also publishes plans), and
what it changes is written to the audit log under the account's name. Everyone else gets a
polite refusal. The work is the officials' desk's (knowledge.officials), shared with the web
page; this module renders it as chat messages.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Collection, Coroutine, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy.exc import SQLAlchemyError
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.officials.telegram_courier import sender_id, telegram_chat_id
from bot.telegram.formatting import split_message
from bot.telegram.handlers import HELP, chat_id_of, message_of
from knowledge.feedback import FeedbackError
from knowledge.feedback.attachments import Attachment
from knowledge.officials import ComplaintView, OfficialsDesk
from knowledge.officials.accounts import AccountError, AccountView, Permission
from knowledge.officials.plans import (
    LEVELS,
    UPLOAD_MAX_BYTES,
    IntakeRefused,
    PendingPlan,
    PlanDesk,
    PlanExpired,
    UnreadableDocument,
    field_names,
)
from knowledge.plans.deadlines import DeadlineOccurrence
from knowledge.plans.formats.base import MB
from knowledge.reminders.service import DAYS_BEFORE_MAX
from knowledge.shared.periods import vietnam_today
from knowledge.shared.text import fold_vi
from knowledge.shared.wording import say, text

log = logging.getLogger(__name__)

DESK = "officials_desk"  # bot_data: the OfficialsDesk
DAYS_BEFORE = "reminder_days_before"  # bot_data: days ahead when /nhacviec names no number
PLANS = "plan_desk"  # bot_data: the PlanDesk (plan documents officials send)
OFFICIALS = "officials_filter"  # bot_data: the filters.User of the accounts' Telegram ids
ACCOUNTS_JOB = "tai_khoan_can_bo"
ACCOUNTS_REFRESH_S = 60.0  # an account added or disabled counts on Telegram this soon
REMINDER_JOB = "nhac_viec"
REMINDER_CHECK_S = 300.0  # a reminder goes out at most this late after its hour
REMINDER_FIRST_S = 10.0
INBOX_SHOWN = 20
CONTENT_SHOWN = 160  # characters of a complaint shown in the list

OFFICIAL_COMMANDS = [
    BotCommand("hanbaocao", text("officials.command_hanbaocao")),
    BotCommand("nhacviec", text("officials.command_nhacviec")),
    BotCommand("phananh", text("officials.command_phananh")),
]

REFUSED = text("officials.refused")
OFFICIAL_HELP = text("officials.help")
REMINDER_USAGE = say("officials.reminder_usage", days_max=DAYS_BEFORE_MAX)
REMINDERS_OFF = text("officials.reminders_off")
COMPLAINT_USAGE = text("officials.complaint_usage")
STORE_DOWN = text("officials.store_down")

ReminderAction = Literal["toggle", "on", "off"]
Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
OfficialCallback = Callable[[Update, ContextTypes.DEFAULT_TYPE, AccountView], Awaitable[None]]


def officials_filter(application: Application) -> filters.User:
    """The users with an officials' account, kept current by ``refresh_officials``; no one
    until the first refresh."""
    found: filters.User = application.bot_data.setdefault(
        OFFICIALS, filters.User(allow_empty=False)
    )
    return found


async def refresh_officials(application: Application) -> frozenset[int]:
    """Reads the accounts' Telegram ids into the officials' filter; the ids."""
    desk: OfficialsDesk = application.bot_data[DESK]
    try:
        ids = await asyncio.to_thread(desk.accounts.telegram_ids)
    except SQLAlchemyError:
        log.exception("officials' accounts could not be read; keeping the previous list")
        return frozenset(officials_filter(application).user_ids)
    officials_filter(application).user_ids = ids
    return ids


async def _refresh_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await refresh_officials(context.application)


def as_official(permission: Permission) -> Callable[[OfficialCallback], Callback]:
    """The callback, called with the sender's account when its role allows ``permission``;
    anyone else is refused. The filter lets only accounts through; this reads the account
    itself, so a role changed or an account disabled since the last refresh counts at once."""

    def wrap(callback: OfficialCallback) -> Callback:
        async def checked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            account = await account_of(update, context)
            if account is None or not account.may(permission):
                await message_of(update).reply_text(REFUSED)
                return
            await callback(update, context, account)

        return checked

    return wrap


async def account_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> AccountView | None:
    user = update.effective_user
    if user is None:
        return None
    desk: OfficialsDesk = context.bot_data[DESK]
    return await asyncio.to_thread(desk.accounts.by_telegram, user.id)


def add_handlers(application: Application) -> None:
    """Registers the officials' commands; call before any catch-all command handler."""
    officials_only = officials_filter(application)
    application.add_handler(CommandHandler("help", help_for_officials, filters=officials_only))
    commands = {
        "hanbaocao": reporting_deadlines,
        "nhacviec": reminders_command,
        "phananh": complaints_command,
    }
    for command, callback in commands.items():
        application.add_handler(CommandHandler(command, callback, filters=officials_only))
    application.add_handler(CommandHandler(list(commands), refuse))
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            send_due_reminders, interval=REMINDER_CHECK_S, first=REMINDER_FIRST_S, name=REMINDER_JOB
        )
        application.job_queue.run_repeating(
            _refresh_job, interval=ACCOUNTS_REFRESH_S, first=ACCOUNTS_REFRESH_S, name=ACCOUNTS_JOB
        )


async def show_commands(bot: Bot, official_ids: Collection[int], common: list[BotCommand]) -> None:
    """Officials see their commands in Telegram's menu; citizens do not."""
    for user_id in official_ids:
        try:
            await bot.set_my_commands(
                common + OFFICIAL_COMMANDS, scope=BotCommandScopeChat(user_id)
            )
        except TelegramError as error:
            # Telegram knows no chat with an official who never opened the bot: not fatal.
            log.warning("officials' command menu not set for user %s: %s", user_id, error)


# --- handlers -----------------------------------------------------------------------------------


async def refuse(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    await message_of(update).reply_text(REFUSED)


async def help_for_officials(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    await message_of(update).reply_text(f"{HELP}\n\n{OFFICIAL_HELP}")


@as_official(Permission.READ)
async def reporting_deadlines(
    update: Update, context: ContextTypes.DEFAULT_TYPE, _official: AccountView
) -> None:
    desk: OfficialsDesk = context.bot_data[DESK]
    today = desk.today()
    try:
        ahead = await desk.upcoming(today)
    except SQLAlchemyError:
        log.exception("deadlines could not be read")
        await message_of(update).reply_text(STORE_DOWN)
        return
    await _reply_long(update, deadlines_text(ahead, today))


@as_official(Permission.READ)
async def reminders_command(
    update: Update, context: ContextTypes.DEFAULT_TYPE, _official: AccountView
) -> None:
    desk: OfficialsDesk = context.bot_data[DESK]
    message = message_of(update)
    subscriber = sender_id(message.chat_id)
    try:
        action, days = parse_reminder_args(context.args or [], context.bot_data[DAYS_BEFORE])
    except ValueError:
        await message.reply_text(REMINDER_USAGE)
        return
    try:
        if action == "toggle":
            action = "off" if await desk.subscription(subscriber) else "on"
        if action == "off":
            removed = await desk.unsubscribe(subscriber)
            await message.reply_text(REMINDERS_OFF if removed else text("officials.not_subscribed"))
            return
        await desk.subscribe(subscriber, days)
        ahead = await desk.upcoming()
    except SQLAlchemyError:
        log.exception("reminder subscription failed")
        await message.reply_text(STORE_DOWN)
        return
    await message.reply_text(
        subscribed_text(days, desk.reminders.hour, ahead[0] if ahead else None)
    )


@as_official(Permission.READ)
async def complaints_command(
    update: Update, context: ContextTypes.DEFAULT_TYPE, official: AccountView
) -> None:
    desk: OfficialsDesk = context.bot_data[DESK]
    message = message_of(update)
    # Split by hand rather than context.args: a reply keeps its line breaks.
    parts = (message.text or "").split(maxsplit=3)
    subcommand = fold_vi(parts[1]).replace(" ", "") if len(parts) > 1 else ""
    try:
        if len(parts) == 1:
            items = await desk.inbox("new", INBOX_SHOWN)
            await _reply_long(update, inbox_text(items, INBOX_SHOWN))
        elif subcommand == "xong" and len(parts) == 3:
            item = await desk.mark_handled(parts[2], official)
            marked = say("officials.marked", code=item.code, status=item.status_label)
            await message.reply_text(polite(marked))
        elif subcommand == "traloi" and len(parts) == 4:
            outcome = await desk.reply(parts[2], parts[3], official)
            await message.reply_text(polite(outcome.message))
        elif subcommand == "chuyen" and len(parts) == 4:
            assigned = await desk.reassign(parts[2], parts[3].strip(), official)
            moved = say(
                "accounts.reassigned", code=parts[2].strip().upper(), assignee=assigned.assignee
            )
            await message.reply_text(polite(moved))
        elif subcommand == "tep" and len(parts) == 3:
            await send_attachments(update, await desk.attachments_of(parts[2]), parts[2])
        else:
            await message.reply_text(COMPLAINT_USAGE)
    except (FeedbackError, AccountError) as error:
        await message.reply_text(polite(str(error)))


async def send_attachments(
    update: Update, files: Sequence[tuple[Attachment, bytes]], code: str
) -> None:
    """The photos and PDFs of a complaint, one message each."""
    message = message_of(update)
    if not files:
        await message.reply_text(polite(say("officials.no_files", code=code.strip())))
        return
    for number, (attachment, content) in enumerate(files, 1):
        if attachment.is_image:
            await message.reply_photo(content)
        else:
            await message.reply_document(content, filename=f"{code.strip()}-{number}.pdf")


async def send_due_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The repeating job: sends every reminder whose time has come, once."""
    desk: OfficialsDesk = context.bot_data[DESK]
    now = desk.clock()
    try:
        due = await desk.due_reminders(now)
    except SQLAlchemyError:
        log.exception("due reminders could not be read; trying again at the next check")
        return
    today = vietnam_today(now)
    for reminder in due:
        chat_id = telegram_chat_id(reminder.subscriber)
        if chat_id is None:
            continue  # another channel's subscriber
        try:
            await context.bot.send_message(chat_id, reminder_text(reminder.occurrence, today))
        except Forbidden:
            # The official blocked the bot: every later reminder would be refused too.
            log.warning("chat %s refuses the bot; its reminders are switched off", chat_id)
            await desk.unsubscribe(reminder.subscriber)
            continue
        except TelegramError as error:
            log.warning("reminder to chat %s not sent (%s); trying again later", chat_id, error)
            continue
        await desk.mark_reminder_sent(reminder, now)


async def _reply_long(update: Update, body: str) -> None:
    for piece in split_message(body):
        await message_of(update).reply_text(piece)


# --- pure shaping of the texts ------------------------------------------------------------------


def polite(sentence: str) -> str:
    """A sentence of the desk as the bot says it: "Dạ, đã lưu trả lời …"."""
    return say("officials.polite", sentence=sentence[:1].lower() + sentence[1:])


def parse_reminder_args(args: Sequence[str], default_days: int) -> tuple[ReminderAction, int]:
    """``/nhacviec [bat|tat] [N]`` as (action, days before); ValueError when malformed."""
    words = [fold_vi(arg) for arg in args]
    if not words:
        return "toggle", default_days
    if words == ["tat"]:
        return "off", default_days
    if words[0] != "bat" or len(words) > 2:
        raise ValueError(f"not a reminder command: {args!r}")
    if len(words) == 1:
        return "on", default_days
    if not re.fullmatch(r"\d{1,2}", words[1]) or int(words[1]) > DAYS_BEFORE_MAX:
        raise ValueError(f"days before out of range: {words[1]!r}")
    return "on", int(words[1])


def _day(value: date) -> str:
    return f"{value:%d/%m/%Y}"


def occurrence_lines(occurrence: DeadlineOccurrence) -> str:
    lines = [say("officials.deadline", date=_day(occurrence.date), title=occurrence.title)]
    if occurrence.recipient:
        lines.append(say("officials.deadline_recipient", recipient=occurrence.recipient))
    if occurrence.recurring:
        lines.append(say("officials.deadline_rule", rule=occurrence.rule))
    lines.append(say("officials.deadline_source", source=occurrence.source))
    return "\n".join(lines)


def deadlines_text(ahead: Sequence[DeadlineOccurrence], today: date) -> str:
    if not ahead:
        return say("officials.none_ahead", today=_day(today))
    header = say("officials.upcoming", today=_day(today))
    return "\n\n".join([header, *(occurrence_lines(o) for o in ahead)])


def subscribed_text(days: int, hour: int, next_one: DeadlineOccurrence | None) -> str:
    when = (
        text("officials.reminders_on_the_day")
        if days == 0
        else say("officials.reminders_days_before", days=days)
    )
    head = say("officials.reminders_on", when=when, hour=f"{hour:02d}")
    if next_one is None:
        return f"{head}\n{text('officials.nothing_to_remind')}"
    following = say("officials.next_deadline", date=_day(next_one.date), title=next_one.title)
    return f"{head}\n{following}"


def reminder_text(occurrence: DeadlineOccurrence, today: date) -> str:
    days = (occurrence.date - today).days
    if days == 0:
        head = say("officials.reminder_today", date=_day(occurrence.date))
    else:
        head = say("officials.reminder_ahead", days=days, date=_day(occurrence.date))
    return f"{head}\n{occurrence_lines(occurrence)}"


def shorten(body: str, limit: int) -> str:
    """One line of at most ``limit`` characters, cut at a word with "…" when longer."""
    flat = " ".join(body.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


def complaint_lines(item: ComplaintView) -> str:
    """A complaint as listed in a chat, the desk's masked view (Telegram keeps chat history on
    its servers)."""
    lines = say(
        "officials.complaint",
        code=item.code,
        category=item.category_label,
        submitted=f"{item.submitted_at:%d/%m/%Y %H:%M}",
        citizen_name=item.citizen_name,
        phone=item.phone,
        content=shorten(item.content, CONTENT_SHOWN),
    )
    if not item.attachments:
        return lines
    files = say("officials.complaint_files", count=len(item.attachments), code=item.code)
    return f"{lines}\n{files}"


def inbox_text(items: Sequence[ComplaintView], limit: int) -> str:
    """The list of new complaints, at most ``limit`` of them were asked for."""
    if not items:
        return text("officials.inbox_empty")
    header_key = "officials.inbox_header_full" if len(items) >= limit else "officials.inbox_header"
    header = say(header_key, count=len(items))
    return "\n\n".join(
        [header, *(complaint_lines(item) for item in items), text("officials.inbox_footer")]
    )


# --- an official sends a plan document ------------------------------------------------------------

SAMPLE_SHOWN = 3  # sample tasks in the chat (the web page shows them all)
TASK_SHOWN = 200  # characters of a sample task


@dataclass(frozen=True)
class PlanAnswer:
    """What a button under a plan preview sends: kept by python-telegram-bot (arbitrary
    callback data), so only a key travels through Telegram."""

    token: str
    action: Literal["publish", "force", "cancel"]


def add_plan_handlers(application: Application) -> None:
    """Documents from officials are read as plans; a citizen's document goes on to the
    general handlers (which answer that only text is read). Call before those."""
    officials_only = officials_filter(application)
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.Document.ALL & officials_only, plan_sent
        )
    )
    application.add_handler(CallbackQueryHandler(plan_answered, pattern=PlanAnswer))


@as_official(Permission.PLANS)
async def plan_sent(
    update: Update, context: ContextTypes.DEFAULT_TYPE, _official: AccountView
) -> None:
    """The document, downloaded (bounded), read and shown with "Đăng" / "Hủy"."""
    message = message_of(update)
    document = message.document
    if document is None:
        return
    name = document.file_name or "ke-hoach"
    if (document.file_size or 0) > UPLOAD_MAX_BYTES:
        await message.reply_text(_too_big(name, document.file_size or 0))
        return
    desk: PlanDesk = context.bot_data[PLANS]
    await message.reply_text(say("officials.plan_reading", name=name))
    try:
        telegram_file = await document.get_file()
        if (telegram_file.file_size or 0) > UPLOAD_MAX_BYTES:
            await message.reply_text(_too_big(name, telegram_file.file_size or 0))
            return
        content = bytes(await telegram_file.download_as_bytearray())
    except TelegramError:
        log.exception("document %s could not be downloaded", document.file_id)
        await message.reply_text(text("officials.plan_failed"))
        return
    if len(content) > UPLOAD_MAX_BYTES:
        await message.reply_text(_too_big(name, len(content)))
        return
    try:
        pending = await desk.read(name, content)
    except (UnreadableDocument, IntakeRefused) as error:
        await message.reply_text(polite(str(error)))
        return
    except Exception:
        log.exception("plan document %s could not be read", name)
        await message.reply_text(text("officials.plan_failed"))
        return
    pieces = split_message(preview_text(pending))
    for piece in pieces[:-1]:
        await message.reply_text(piece)
    await message.reply_text(pieces[-1], reply_markup=plan_keyboard(pending))


async def plan_answered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or not isinstance(query.data, PlanAnswer):
        return
    official = await account_of(update, context)
    if official is None or not official.may(Permission.PLANS):
        await query.answer(REFUSED, show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest:
            return  # the keyboard is already gone: a second tap, answered once
    desk: PlanDesk = context.bot_data[PLANS]
    chat_id, answer = chat_id_of(update), query.data
    if answer.action == "cancel":
        desk.discard(answer.token)
        await context.bot.send_message(chat_id, polite(text("officials.plan_discarded")))
        return
    await context.bot.send_message(chat_id, text("officials.plan_publishing"))
    try:
        published = await desk.publish(answer.token, official, force=answer.action == "force")
    except (PlanExpired, IntakeRefused, AccountError) as error:
        await context.bot.send_message(chat_id, polite(str(error)))
        return
    await context.bot.send_message(
        chat_id, polite(say("officials.plan_published", slug=published.slug))
    )


def _too_big(name: str, size: int) -> str:
    return say(
        "officials.plan_too_big",
        name=name,
        size=f"{size / MB:.1f}",
        limit=UPLOAD_MAX_BYTES // MB,
    )


def plan_keyboard(pending: PendingPlan) -> InlineKeyboardMarkup:
    cancel = InlineKeyboardButton(
        text("officials.plan_button_cancel"), callback_data=PlanAnswer(pending.token, "cancel")
    )
    if not pending.publishable:
        return InlineKeyboardMarkup([[cancel]])
    publish = (
        InlineKeyboardButton(
            text("officials.plan_button_force"), callback_data=PlanAnswer(pending.token, "force")
        )
        if pending.needs_force
        else InlineKeyboardButton(
            text("officials.plan_button_publish"),
            callback_data=PlanAnswer(pending.token, "publish"),
        )
    )
    return InlineKeyboardMarkup([[publish, cancel]])


def preview_text(pending: PendingPlan) -> str:
    """What was read, as a chat message: metadata, counts, a few tasks, unknown units,
    warnings, and the question the buttons answer."""
    preview, meta = pending.preview, pending.preview.metadata
    unknown = text("officials.plan_not_stated")

    def shown(name: str) -> str:
        value = meta.get(name)
        if isinstance(value, date):
            return _day(value)
        if name == "level" and value:
            return text(f"officials.plan_level_{value}") if value in LEVELS else str(value)
        return str(value) if value not in (None, "") else unknown

    pages = f", {preview.pages} trang" if preview.pages else ""
    head = [
        say("officials.plan_read", name=preview.file_name, kind=preview.file_kind, pages=pages),
        say("officials.plan_title", title=shown("title")),
        say(
            "officials.plan_citation",
            **{n: shown(n) for n in ("number", "issued", "issuer", "locality", "level", "year")},
        ),
        say(
            "officials.plan_counts",
            tasks=preview.counts["tasks"],
            targets=preview.counts["targets"],
            deadlines=preview.counts["deadlines"],
            without_lead=preview.counts["tasks_without_lead"],
        ),
    ]
    blocks = ["\n".join(head)]
    if preview.sample:
        tasks = [
            say(
                "officials.plan_task",
                text=shorten(task.text, TASK_SHOWN),
                lead=", ".join(task.lead) or unknown,
                support=", ".join(task.support) or unknown,
                due=task.due or unknown,
            )
            for task in preview.sample[:SAMPLE_SHOWN]
        ]
        blocks.append("\n".join([text("officials.plan_sample"), *tasks]))
    if preview.unresolved:
        units = [
            say(
                "officials.plan_unresolved_nearest"
                if unit.nearest
                else "officials.plan_unresolved_unit",
                name=unit.name,
                nearest=unit.nearest,
            )
            for unit in preview.unresolved
        ]
        blocks.append("\n".join([text("officials.plan_unresolved"), *units]))
    if pending.warnings:
        warnings = [say("officials.plan_warning", warning=w) for w in pending.warnings]
        blocks.append("\n".join([text("officials.plan_warnings"), *warnings]))
    if not pending.publishable:
        blocks.append(say("officials.plan_missing_metadata", fields=field_names(pending.missing)))
    elif pending.needs_force:
        blocks.append(text("officials.plan_ask_force"))
    else:
        blocks.append(text("officials.plan_ask"))
    return "\n\n".join(blocks)
