"""Pure shaping of Rasa replies into what Telegram accepts: sizes and keyboards.

A button carries its Rasa payload as python-telegram-bot's arbitrary callback data: the
library keeps the payload and sends Telegram a key that fits its 64-byte limit (app.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import InvalidCallbackData

from bot.officials.telegram_courier import MESSAGE_LIMIT as MESSAGE_LIMIT
from bot.officials.telegram_courier import split_message as split_message
from bot.rasa_client import RasaButton

CALLBACK_DATA_LIMIT = 64  # bytes Telegram takes as a button's callback data
SHORT_TITLE = 20  # buttons whose titles all fit this go two per row


def keyboard_for(buttons: Sequence[RasaButton]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    per_row = 2 if all(len(b.title) <= SHORT_TITLE for b in buttons) else 1
    keys = [InlineKeyboardButton(b.title, callback_data=b.payload) for b in buttons]
    return InlineKeyboardMarkup([keys[i : i + per_row] for i in range(0, len(keys), per_row)])


def button_title(markup: InlineKeyboardMarkup | None, data: object) -> str | None:
    """Title of the button with this callback data in a message's keyboard (the data as the
    library resolved it: the payload, or InvalidCallbackData for a forgotten one)."""
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if _same(button.callback_data, data):
                return button.text
    return None


def _same(kept: object, data: object) -> bool:
    if isinstance(kept, InvalidCallbackData) and isinstance(data, InvalidCallbackData):
        return kept.callback_data == data.callback_data  # the key Telegram sent back
    return kept == data
