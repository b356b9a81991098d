"""The texts of pushed dossier updates (wording/notify.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from knowledge.dossiers.next_step import PlanPromise, next_step, timeliness
from knowledge.dossiers.status import DossierStatus
from knowledge.notify.service import CLOSED_STATUSES
from knowledge.shared.text import fold_vi
from knowledge.shared.wording import say

# A button's payload must fit Telegram's callback data and Zalo's payloads alike.
MAX_PAYLOAD_BYTES = 64


@dataclass(frozen=True)
class Button:
    title: str
    payload: str  # words the assistant reads as if typed


@dataclass(frozen=True)
class Notification:
    chat: str  # the sender id the channel gives Rasa ("telegram:4242")
    text: str
    buttons: tuple[Button, ...] = ()


def unsubscribe_button(code: str) -> Button:
    """ "Hủy nhận thông báo": words, not an intent payload, since a button the watcher sent was
    not offered in the conversation and the guard would read a payload as plain text."""
    words = say("notify.button_unsubscribe_sends", code=code)
    fits = len(words.encode()) <= MAX_PAYLOAD_BYTES
    return Button(say("notify.button_unsubscribe"), words if fits else fold_vi(words))


def status_changed(
    chat: str,
    status: DossierStatus,
    today: date,
    promise: PlanPromise | None = None,
    portal_url: str = "",
) -> Notification:
    """One message for one change: the new status, the deadline, what to do next."""
    closed = status.status in CLOSED_STATUSES
    lines = [
        say("notify.changed", code=status.code, procedure=status.procedure),
        say("notify.new_status", status=status.status_label),
        timeliness(status, today),
        "",
        next_step(status, promise, portal_url),
        "",
        say("notify.ended_finished" if closed else "notify.how_to_stop"),
    ]
    buttons = () if closed else (unsubscribe_button(status.code),)
    return Notification(chat, "\n".join(lines), buttons)
