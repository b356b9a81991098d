"""Masking of a citizen's personal data wherever it leaves the officials' hands: logs, dossier
status answers, anything shown to someone who only holds a code."""

from __future__ import annotations

import logging
import unicodedata

from knowledge.shared.phones import normalize_phone, phone_spans

_HIDDEN = "*"
# The slot an action sets to True to have Rasa's tracker store forget the whole conversation
# when it saves the turn (bot/tracker_store.py): "xóa dữ liệu của tôi", once confirmed.
FORGET_CONVERSATION_SLOT = "forget_conversation"


def mask_phone(phone: str) -> str:
    """The number with its middle hidden, "0912345678" → "0912***678"; a text that is no valid
    mobile number is hidden entirely."""
    national = normalize_phone(phone)
    if national is None:
        return _HIDDEN * 3
    return f"{national[:4]}{_HIDDEN * 3}{national[-3:]}"


def mask_name(name: str, *, keep_lone_word: bool = False) -> str:
    """The family name with initials of the other names, "Nguyễn Văn An" → "Nguyễn V** A*".

    A name of one word is hidden too ("Hoa" → "H**"): it may be the given name people are
    called by. ``keep_lone_word`` shows it whole, taking it for the family name.
    """
    words = unicodedata.normalize("NFC", name).split()
    if len(words) == 1 and not keep_lone_word:
        return _initial(words[0])
    return " ".join(words[:1] + [_initial(word) for word in words[1:]])


def _initial(word: str) -> str:
    return word[0] + _HIDDEN * (len(word) - 1)


def mask_phones_in_text(text: str) -> str:
    """``text`` with every mobile number replaced by its masked form."""
    parts: list[str] = []
    position = 0
    for span in phone_spans(text):
        parts.append(text[position : span.start])
        parts.append(mask_phone(span.phone))
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


class PhoneMaskingFilter(logging.Filter):
    """Masks mobile numbers in a record's message, exception and stack text.

    Attach it to handlers (``handler.addFilter(PhoneMaskingFilter())``): a logger's filters do
    not see records propagated from its children. Database errors quote the statement's
    parameters, so the exception text is masked too.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_phones_in_text(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_phones_in_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_phones_in_text(record.stack_info)
        return True
