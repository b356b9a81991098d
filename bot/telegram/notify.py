"""The Telegram channel's NotificationSender: dossier updates sent by the running bot, as its
replies are (handlers.send_reply), buttons kept in its callback-data cache."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import Forbidden, TelegramError

from bot.officials.telegram_courier import CHANNEL, telegram_chat_id
from bot.rasa_client import RasaButton, RasaReply
from bot.telegram.handlers import send_reply
from knowledge.notify.messages import Notification
from knowledge.notify.watcher import Sent

log = logging.getLogger(__name__)


class TelegramSender:
    channel = CHANNEL

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(self, notification: Notification) -> Sent:
        chat_id = telegram_chat_id(notification.chat)
        if chat_id is None:
            return Sent.BLOCKED  # no chat to write to, ever
        buttons = tuple(RasaButton(b.title, b.payload) for b in notification.buttons)
        try:
            await send_reply(self._bot, chat_id, RasaReply(notification.text, buttons))
        except Forbidden as error:  # 403: the user blocked the bot or left the chat
            log.info("chat %s refuses the bot: %s", chat_id, error)
            return Sent.BLOCKED
        except TelegramError as error:  # already retried by the rate limiter
            log.warning("dossier update to chat %s not sent: %s", chat_id, error)
            return Sent.FAILED
        return Sent.SENT
