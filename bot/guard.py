"""What a user message must look like before Rasa sees it: pure decisions.

Runs inside the Rasa server (bot/channels.py) and is tested from the app environment, so it
imports only what both have: the standard library and ``knowledge.shared`` (the rate limiter,
and the wording catalogue, which needs PyYAML). Rasa
itself would store control characters, parse a 20,000-character message whole, and obey any
"/intent{...}" or "/restart" a user types as if a button had sent it; these functions decide
what happens instead.
"""

from __future__ import annotations

import math
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# The dossier lookups use the same window.
from knowledge.shared.ratelimit import SlidingWindowLimiter
from knowledge.shared.settings import load_settings
from knowledge.shared.wording import say, text

# Rasa reads a message starting with this prefix as an intent (and entities), not as text.
COMMAND_PREFIX = "/"

# Commands a channel sends on its own, never offered as a button: Telegram's /huy sends
# /cancel (bot/telegram/handlers.py). Stopping a form is what typing "hủy" does anyway.
CHANNEL_COMMANDS = frozenset({"/cancel"})
# A photo or PDF a channel stored sends /upload_file{"upload_id": "<key>"}
# (knowledge.feedback.attachments.upload_message). A typed one names no file of the sender's:
# the action answers that the file was not found.
UPLOAD_COMMAND = '/upload_file{"upload_id": "'

# Line breaks and tabs carry meaning in a long feedback text; every other control character
# (and invisible format characters such as zero-width spaces or bidi overrides) does not.
KEPT_CONTROLS = frozenset("\n\t")

# The notes, worded in wording/guard.yml; the last two with their placeholders unfilled.
# BUSY_NOTE is said by the Rasa server (bot/rasa_server.py) when an action fails.
BUSY_NOTE = say("guard.busy")
EMPTY_NOTE = say("guard.empty")
TOO_LONG_NOTE = text("guard.too_long")
TOO_FAST_NOTE = text("guard.too_fast")


@dataclass(frozen=True)
class Screened:
    """Either the text Rasa should process, or a note to answer with instead (never both)."""

    text: str | None = None
    note: str | None = None


def clean(raw: object) -> str:
    """The message without control, format or lone surrogate characters, trimmed.

    Whitespace controls (\\r, vertical tab, ...) become a space so words do not run together.
    Anything but a string (a JSON number, null) counts as no text.
    """
    if not isinstance(raw, str):
        return ""
    kept = []
    for char in raw:
        category = unicodedata.category(char)
        if char in KEPT_CONTROLS or category not in ("Cc", "Cf", "Cs"):
            kept.append(char)
        elif category == "Cc" and char.isspace():
            kept.append(" ")
    return "".join(kept).strip()


def is_command(text: str) -> bool:
    return text.startswith(COMMAND_PREFIX)


def offered_payloads(events: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """Button payloads of the bot's messages since the user's latest message.

    ``events`` are a tracker's events as Rasa serialises them ({"event": "bot", "data":
    {"buttons": [...]}}), oldest first. A bot turn may say several messages, and the buttons
    need not be on the last one, so the whole turn counts.
    """
    payloads: set[str] = set()
    for event in events:
        kind = event.get("event")
        if kind == "user":
            payloads.clear()
        elif kind == "bot":
            buttons = (event.get("data") or {}).get("buttons") or ()
            payloads.update(
                str(button["payload"]).strip()
                for button in buttons
                if isinstance(button, Mapping) and button.get("payload")
            )
    return frozenset(payloads)


def in_form(events: Iterable[Mapping[str, Any]]) -> bool:
    """Whether a form is open at the end of these events (a tracker's, serialised, oldest
    first): the latest "active_loop" event names one, and no restart or new session came after."""
    active = False
    for event in events:
        kind = event.get("event")
        if kind == "active_loop":
            active = event.get("name") is not None
        elif kind in ("restart", "session_started"):
            active = False
    return active


def neutralise(text: str) -> str:
    """The text without its leading slashes, so the NLU reads it as words, not a command."""
    return text.lstrip(COMMAND_PREFIX).strip()


def needs_tracker(text: str, limit: int) -> bool:
    """Whether screening ``text`` depends on the conversation (what was offered, whether a form
    is open), so the channel reads the tracker only then."""
    return is_command(text) or len(text) > limit


def screen(text: str, *, offered: frozenset[str], limit: int, form_open: bool = False) -> Screened:
    """What to do with a cleaned message, given the payloads the bot offered this sender and
    whether a form is open (inside a form, an answer is one piece: never "split it up")."""
    sent_by_channel = text in CHANNEL_COMMANDS or text.startswith(UPLOAD_COMMAND)
    if is_command(text) and text not in offered and not sent_by_channel:
        text = neutralise(text)
    if not text:
        return Screened(note=EMPTY_NOTE)
    if len(text) > limit:
        written = vi_count(limit)
        if form_open:
            return Screened(note=say("guard.too_long_in_form", limit=written))
        return Screened(note=say("guard.too_long", limit=written))
    return Screened(text=text)


def vi_count(number: int) -> str:
    """A count as Vietnamese writes it: 20.000, dots between thousands."""
    return f"{number:,}".replace(",", ".")


def message_limit(environ: Mapping[str, str]) -> int:
    """``MAX_MESSAGE_CHARS``; a wrong value stops the server at start."""
    return load_settings(environ).max_message_chars


def message_rate_limiter(
    environ: Mapping[str, str], clock: Callable[[], float] = time.monotonic
) -> SlidingWindowLimiter:
    """The per-sender limit of ``MESSAGE_RATE_LIMIT``, "N/SECONDS" or "N" (per 60 s).

    A wrong value stops the server at start, like the other settings read here.
    """
    rate = load_settings(environ).message_rate_limit
    return SlidingWindowLimiter(rate.count, rate.window_s, clock)


def rate_note(limiter: SlidingWindowLimiter, sender_id: str) -> str | None:
    """The note for a sender over the limit, None when the message may be processed.

    Every message counts, the empty and the too long ones too: each costs the server a turn.
    """
    if limiter.allow(sender_id):
        return None
    wait_s = max(1, math.ceil(limiter.retry_after(sender_id)))
    return say("guard.too_fast", seconds=vi_count(wait_s))
