"""Forwarding an official's reply on a complaint to the citizen who filed it over Telegram.

Shared by the officials' Telegram commands and the officials' web page, so a citizen gets the
same message whichever way the official answered.
"""

from __future__ import annotations

import enum
import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.telegram.formatting import split_message
from knowledge.feedback import FeedbackReply

log = logging.getLogger(__name__)

SENDER_PREFIX = "telegram:"  # how the channel names its chats to Rasa (handlers.converse)

CITIZEN_REPLY = "Dạ, cơ quan chức năng đã trả lời phản ánh {code} của Anh/chị:\n\n{text}"


class Delivery(enum.Enum):
    SENT = "sent"  # the citizen's Telegram chat has it
    ON_REQUEST = "on_request"  # not a Telegram citizen: shown when they ask with the code
    FAILED = "failed"  # a Telegram citizen, but Telegram refused or could not be reached


# What the official is told, in either channel; each starts the sentence its own way.
OUTCOME = {
    Delivery.SENT: "đã lưu trả lời phản ánh {code} và gửi tới người dân qua Telegram.",
    Delivery.ON_REQUEST: "đã lưu trả lời phản ánh {code}. Phản ánh này không gửi qua Telegram: "
    "người dân xem được trả lời khi nhắn “kiểm tra phản ánh {code}”.",
    Delivery.FAILED: "đã lưu trả lời phản ánh {code} nhưng chưa gửi được tới người dân qua "
    "Telegram; người dân vẫn xem được khi nhắn “kiểm tra phản ánh {code}”.",
}


def telegram_chat_id(sender_id: str) -> int | None:
    """The chat a "telegram:<chat_id>" sender id names; None for other channels."""
    if not sender_id.startswith(SENDER_PREFIX):
        return None
    try:
        return int(sender_id.removeprefix(SENDER_PREFIX))
    except ValueError:
        return None


def citizen_reply_text(reply: FeedbackReply) -> str:
    return CITIZEN_REPLY.format(code=reply.code, text=reply.text)


async def deliver_reply(bot: Bot, reply: FeedbackReply) -> Delivery:
    """Send the reply to the citizen's Telegram chat when the complaint came from Telegram."""
    chat_id = telegram_chat_id(reply.sender_id)
    if chat_id is None:
        return Delivery.ON_REQUEST
    try:
        for piece in split_message(citizen_reply_text(reply)):
            await bot.send_message(chat_id, piece)
    except TelegramError as error:
        # The reply is stored either way; the citizen can still ask for it with the code.
        log.warning("reply to feedback %s not delivered: %s", reply.code, error)
        return Delivery.FAILED
    return Delivery.SENT


async def deliver_with_token(token: str, base_url: str, reply: FeedbackReply) -> Delivery:
    """``deliver_reply`` for a process without a running bot (the officials' web page)."""
    if telegram_chat_id(reply.sender_id) is None:
        return Delivery.ON_REQUEST
    try:
        async with Bot(token, base_url=base_url) as bot:
            return await deliver_reply(bot, reply)
    except TelegramError as error:  # getMe failed: wrong token or Telegram unreachable
        log.warning("reply to feedback %s not delivered: %s", reply.code, error)
        return Delivery.FAILED
