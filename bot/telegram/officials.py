"""Officials' commands: upcoming reporting deadlines, deadline reminders, the complaint inbox.

Only Telegram users listed in TELEGRAM_OFFICIAL_IDS reach these handlers (``add_handlers``
filters on the user); everyone else gets a polite refusal. The database work runs in a thread:
SQLAlchemy is synchronous and must not hold up other chats.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot.telegram.formatting import split_message
from bot.telegram.handlers import HELP
from bot.telegram.notify import OUTCOME, deliver_reply, telegram_chat_id
from knowledge.feedback import (
    FeedbackError,
    FeedbackItem,
    FeedbackService,
    mask_name,
    mask_phone,
    mask_phones_in_text,
)
from knowledge.plans.deadlines import DeadlineOccurrence
from knowledge.reminders.service import (
    DAYS_BEFORE_MAX,
    ReminderService,
    upcoming_deadlines,
)
from knowledge.shared.db import get_engine
from knowledge.shared.periods import vietnam_today
from knowledge.shared.text import fold_vi

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]  # aware datetimes

DESK = "officials_desk"  # bot_data: the officials' services, see Desk
REMINDER_JOB = "nhac_viec"
REMINDER_CHECK_S = 300.0  # a reminder goes out at most this late after its hour
REMINDER_FIRST_S = 10.0
INBOX_SHOWN = 20
CONTENT_SHOWN = 160  # characters of a complaint shown in the list

OFFICIAL_COMMANDS = [
    BotCommand("hanbaocao", "Cán bộ: các hạn báo cáo sắp tới"),
    BotCommand("nhacviec", "Cán bộ: bật/tắt nhắc hạn báo cáo"),
    BotCommand("phananh", "Cán bộ: phản ánh mới, đánh dấu xong, trả lời"),
]

REFUSED = (
    "Dạ, chức năng này chỉ dành cho cán bộ được phân quyền. "
    "Anh/chị cần hỗ trợ thủ tục hành chính thì cứ nhắn câu hỏi cho em ạ."
)
OFFICIAL_HELP = (
    "Lệnh dành cho cán bộ:\n"
    "/hanbaocao – các hạn báo cáo sắp tới, kèm nguồn\n"
    "/nhacviec – bật hoặc tắt nhắc hạn báo cáo (/nhacviec bat 5: nhắc trước 5 ngày; "
    "/nhacviec tat: tắt)\n"
    "/phananh – phản ánh mới; /phananh xong <mã> – đánh dấu đã xử lý; "
    "/phananh traloi <mã> <nội dung> – trả lời người dân"
)
NONE_AHEAD = "Dạ, các kế hoạch hiện có không còn hạn báo cáo nào từ hôm nay ({today}) trở đi."
UPCOMING = "Dạ, các hạn báo cáo sắp tới (tính từ hôm nay, {today}):"
REMINDER_USAGE = (
    "Dạ, lệnh nhắc việc dùng như sau:\n"
    "/nhacviec – bật hoặc tắt nhắc hạn báo cáo\n"
    f"/nhacviec bat 5 – nhắc trước 5 ngày (từ 0 đến {DAYS_BEFORE_MAX} ngày)\n"
    "/nhacviec tat – tắt nhắc việc"
)
REMINDERS_ON = (
    "Dạ, em đã bật nhắc việc: em sẽ nhắn Anh/chị {when}, lúc {hour:02d}:00 (giờ Việt Nam)."
)
REMINDERS_OFF = "Dạ, em đã tắt nhắc việc. Gõ /nhacviec để bật lại."
NOT_SUBSCRIBED = "Dạ, Anh/chị chưa bật nhắc việc nên không có gì để tắt. Gõ /nhacviec để bật."
NEXT_DEADLINE = "Hạn gần nhất: {date} – {title}."
NOTHING_TO_REMIND = "Hiện các kế hoạch đã có không còn hạn báo cáo nào sắp tới."
REMINDER_TODAY = "Nhắc việc: hôm nay ({date}) là hạn báo cáo:"
REMINDER_AHEAD = "Nhắc việc: còn {days} ngày đến hạn báo cáo ({date}):"
INBOX_EMPTY = "Dạ, hiện không có phản ánh mới nào."
INBOX_HEADER = "Dạ, có {count} phản ánh mới (cũ nhất trước):"
INBOX_HEADER_FULL = "Dạ, đây là {count} phản ánh mới cũ nhất (có thể còn thêm):"
INBOX_FOOTER = "Trả lời: /phananh traloi <mã> <nội dung> · Xong: /phananh xong <mã>"
COMPLAINT_USAGE = (
    "Dạ, lệnh phản ánh dùng như sau:\n"
    "/phananh – xem phản ánh mới\n"
    "/phananh xong <mã> – đánh dấu đã xử lý\n"
    "/phananh traloi <mã> <nội dung> – trả lời người dân"
)
MARKED = "Dạ, đã đánh dấu phản ánh {code}: {status}."
STORE_DOWN = "Dạ, hệ thống dữ liệu đang tạm gián đoạn. Anh/chị vui lòng thử lại sau ít phút ạ."

ReminderAction = Literal["toggle", "on", "off"]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Desk:
    """What the officials' handlers share, kept in bot_data."""

    feedback: FeedbackService
    reminders: ReminderService
    engine: Engine
    clock: Clock
    days_before: int  # when /nhacviec names no number

    def today(self) -> date:
        return vietnam_today(self.clock())


