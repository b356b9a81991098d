"""Pure shaping of Rasa replies into what Telegram accepts: sizes, keyboards, callback data."""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.rasa_client import RasaButton

MESSAGE_LIMIT = 4096  # Telegram's maximum text length, counted in UTF-16 code units
CALLBACK_DATA_LIMIT = 64  # bytes
SHORT_TITLE = 20  # buttons whose titles all fit this go two per row
# Marks callback data that is a key into chat_data rather than the payload itself.
KEY_PREFIX = "k:"
KEPT_PAYLOADS = 200  # per chat; older keyboards then answer "expired"


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _prefix_fitting(text: str, limit: int) -> int:
    """Number of leading characters of text that fit in limit UTF-16 code units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Text cut into pieces Telegram accepts, preferring paragraph, then line, then word breaks."""
    pieces: list[str] = []
    rest = text.strip()
    while _utf16_len(rest) > limit:
        head = rest[: max(1, _prefix_fitting(rest, limit))]
        cut = next(
            (at for sep in ("\n\n", "\n", " ") if (at := head.rfind(sep)) > 0),
            len(head),
        )
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def callback_data_for(payload: str, stored: MutableMapping[str, str]) -> str:
    """The callback data of a button: the payload itself, or a short key when it does not fit."""
    if len(payload.encode()) <= CALLBACK_DATA_LIMIT and not payload.startswith(KEY_PREFIX):
        return payload
    key = KEY_PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:16]
    stored.pop(key, None)  # re-inserted last, so a payload in use is never the oldest
    stored[key] = payload
    while len(stored) > KEPT_PAYLOADS:
        del stored[next(iter(stored))]
    return key


def payload_for(data: str, stored: MutableMapping[str, str]) -> str | None:
    """The payload a pressed button stands for; None when its key is no longer kept."""
    if data.startswith(KEY_PREFIX):
        return stored.get(data)
    return data


def keyboard_for(
    buttons: Sequence[RasaButton], stored: MutableMapping[str, str]
) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    per_row = 2 if all(len(b.title) <= SHORT_TITLE for b in buttons) else 1
    keys = [
        InlineKeyboardButton(b.title, callback_data=callback_data_for(b.payload, stored))
        for b in buttons
    ]
    return InlineKeyboardMarkup([keys[i : i + per_row] for i in range(0, len(keys), per_row)])


def button_title(markup: InlineKeyboardMarkup | None, data: str) -> str | None:
    """Title of the button with this callback data in a message's keyboard."""
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None
