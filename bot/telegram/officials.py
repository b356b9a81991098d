"""Officials' commands: upcoming reporting deadlines, deadline reminders, the complaint inbox.

Only Telegram users listed in TELEGRAM_OFFICIAL_IDS reach these handlers (``add_handlers``
filters on the user); everyone else gets a polite refusal. The work is the officials' desk's
(knowledge.officials), shared with the web page; this module renders it as chat messages.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Sequence
from datetime import date
from typing import Literal

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot.officials.telegram_courier import sender_id, telegram_chat_id
from bot.telegram.formatting import split_message
from bot.telegram.handlers import HELP, message_of
from knowledge.feedback import FeedbackError
from knowledge.officials import ComplaintView, OfficialsDesk
from knowledge.plans.deadlines import DeadlineOccurrence
from knowledge.reminders.service import DAYS_BEFORE_MAX
from knowledge.shared.periods import vietnam_today
from knowledge.shared.text import fold_vi
from knowledge.shared.wording import say, text

log = logging.getLogger(__name__)

DESK = "officials_desk"  # bot_data: the OfficialsDesk
DAYS_BEFORE = "reminder_days_before"  # bot_data: days ahead when /nhacviec names no number
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


def add_handlers(application: Application, official_ids: Collection[int]) -> None:
    """Registers the officials' commands; call before any catch-all command handler."""
    officials_only = filters.User(user_id=official_ids)
    application.add_handler(CommandHandler("help", help_for_officials, filters=officials_only))
    commands = {
        "hanbaocao": reporting_deadlines,
        "nhacviec": reminders_command,
        "phananh": complaints_command,
    }
    for command, callback in commands.items():
        application.add_handler(CommandHandler(command, callback, filters=officials_only))
    application.add_handler(CommandHandler(list(commands), refuse))
    if official_ids and application.job_queue is not None:
        application.job_queue.run_repeating(
            send_due_reminders, interval=REMINDER_CHECK_S, first=REMINDER_FIRST_S, name=REMINDER_JOB
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


async def reporting_deadlines(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    desk: OfficialsDesk = context.bot_data[DESK]
    today = desk.today()
    try:
        ahead = await desk.upcoming(today)
    except SQLAlchemyError:
        log.exception("deadlines could not be read")
        await message_of(update).reply_text(STORE_DOWN)
        return
    await _reply_long(update, deadlines_text(ahead, today))


async def reminders_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
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


async def complaints_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    desk: OfficialsDesk = context.bot_data[DESK]
    message = message_of(update)
    user = update.effective_user
    official = sender_id(user.id if user is not None else message.chat_id)
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
        else:
            await message.reply_text(COMPLAINT_USAGE)
    except FeedbackError as error:
        await message.reply_text(polite(str(error)))


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
    return say(
        "officials.complaint",
        code=item.code,
        category=item.category_label,
        submitted=f"{item.submitted_at:%d/%m/%Y %H:%M}",
        citizen_name=item.citizen_name,
        phone=item.phone,
        content=shorten(item.content, CONTENT_SHOWN),
    )


def inbox_text(items: Sequence[ComplaintView], limit: int) -> str:
    """The list of new complaints, at most ``limit`` of them were asked for."""
    if not items:
        return text("officials.inbox_empty")
    header_key = "officials.inbox_header_full" if len(items) >= limit else "officials.inbox_header"
    header = say(header_key, count=len(items))
    return "\n\n".join(
        [header, *(complaint_lines(item) for item in items), text("officials.inbox_footer")]
    )