def open_desk(
    database_url: str | None, *, clock: Clock, days_before: int, reminder_hour: int
) -> Desk:
    engine = get_engine(database_url)
    return Desk(
        feedback=FeedbackService(engine, clock),
        reminders=ReminderService(engine, hour=reminder_hour),
        engine=engine,
        clock=clock,
        days_before=days_before,
    )


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
    await update.effective_message.reply_text(REFUSED)


async def help_for_officials(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(f"{HELP}\n\n{OFFICIAL_HELP}")


async def reporting_deadlines(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    desk: Desk = context.bot_data[DESK]
    today = desk.today()
    try:
        ahead = await asyncio.to_thread(upcoming_deadlines, today, desk.engine)
    except SQLAlchemyError:
        log.exception("deadlines could not be read")
        await update.effective_message.reply_text(STORE_DOWN)
        return
    await _reply_long(update, deadlines_text(ahead, today))


async def reminders_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    desk: Desk = context.bot_data[DESK]
    subscriber = f"telegram:{update.effective_chat.id}"
    try:
        action, days = parse_reminder_args(context.args or [], desk.days_before)
    except ValueError:
        await update.effective_message.reply_text(REMINDER_USAGE)
        return
    try:
        if action == "toggle":
            current = await asyncio.to_thread(desk.reminders.subscription, subscriber)
            action = "off" if current else "on"
        if action == "off":
            removed = await asyncio.to_thread(desk.reminders.unsubscribe, subscriber)
            await update.effective_message.reply_text(REMINDERS_OFF if removed else NOT_SUBSCRIBED)
            return
        await asyncio.to_thread(desk.reminders.subscribe, subscriber, days, desk.clock())
        ahead = await asyncio.to_thread(upcoming_deadlines, desk.today(), desk.engine)
    except SQLAlchemyError:
        log.exception("reminder subscription failed")
        await update.effective_message.reply_text(STORE_DOWN)
        return
    await update.effective_message.reply_text(
        subscribed_text(days, desk.reminders.hour, ahead[0] if ahead else None)
    )


async def complaints_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    desk: Desk = context.bot_data[DESK]
    official = f"telegram:{update.effective_user.id}"
    # Split by hand rather than context.args: a reply keeps its line breaks.
    parts = (update.effective_message.text or "").split(maxsplit=3)
    subcommand = fold_vi(parts[1]).replace(" ", "") if len(parts) > 1 else ""
    try:
        if len(parts) == 1:
            items = await asyncio.to_thread(desk.feedback.inbox, "new", INBOX_SHOWN)
            await _reply_long(update, inbox_text(items, INBOX_SHOWN))
        elif subcommand == "xong" and len(parts) == 3:
            item = await asyncio.to_thread(desk.feedback.mark, parts[2], "closed", official)
            text = MARKED.format(code=item.code, status=item.status_label)
            await update.effective_message.reply_text(text)
        elif subcommand == "traloi" and len(parts) == 4:
            reply = await asyncio.to_thread(desk.feedback.reply, parts[2], parts[3], official)
            delivery = await deliver_reply(context.bot, reply)
            text = "Dạ, " + OUTCOME[delivery].format(code=reply.code)
            await update.effective_message.reply_text(text)
        else:
            await update.effective_message.reply_text(COMPLAINT_USAGE)
    except FeedbackError as error:
        await update.effective_message.reply_text(f"Dạ, {_lower_first(str(error))}")


async def send_due_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The repeating job: sends every reminder whose time has come, once."""
    desk: Desk = context.bot_data[DESK]
    now = desk.clock()
    try:
        due = await asyncio.to_thread(desk.reminders.due, now)
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
            await asyncio.to_thread(desk.reminders.unsubscribe, reminder.subscriber)
            continue
        except TelegramError as error:
            log.warning("reminder to chat %s not sent (%s); trying again later", chat_id, error)
            continue
        await asyncio.to_thread(desk.reminders.mark_sent, reminder, now)


async def _reply_long(update: Update, text: str) -> None:
    for piece in split_message(text):
        await update.effective_message.reply_text(piece)


# --- pure shaping of the texts ------------------------------------------------------------------


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
    lines = [f"• {_day(occurrence.date)} – {occurrence.title}"]
    if occurrence.recipient:
        lines.append(f"  Gửi: {occurrence.recipient}")
    if occurrence.recurring:
        lines.append(f"  Định kỳ: {occurrence.rule}")
    lines.append(f"  Nguồn: {occurrence.source}")
    return "\n".join(lines)


def deadlines_text(ahead: Sequence[DeadlineOccurrence], today: date) -> str:
    if not ahead:
        return NONE_AHEAD.format(today=_day(today))
    header = UPCOMING.format(today=_day(today))
    return "\n\n".join([header, *(occurrence_lines(o) for o in ahead)])


def subscribed_text(days: int, hour: int, next_one: DeadlineOccurrence | None) -> str:
    when = "vào đúng ngày đến hạn" if days == 0 else f"{days} ngày trước mỗi hạn báo cáo"
    head = REMINDERS_ON.format(when=when, hour=hour)
    if next_one is None:
        return f"{head}\n{NOTHING_TO_REMIND}"
    return f"{head}\n{NEXT_DEADLINE.format(date=_day(next_one.date), title=next_one.title)}"


def reminder_text(occurrence: DeadlineOccurrence, today: date) -> str:
    days = (occurrence.date - today).days
    if days == 0:
        head = REMINDER_TODAY.format(date=_day(occurrence.date))
    else:
        head = REMINDER_AHEAD.format(days=days, date=_day(occurrence.date))
    return f"{head}\n{occurrence_lines(occurrence)}"


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters, cut at a word with "…" when longer."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


def complaint_lines(item: FeedbackItem) -> str:
    """A complaint as listed in a chat: the citizen's name, phone and any number they typed in
    the content are masked, since Telegram keeps chat history on its servers."""
    return "\n".join(
        [
            f"• {item.code} · {item.category_label} · {item.submitted_at:%d/%m/%Y %H:%M}",
            f"  {mask_name(item.citizen_name)} · {mask_phone(item.phone)}",
            f"  {shorten(mask_phones_in_text(item.content), CONTENT_SHOWN)}",
        ]
    )


def inbox_text(items: Sequence[FeedbackItem], limit: int) -> str:
    """The list of new complaints, at most ``limit`` of them were asked for."""
    if not items:
        return INBOX_EMPTY
    header = (INBOX_HEADER_FULL if len(items) >= limit else INBOX_HEADER).format(count=len(items))
    return "\n\n".join([header, *(complaint_lines(item) for item in items), INBOX_FOOTER])


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
