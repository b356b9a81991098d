"""One small handler per kind of update; the conversation itself lives in Rasa."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import Bot, Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.telegram.formatting import button_title, keyboard_for, payload_for, split_message
from bot.telegram.rasa_client import RasaClient, RasaReply, RasaUnavailable

log = logging.getLogger(__name__)

# Keys of the framework's stores.
RASA = "rasa"  # bot_data: the shared RasaClient
PAYLOADS = "button_payloads"  # chat_data: key -> payload of buttons too long for callback data
TURN_LOCK = "turn_lock"  # chat_data: one Rasa turn at a time per chat, in arrival order

MENU_REQUEST = "bạn làm được gì"
CANCEL_PAYLOAD = "/cancel"
TYPING_REFRESH_S = 4.0  # Telegram shows "typing…" for about 5 s

WELCOME = (
    "Dạ, em chào Anh/chị! Em là trợ lý ảo hỗ trợ thủ tục hành chính và dịch vụ công. "
    "Anh/chị cứ nhắn câu hỏi cho em, có dấu hay không dấu đều được ạ."
)
HELP = (
    "Dạ, Anh/chị nhắn câu hỏi trực tiếp cho em, hoặc dùng các lệnh:\n"
    "/start – bắt đầu và xem em hỗ trợ được những gì\n"
    "/help – xem hướng dẫn này\n"
    "/huy – hủy thao tác đang làm dở\n"
    "Khi tin nhắn có nút, Anh/chị bấm nút để chọn nhanh ạ."
)
BUSY = "Dạ, hệ thống đang bận hoặc tạm gián đoạn. Anh/chị vui lòng thử lại sau ít phút ạ."
CANCELLED = "Dạ, em đã hủy thao tác đang làm."
TEXT_ONLY = (
    "Dạ, hiện em chỉ đọc được tin nhắn dạng chữ. "
    "Anh/chị vui lòng gõ câu hỏi bằng văn bản giúp em ạ."
)
EXPIRED = "Dạ, lựa chọn này đã hết hạn. Anh/chị vui lòng nhắn lại yêu cầu giúp em ạ."
CHOSEN = "Anh/chị đã chọn: {title}"
CHOOSE = "Mời Anh/chị chọn:"  # text for a reply that has buttons only; Telegram needs text


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(WELCOME)
    # The menu and its buttons come from Rasa, so both channels show the same one.
    await converse(update, context, MENU_REQUEST)


async def help_command(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(HELP)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await converse(update, context, CANCEL_PAYLOAD) == []:
        await update.effective_message.reply_text(CANCELLED)


async def relay_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await converse(update, context, update.effective_message.text)


async def text_only(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(TEXT_ONLY)


async def button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer()
    if query.data is None:
        return
    if isinstance(query.message, Message):
        title = button_title(query.message.reply_markup, query.data)
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest:
            # The keyboard is already gone: a second tap on the same button, relayed once.
            return
        if title:
            await context.bot.send_message(update.effective_chat.id, CHOSEN.format(title=title))
    payload = payload_for(query.data, context.chat_data.setdefault(PAYLOADS, {}))
    if payload is None:
        await context.bot.send_message(update.effective_chat.id, EXPIRED)
        return
    await converse(update, context, payload)


async def report_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("update %s failed", update, exc_info=context.error)


async def converse(
    update: Update, context: ContextTypes.DEFAULT_TYPE, message: str
) -> list[RasaReply] | None:
    """One Rasa turn for this chat; the replies sent, or None when Rasa could not answer."""
    chat_id = update.effective_chat.id
    rasa: RasaClient = context.bot_data[RASA]
    async with context.chat_data.setdefault(TURN_LOCK, asyncio.Lock()):
        try:
            async with showing_typing(context.bot, chat_id):
                replies = await rasa.send(f"telegram:{chat_id}", message)
        except RasaUnavailable as error:
            log.warning("Rasa unavailable for chat %s: %s", chat_id, error)
            await context.bot.send_message(chat_id, BUSY)
            return None
        stored = context.chat_data.setdefault(PAYLOADS, {})
        for reply in replies:
            pieces = split_message(reply.text) or [CHOOSE]
            for piece in pieces[:-1]:
                await context.bot.send_message(chat_id, piece)
            await context.bot.send_message(
                chat_id, pieces[-1], reply_markup=keyboard_for(reply.buttons, stored)
            )
        return replies


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
