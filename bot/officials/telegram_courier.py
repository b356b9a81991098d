"""Taking an official's reply on a complaint to the citizen who filed it over Telegram.

Used by the Telegram channel (with its running bot) and by the officials' web page (with the
bot's token only), so a citizen gets the same message whichever way the official answered.
Also home of the Bot API facts both need: the default API URL, how the Telegram channel names
its chats to Rasa, and Telegram's message size.
"""

from __future__ import annotations

import functools
import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.text_pieces import split_text
from knowledge.feedback import FeedbackReply
from knowledge.officials import Courier, Delivery
from knowledge.shared.settings import DEFAULT_SETTINGS
from knowledge.shared.wording import say

log = logging.getLogger(__name__)

TELEGRAM_API = DEFAULT_SETTINGS.telegram_api_base_url
CHANNEL = "telegram"
SENDER_PREFIX = CHANNEL + ":"  # how the channel names its chats to Rasa: "telegram:<chat id>"
MESSAGE_LIMIT = 4096  # Telegram's maximum text length, counted in UTF-16 code units


def sender_id(chat_id: int) -> str:
    return f"{SENDER_PREFIX}{chat_id}"


def telegram_chat_id(sender: str) -> int | None:
    """The chat a "telegram:<chat_id>" sender id names; None for other channels."""
    if not sender.startswith(SENDER_PREFIX):
        return None
    try:
        return int(sender.removeprefix(SENDER_PREFIX))
    except ValueError:
        return None


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Text cut into pieces Telegram accepts (``bot.text_pieces.split_text``)."""
    return split_text(text, limit)


def citizen_reply_text(reply: FeedbackReply) -> str:
    return say("officials.citizen_reply", code=reply.code, text=reply.text)


async def deliver_reply(bot: Bot, reply: FeedbackReply) -> Delivery:
    """Send the reply to the citizen's Telegram chat."""
    chat_id = telegram_chat_id(reply.sender_id)
    if chat_id is None:
        return Delivery.FAILED  # a "telegram:" sender without a chat id: nowhere to send
    try:
        for piece in split_message(citizen_reply_text(reply)):
            await bot.send_message(chat_id, piece)
    except TelegramError as error:
        # The reply is stored either way; the citizen can still ask for it with the code.
        log.warning("reply to feedback %s not delivered: %s", reply.code, error)
        return Delivery.FAILED
    return Delivery.SENT


def bot_courier(bot: Bot) -> Courier:
    """The courier of a process that runs the bot."""
    return functools.partial(deliver_reply, bot)


def token_courier(token: str, base_url: str = TELEGRAM_API) -> Courier:
    """The courier of a process without a running bot (the officials' web page)."""

    async def deliver(reply: FeedbackReply) -> Delivery:
        try:
            async with Bot(token, base_url=base_url) as bot:
                return await deliver_reply(bot, reply)
        except TelegramError as error:  # getMe failed: wrong token or Telegram unreachable
            log.warning("reply to feedback %s not delivered: %s", reply.code, error)
            return Delivery.FAILED

    return deliver
