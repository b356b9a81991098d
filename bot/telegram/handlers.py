"""One small handler per kind of update; the conversation itself lives in Rasa."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from functools import partial
from typing import Any

from telegram import Bot, Message, PhotoSize, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.officials.telegram_courier import sender_id
from bot.rasa_client import (
    RasaClient,
    RasaReply,
    RasaUnavailable,
    parse_replies,
    replies_as_json,
)
from bot.telegram.formatting import button_title, keyboard_for, split_message
from bot.telegram.inbox import current_turn, fail_current_turn
from knowledge.feedback.attachments import Uploads
from knowledge.shared.uploads import UploadRejected, mb_text
from knowledge.shared.wording import say, text

log = logging.getLogger(__name__)

# Keys of the framework's stores.
RASA = "rasa"  # bot_data: the shared RasaClient
UPLOADS = "uploads"  # bot_data: where photos and PDFs are stored (Uploads)
TURN_LOCK = "turn_lock"  # chat_data: one Rasa turn at a time per chat, in arrival order

MENU_REQUEST = "bạn làm được gì"
CANCEL_PAYLOAD = "/cancel"
TYPING_REFRESH_S = 4.0  # Telegram shows "typing…" for about 5 s

WELCOME = text("telegram.welcome")
HELP = text("telegram.help")
BUSY = text("telegram.busy")
CANCELLED = text("telegram.cancelled")
TEXT_ONLY = text("telegram.text_only")
EXPIRED = text("telegram.expired")
CHOOSE = text("telegram.choose")
UNSUBSCRIBE_WORDS = text("notify.command_unsubscribe_sends")


def message_of(update: Update) -> Message:
    """The message a command or text handler answers (they are registered for messages only)."""
    message = update.effective_message
    if message is None:
        raise TypeError(f"update {update.update_id} carries no message")
    return message


def chat_id_of(update: Update) -> int:
    chat = update.effective_chat
    if chat is None:
        raise TypeError(f"update {update.update_id} comes from no chat")
    return chat.id


def chat_data_of(context: ContextTypes.DEFAULT_TYPE) -> dict[Any, Any]:
    if context.chat_data is None:
        raise TypeError("an update from no chat has no chat data")
    return context.chat_data


async def reply(update: Update, answer: str) -> None:
    """Answer the update's message, once however often the update is replayed."""
    await current_turn().reply_once(partial(message_of(update).reply_text, answer))


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, WELCOME)
    # The menu and its buttons come from Rasa, so both channels show the same one.
    await converse(update, context, MENU_REQUEST)


async def help_command(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, HELP)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await converse(update, context, CANCEL_PAYLOAD) == []:
        await reply(update, CANCELLED)


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/huythongbao: stop every dossier update of this chat (said as words, like typing it)."""
    await converse(update, context, UNSUBSCRIBE_WORDS)


async def relay_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await converse(update, context, message_of(update).text or "")


async def text_only(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, TEXT_ONLY)


async def relay_upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo or a document: downloaded (bounded), checked and stored, then handed to Rasa,
    which takes it as a complaint's attachment or reads it as a receipt."""
    message = message_of(update)
    uploads: Uploads = context.bot_data[UPLOADS]
    limit = uploads.limits.upload.max_bytes
    sent = message.document or _largest_photo(message, limit)
    if sent is None:
        return
    too_big = str(UploadRejected.of("too_big", limit=mb_text(limit)))
    if (sent.file_size or 0) > limit:
        await message.reply_text(too_big)
        return
    try:
        telegram_file = await sent.get_file()
        if (telegram_file.file_size or 0) > limit:
            await message.reply_text(too_big)
            return
        data = bytes(await telegram_file.download_as_bytearray())
    except TelegramError:
        log.warning("file %s could not be downloaded", sent.file_id, exc_info=True)
        await message.reply_text(BUSY)
        return
    try:
        rasa_message = await asyncio.to_thread(uploads.receive, data, sender_id(chat_id_of(update)))
    except UploadRejected as rejected:
        await message.reply_text(str(rejected))
        return
    await converse(update, context, rasa_message)


