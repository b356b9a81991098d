"""What the citizens' forms share (dossier_form in actions/dossiers.py, feedback_form and
feedback_status_form in actions/feedback.py): reading the latest message, telling an answer
from an interruption, and what cancelling a form says.

How the forms stay robust: every form slot has a ``custom`` mapping, so only the
``extract_<slot>`` methods of the validation actions decide whether a message answers the
question asked. A message that does not (a greeting, a question about something else, "hủy")
leaves the slot unset, Rasa rejects the form and a rule answers the message. That rule is the
one that answers it outside a form too: after a rule that ends by listening, Rasa's RulePolicy
returns to the open form, which asks its question again without reading the message twice.
Only stopping is peculiar to forms: "hủy" (deny) and goodbye cancel the open form with
action_cancel (actions/core.py), as the ``cancel`` intent does anywhere.
INTERRUPTION_INTENTS lists the intents the rules answer inside a form;
tests/unit/actions/test_forms.py keeps it in step with data/rules/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker

from knowledge.shared.text import fold_vi

REQUESTED_SLOT = "requested_slot"

SOCIAL_INTENTS = frozenset(
    {"greet", "goodbye", "thank", "capabilities", "out_of_scope", "request_human", "deny"}
)
QUESTION_INTENTS = frozenset(
    {
        "ask_online_payment",
        "ask_postal_service",
        "ask_online_service",
        "ask_ontime_stats",
        "ask_task_responsible",
        "ask_task_due",
        "ask_unit_tasks",
        "ask_reporting_deadline",
        "ask_plan_target",
        "ask_plan_info",
    }
)
# Sent by buttons and channels (/cancel from Telegram's /huy, /upload_file for a photo or PDF),
# never typed as an answer.
PAYLOAD_INTENTS = frozenset(
    {"cancel", "choose_plan", "choose_task", "choose_stats_unit", "upload_file"}
)
# Requests about the conversation itself ("xóa dữ liệu của tôi"): short, like the social ones.
PRIVACY_INTENTS = frozenset({"erase_my_data"})
# Short requests about dossier updates ("hủy nhận thông báo"), answered like social intents.
UPDATE_INTENTS = frozenset({"subscribe_dossier", "unsubscribe_dossier"})
INTERRUPTION_INTENTS = (
    SOCIAL_INTENTS | QUESTION_INTENTS | PAYLOAD_INTENTS | PRIVACY_INTENTS | UPDATE_INTENTS
)
# A free-text answer (a complaint, a name) may be misread as a social intent; past this many
# words it is taken as the answer.
SOCIAL_MAX_WORDS = 6
_QUESTION_WORDS = re.compile(
    r"\?|\b(?:the nao|ntn|o dau|la gi|bao nhieu|bn|bao gio|khi nao|lam sao|ra sao|nhu nao|"
    r"duoc khong|dc khong|duoc ko|dc ko|co phai|hay khong|cach nao)\b|"
    r"\b(?:khong|ko|k|chua|gi|nao|sao)\s*(?:a|vay|nhi|the)?\s*$"
)
_CANCEL_WORDS = re.compile(
    r"\b(?:huy|dung lai|thoi khong|thoi ko|khong gui nua|ko gui nua|dung gui|khong muon gui)\b"
)


@dataclass(frozen=True)
class Cancellation:
    """What cancelling a form says (a response of domain/), and the slots it clears besides
    the form's own. ``at_step`` says something else when a given slot is asked and the answer
    is a "no" rather than a "hủy" (a "no" to the personal-data notice is a refusal)."""

    response: str
    extra_slots: tuple[str, ...] = ()
    at_step: tuple[tuple[str, str], ...] = ()

    def response_at(self, requested_slot: str | None, text: str) -> str:
        if says_cancel(text):
            return self.response
        return dict(self.at_step).get(requested_slot or "", self.response)


def latest_text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "").strip()


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def entity_value(tracker: Tracker, entity: str) -> str | None:
    """The first value of ``entity`` in the latest message (regexes, button payloads)."""
    for found in tracker.latest_message.get("entities") or []:
        if found.get("entity") == entity and found.get("value") is not None:
            return str(found["value"])
    return None


def is_requested(tracker: Tracker, slot: str) -> bool:
    return tracker.get_slot(REQUESTED_SLOT) == slot


def looks_like_question(text: str) -> bool:
    return bool(_QUESTION_WORDS.search(fold_vi(text)))


def says_cancel(text: str) -> bool:
    """ "hủy", "dừng lại", "thôi không gửi nữa": an explicit wish to stop, not a plain "không"."""
    return bool(_CANCEL_WORDS.search(fold_vi(text)))


def interrupts_code_answer(tracker: Tracker) -> bool:
    """Whether the latest message, holding no code, is something the rules answer instead."""
    return latest_intent(tracker) in INTERRUPTION_INTENTS


def interrupts_text_answer(tracker: Tracker) -> bool:
    """Whether the latest message is something else than the free text asked for: a short
    greeting, thanks or "hủy", a question on another subject, or a button."""
    intent = latest_intent(tracker)
    text = latest_text(tracker)
    if intent in SOCIAL_INTENTS | PRIVACY_INTENTS | UPDATE_INTENTS:
        return len(text.split()) <= SOCIAL_MAX_WORDS or (intent == "deny" and says_cancel(text))
    if intent in QUESTION_INTENTS:
        return looks_like_question(text)
    return intent in PAYLOAD_INTENTS


def code_answer(tracker: Tracker, slot: str, found: str | None) -> dict[str, Any]:
    """``slot`` filled with the code (or phone number) ``found`` in the latest message; else,
    while the form asks for it, with the whole message, for validation to say what is wrong
    with it; nothing for an interruption."""
    if found:
        return {slot: found}
    if is_requested(tracker, slot) and not interrupts_code_answer(tracker):
        return {slot: latest_text(tracker)}
    return {}


@dataclass(frozen=True)
class CodeField:
    """A form slot holding a code, with the entity of the same name: the code is found anywhere
    in a message, or read from a message that is nothing but the code."""

    slot: str
    find: Callable[[str], str | None]
    normalize: Callable[[str], str | None]

    def extract(self, tracker: Tracker) -> dict[str, Any]:
        found = self.find(latest_text(tracker)) or entity_value(tracker, self.slot)
        return code_answer(tracker, self.slot, found)

    def read(self, value: Any) -> str | None:
        text = str(value or "")
        return self.normalize(text) or self.find(text)


def text_answer(tracker: Tracker, slot: str) -> dict[str, Any]:
    """``slot`` filled with the latest message while the form asks for it, unless the message
    is an interruption."""
    if not is_requested(tracker, slot) or interrupts_text_answer(tracker):
        return {}
    return {slot: latest_text(tracker)}