def _largest_photo(message: Message, limit: int) -> PhotoSize | None:
    """The largest size Telegram keeps of a photo within the limit (else the smallest, which
    is then refused as too big)."""
    if not message.photo:
        return None
    sizes = sorted(message.photo, key=lambda size: size.file_size or 0)
    within = [size for size in sizes if (size.file_size or 0) <= limit]
    return within[-1] if within else sizes[0]


async def button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button of a keyboard the bot sent: its Rasa payload, which python-telegram-bot keeps
    (arbitrary callback data), or InvalidCallbackData once the library has forgotten it."""
    query = update.callback_query
    if query is None:
        return
    # Stops the button's spinner; Telegram refuses a second answer, or one to an old query
    # (a replay after a restart): only a courtesy.
    with contextlib.suppress(BadRequest):
        await query.answer()
    if query.data is None:
        return
    turn = current_turn()
    chat_id = chat_id_of(update)
    if isinstance(query.message, Message):
        title = button_title(query.message.reply_markup, query.data)
        try:
            await turn.reply_once(partial(query.edit_message_reply_markup, reply_markup=None))
        except BadRequest:
            # The keyboard is already gone: a second tap on the same button, relayed once.
            return
        if title:
            chosen = say("telegram.chosen", title=title)
            await turn.reply_once(partial(context.bot.send_message, chat_id, chosen))
    if not isinstance(query.data, str):
        await turn.reply_once(partial(context.bot.send_message, chat_id, EXPIRED))
        return
    await converse(update, context, query.data)


async def report_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("update %s failed", update, exc_info=context.error)
    fail_current_turn(context.error)


async def converse(
    update: Update, context: ContextTypes.DEFAULT_TYPE, message: str
) -> list[RasaReply] | None:
    """One Rasa turn for this chat; the replies sent, or None when Rasa could not answer.

    Rasa's answer is kept in the inbox with the update: a replay (after a restart between
    Rasa's answer and the last reply) sends the replies not yet sent without asking Rasa again.
    """
    chat_id = chat_id_of(update)
    rasa: RasaClient = context.bot_data[RASA]
    turn = current_turn()

    async def ask_rasa() -> list[dict[str, Any]]:
        async with showing_typing(context.bot, chat_id):
            return replies_as_json(await rasa.send(sender_id(chat_id), message))

    async with chat_data_of(context).setdefault(TURN_LOCK, asyncio.Lock()):
        try:
            replies = parse_replies(await turn.remember("rasa", ask_rasa))
        except RasaUnavailable as error:
            log.warning("Rasa unavailable for chat %s: %s", chat_id, error)
            await turn.reply_once(partial(context.bot.send_message, chat_id, BUSY))
            return None
        for answer in replies:
            pieces = split_message(answer.text) or [CHOOSE]
            for piece in pieces[:-1]:
                await turn.reply_once(partial(context.bot.send_message, chat_id, piece))
            keyboard = keyboard_for(answer.buttons)
            await turn.reply_once(
                partial(context.bot.send_message, chat_id, pieces[-1], reply_markup=keyboard)
            )
        return replies


async def send_reply(bot: Bot, chat_id: int, reply: RasaReply) -> None:
    """One reply in as many messages as its length needs, its buttons under the last."""
    pieces = split_message(reply.text) or [CHOOSE]
    for piece in pieces[:-1]:
        await bot.send_message(chat_id, piece)
    await bot.send_message(chat_id, pieces[-1], reply_markup=keyboard_for(reply.buttons))


@contextlib.asynccontextmanager
async def showing_typing(bot: Bot, chat_id: int) -> AsyncIterator[None]:
    """Shows "typing…" in the chat for as long as the block runs."""
    await _show_typing(bot, chat_id)
    refresher = asyncio.create_task(_keep_typing(bot, chat_id))
    try:
        yield
    finally:
        refresher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await refresher


async def _keep_typing(bot: Bot, chat_id: int) -> None:
    while True:
        await asyncio.sleep(TYPING_REFRESH_S)
        await _show_typing(bot, chat_id)


async def _show_typing(bot: Bot, chat_id: int) -> None:
    # Only a courtesy: a failure here must not cost the user the answer.
    with contextlib.suppress(TelegramError):
        await bot.send_chat_action(chat_id, ChatAction.TYPING)
