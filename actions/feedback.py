"""Complaints and suggestions (phản ánh, kiến nghị): the intake form with a summary to confirm,
the tracking code given only once the feedback is stored, and its status by code."""

from __future__ import annotations

import asyncio
import logging
import math
import re
from abc import ABC, abstractmethod
from typing import Any

from rapidfuzz import fuzz, process, utils
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.attachments import ATTACHMENTS_SLOT
from actions.formatting import button, intent_payload, shorten, vi_date
from actions.forms import (
    REQUESTED_SLOT,
    Cancellation,
    CodeField,
    code_answer,
    entity_value,
    interrupts_code_answer,
    interrupts_text_answer,
    is_requested,
    latest_intent,
    latest_text,
    says_cancel,
    text_answer,
)
from knowledge.dossiers.codes import find_dossier_code
from knowledge.feedback import (
    CATEGORIES,
    CONTENT_MAX,
    FeedbackDraft,
    FeedbackService,
    FeedbackStatus,
    FeedbackStoreError,
    InvalidFeedback,
    PhoneCheckFailed,
    PhoneCheckNeeded,
    TooManyTries,
    find_feedback_code,
    find_phone,
    mask_phone,
    normalize_feedback_code,
    normalize_phone,
    phone_spans,
)
from knowledge.feedback.categories import infer_category
from knowledge.feedback.models import NAME_MAX
from knowledge.privacy.notice import NOTICE_VERSION
from knowledge.shared.text import fold_vi
from knowledge.shared.wording import say

logger = logging.getLogger(__name__)

FORM_SLOTS = (
    "feedback_category",
    "feedback_content",
    "feedback_consent",
    "feedback_name",
    "feedback_phone",
    "feedback_dossier_code",
    "feedback_confirmed",
    ATTACHMENTS_SLOT,
)
# Which slot holds each field FeedbackService validates.
SLOT_OF_FIELD = {
    "category": "feedback_category",
    "content": "feedback_content",
    "citizen_name": "feedback_name",
    "phone": "feedback_phone",
    "dossier_code": "feedback_dossier_code",
}
# "Bỏ qua" for the optional dossier code: a filled slot, so the form moves on.
NO_DOSSIER = "none"
SKIP_INTENT = "skip"
MIN_CONTENT_WORDS = 3
CONTENT_SHOWN = 300
CATEGORY_MIN_SCORE = 85
# An answer to the category question this long is taken for the complaint itself.
COMPLAINT_MIN_WORDS = 6

# Replies are worded in wording/feedback.yml; the fixed ones are responses in domain/feedback.yml.
PICK_CATEGORY = "utter_pick_feedback_category"
CONTENT_TOO_SHORT = "utter_feedback_content_too_short"
WRONG_PHONE = "utter_wrong_feedback_phone"
WRONG_DOSSIER_CODE = "utter_wrong_feedback_dossier_code"
WRONG_FEEDBACK_CODE = "utter_wrong_feedback_code"
WRONG_PHONE_LAST4 = "utter_wrong_feedback_phone_last4"
PHONE_LAST4 = "feedback_phone_last4"
NOT_SAVED = "utter_feedback_not_saved"
CONSENT = "feedback_consent"
CANCELLATIONS = {
    "feedback_form": Cancellation(
        "utter_feedback_form_cancelled",
        (ATTACHMENTS_SLOT,),
        at_step=((CONSENT, "utter_feedback_consent_declined"),),
    ),
    "feedback_status_form": Cancellation("utter_feedback_status_form_cancelled", (PHONE_LAST4,)),
}

# Words people put around their name: "tên tôi là …", "… ạ".
_NAME_LEAD = re.compile(
    r"^(?:(?:ho va ten|ho ten|ten)\s*(?:cua\s*)?(?:toi|em|minh|chau)?\s*(?:la|:)?|"
    r"(?:toi|em|minh|chau)\s*(?:ten)?\s*la)\s+"
)
_NAME_TAIL = re.compile(r"\s+(?:a|nhe|nha|day|do)$")


# ── Pure helpers ───────────────────────────────────────────────────────────────────────────


def match_category(text: str) -> str | None:
    """The category key a typed answer names ("thái độ cán bộ" → "thai_do"), or None."""
    folded = fold_vi(text)
    if folded.replace(" ", "_") in CATEGORIES:
        return folded.replace(" ", "_")
    labels = {key: fold_vi(label) for key, label in CATEGORIES.items()}
    found = process.extractOne(
        folded,
        labels,
        scorer=fuzz.token_set_ratio,
        processor=utils.default_process,
        score_cutoff=CATEGORY_MIN_SCORE,
    )
    return found[2] if found else None


def clean_name(text: str) -> str:
    """The name in an answer, without "tên tôi là", a trailing "ạ", a phone or punctuation."""
    for span in reversed(list(phone_spans(text))):
        text = text[: span.start] + text[span.end :]
    words = [word.strip(" .,;:!?\"'") for word in text.split()]
    words = [word for word in words if word]
    # Drop lead and tail words by their folded form, keeping the diacritics of the rest.
    lead = _NAME_LEAD.match(" ".join(fold_vi(word) for word in words) + " ")
    if lead:
        words = words[len(lead.group(0).split()) :]
    while words and _NAME_TAIL.search(" " + fold_vi(words[-1])):
        words = words[:-1]
    return " ".join(words)


def name_problem(name: str) -> bool:
    return not name or len(name) > NAME_MAX or not all(word.isalpha() for word in name.split())


def category_buttons() -> list[dict[str, str]]:
    return [
        button(label, intent_payload("inform", feedback_category=key))
        for key, label in CATEGORIES.items()
    ]


def summary(slots: dict[str, Any]) -> str:
    dossier = slots.get("feedback_dossier_code")
    files = len(slots.get(ATTACHMENTS_SLOT) or [])
    return say(
        "feedback.summary",
        category=CATEGORIES.get(slots.get("feedback_category") or "", ""),
        content=shorten(str(slots.get("feedback_content") or ""), CONTENT_SHOWN),
        name=slots.get("feedback_name") or "",
        phone=mask_phone(str(slots.get("feedback_phone") or "")),
        dossier_code=(
            dossier if dossier and dossier != NO_DOSSIER else say("feedback.no_dossier_code")
        ),
        attachments=say("feedback.summary_attachments", count=files) if files else "",
    )


def draft_from_slots(tracker: Tracker) -> FeedbackDraft:
    dossier = tracker.get_slot("feedback_dossier_code")
    return FeedbackDraft(
        category=tracker.get_slot("feedback_category") or "",
        content=tracker.get_slot("feedback_content") or "",
        citizen_name=tracker.get_slot("feedback_name") or "",
        phone=tracker.get_slot("feedback_phone") or "",
        sender_id=tracker.sender_id or "",
        dossier_code=None if dossier in (None, NO_DOSSIER) else dossier,
        consent_notice=NOTICE_VERSION if tracker.get_slot(CONSENT) is True else None,
        attachments=tuple(tracker.get_slot(ATTACHMENTS_SLOT) or ()),
    )


def format_feedback_status(status: FeedbackStatus) -> str:
    lines = [
        say(
            "feedback.status",
            code=status.code,
            category=status.category_label,
            submitted_on=vi_date(status.submitted_at),
            status=status.status_label,
        )
    ]
    if status.reply and status.replied_at:
        replied_on = vi_date(status.replied_at)
        lines.append(say("feedback.reply_dated", replied_on=replied_on, reply=status.reply))
    elif status.reply:
        lines.append(say("feedback.reply", reply=status.reply))
    elif status.reply_withheld:
        lines.append(say("feedback.reply_for_submitter_only"))
    if status.attachment_count:
        lines.append(say("feedback.status_attachments", count=status.attachment_count))
    return "\n".join(lines)


# ── Intake form ────────────────────────────────────────────────────────────────────────────


class ValidateFeedbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_feedback_form"

    async def extract_feedback_category(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        chosen = entity_value(tracker, "feedback_category")
        if chosen:
            return {"feedback_category": chosen}
        text = latest_text(tracker)
        if latest_intent(tracker) == "submit_feedback" and not tracker.get_slot(REQUESTED_SLOT):
            # The request itself may say what it is about: "cán bộ hách dịch, tôi muốn phản ánh".
            inferred = infer_category(text)
            return {"feedback_category": inferred} if inferred else {}
        if not is_requested(tracker, "feedback_category") or interrupts_text_answer(tracker):
            return {}
        if typed := match_category(text):
            return {"feedback_category": typed}
        # The complaint itself typed instead of a button: its words may tell the category, and
        # it is then the content too.
        inferred = infer_category(text) if len(text.split()) >= COMPLAINT_MIN_WORDS else None
        if inferred:
            return {"feedback_category": inferred, "feedback_content": text}
        return {"feedback_category": text}

    def validate_feedback_category(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value in CATEGORIES:
            return {"feedback_category": value}
        dispatcher.utter_message(response=PICK_CATEGORY)
        return {"feedback_category": None}

    async def extract_feedback_content(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return text_answer(tracker, "feedback_content")

    def validate_feedback_content(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        content = str(value or "").strip()
        if len(content.split()) < MIN_CONTENT_WORDS:
            dispatcher.utter_message(response=CONTENT_TOO_SHORT)
            return {"feedback_content": None}
        if len(content) > CONTENT_MAX:
            too_long = say("feedback.content_too_long", length=len(content), limit=CONTENT_MAX)
            dispatcher.utter_message(text=too_long)
            return {"feedback_content": None}
        return {"feedback_content": content}

    async def extract_feedback_consent(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not is_requested(tracker, CONSENT):
            return {}
        # "Đồng ý" pressed or typed; a "không đồng ý" (deny) is left to the rules: it stops
        # the form. Anything else leaves the notice asked again.
        if latest_intent(tracker) == "affirm" or fold_vi(latest_text(tracker)) == "dong y":
            return {CONSENT: True}
        return {}

    async def extract_feedback_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return text_answer(tracker, "feedback_name")

    def validate_feedback_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        name = clean_name(str(value or ""))
        if name_problem(name):
            dispatcher.utter_message(text=say("feedback.wrong_name", limit=NAME_MAX))
            return {"feedback_name": None}
        return {"feedback_name": name}

    async def extract_feedback_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # A number given early ("Nguyễn Văn An, 0912345678") saves a question later.
        phone = find_phone(latest_text(tracker))
        first = phone if tracker.get_slot("feedback_phone") is None else None
        return code_answer(tracker, "feedback_phone", first)

    def validate_feedback_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "")
        phone = normalize_phone(text) or find_phone(text)
        if phone is None:
            dispatcher.utter_message(response=WRONG_PHONE)
        return {"feedback_phone": phone}

    async def extract_feedback_dossier_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = latest_text(tracker)
        code = find_dossier_code(text)
        if not is_requested(tracker, "feedback_dossier_code"):
            # A code written in the complaint itself is the related dossier.
            empty = tracker.get_slot("feedback_dossier_code") is None
            return {"feedback_dossier_code": code} if code and empty else {}
        if code:
            return {"feedback_dossier_code": code}
        intent = latest_intent(tracker)
        if intent == SKIP_INTENT or (intent == "deny" and not says_cancel(text)):
            return {"feedback_dossier_code": NO_DOSSIER}
        if interrupts_code_answer(tracker):
            return {}
        return {"feedback_dossier_code": text}

    def validate_feedback_dossier_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == NO_DOSSIER:
            return {"feedback_dossier_code": NO_DOSSIER}
        code = find_dossier_code(str(value or ""))
        if code is None:
            dispatcher.utter_message(response=WRONG_DOSSIER_CODE)
        return {"feedback_dossier_code": code}

    async def extract_feedback_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not is_requested(tracker, "feedback_confirmed"):
            return {}
        # "Gửi" typed instead of pressed; a "no" or anything else is left to the rules.
        if latest_intent(tracker) == "affirm" or fold_vi(latest_text(tracker)) == "gui":
            return {"feedback_confirmed": True}
        return {}


class ActionAskFeedbackCategory(Action):
    def name(self) -> str:
        return "action_ask_feedback_category"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text=say("feedback.ask_category"), buttons=category_buttons())
        return []


class ActionAskFeedbackConfirmed(Action):
    def name(self) -> str:
        return "action_ask_feedback_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(
            text=summary(tracker.current_slot_values()),
            buttons=[
                {"title": say("feedback.send_button"), "payload": "/affirm"},
                {"title": say("feedback.cancel_button"), "payload": "/deny"},
            ],
        )
        return []


class UsesFeedbackService:
    """The FeedbackService, made on first use: the action server imports this module before
    the database is configured."""

    def __init__(self, service: FeedbackService | None = None) -> None:
        self._service = service

    def service(self) -> FeedbackService:
        if self._service is None:
            self._service = FeedbackService()
        return self._service


class FeedbackServiceAction(UsesFeedbackService, Action, ABC):
    """An action over the FeedbackService."""

    # Abstract, so that the action server does not register this base as an action.
    @abstractmethod
    def name(self) -> str: ...


class ActionSubmitFeedback(FeedbackServiceAction):
    """Stores the confirmed feedback; the code is shown only once it is committed."""

    def name(self) -> str:
        return "action_submit_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("feedback_confirmed") is not True:
            return []
        try:
            code = await asyncio.to_thread(self.service().submit, draft_from_slots(tracker))
        except InvalidFeedback as error:
            dispatcher.utter_message(text=say("feedback.invalid", errors=str(error)))
            bad = [SLOT_OF_FIELD[field] for field in error.errors if field in SLOT_OF_FIELD]
            return [SlotSet(slot, None) for slot in [*bad, "feedback_confirmed"]]
        except FeedbackStoreError:
            # Nothing was stored: no code. The answers are kept and the form reopens on its
            # confirmation step, so the summary with Gửi / Hủy is offered again for the retry.
            dispatcher.utter_message(response=NOT_SAVED)
            return [SlotSet("feedback_confirmed", None), FollowupAction("feedback_form")]
        dispatcher.utter_message(text=say("feedback.submitted", code=code))
        return [*(SlotSet(slot, None) for slot in FORM_SLOTS), SlotSet("feedback_code", code)]


# ── Status by tracking code ────────────────────────────────────────────────────────────────


FEEDBACK_CODE = CodeField("feedback_code", find_feedback_code, normalize_feedback_code)


def phone_last4(text: str) -> str | None:
    """The four digits in an answer ("5678", "5 6 7 8", "số cuối 5678 ạ"), else None."""
    digits = "".join(char for char in text if char.isdigit())
    return digits if len(digits) == 4 else None


class FeedbackServiceValidation(UsesFeedbackService, FormValidationAction, ABC):
    """A form validation over the FeedbackService."""

    @abstractmethod
    def name(self) -> str: ...


class ValidateFeedbackStatusForm(FeedbackServiceValidation):
    """The code, then, from anyone but the conversation that filed the feedback, the last four
    digits of the phone given with it."""

    def name(self) -> str:
        return "validate_feedback_status_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        code = tracker.get_slot("feedback_code")
        if not code:
            return domain_slots
        try:
            own = await asyncio.to_thread(self.service().filed_by, code, tracker.sender_id or "")
        except FeedbackStoreError:
            own = True  # the status action then says the store is down
        return domain_slots if own else [*domain_slots, PHONE_LAST4]

    async def extract_feedback_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return FEEDBACK_CODE.extract(tracker)

    def validate_feedback_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        code = FEEDBACK_CODE.read(value)
        if code is None:
            dispatcher.utter_message(response=WRONG_FEEDBACK_CODE)
        return {"feedback_code": code}

    async def extract_feedback_phone_last4(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not is_requested(tracker, PHONE_LAST4):
            return {}
        # Four digits are the answer, whatever the NLU made of them.
        text = latest_text(tracker)
        digits = phone_last4(text)
        if digits is None and interrupts_code_answer(tracker):
            return {}
        return {PHONE_LAST4: digits or text}

    def validate_feedback_phone_last4(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        digits = phone_last4(str(value or ""))
        if digits is None:
            dispatcher.utter_message(response=WRONG_PHONE_LAST4)
        return {PHONE_LAST4: digits}


class ActionAskFeedbackPhoneLast4(Action):
    def name(self) -> str:
        return "action_ask_feedback_phone_last4"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        code = tracker.get_slot("feedback_code") or ""
        dispatcher.utter_message(text=say("feedback.ask_phone_last4", code=code))
        return []


class ActionFeedbackStatus(FeedbackServiceAction):
    """The status of a feedback, in full: to the conversation that filed it, or to whoever
    gives the last four digits of its phone (wrong tries limited)."""

    def name(self) -> str:
        return "action_feedback_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        code = tracker.get_slot("feedback_code")
        if not code:
            return []
        dispatcher.utter_message(text=await asyncio.to_thread(self.answer, code, tracker))
        # The digits answer for this code only, and are not kept.
        return [SlotSet(PHONE_LAST4, None)]

    def answer(self, code: str, tracker: Tracker) -> str:
        digits = tracker.get_slot(PHONE_LAST4)
        try:
            # A sender the channel does not name is nobody's: it must give the digits.
            status = self.service().citizen_status(code, tracker.sender_id or "", digits)
        except PhoneCheckNeeded:
            return say("feedback.ask_phone_last4", code=code)
        except PhoneCheckFailed:
            return say("feedback.phone_mismatch", code=code)
        except TooManyTries as refused:
            return say("feedback.phone_tries_exceeded", minutes=_minutes(refused.retry_after_s))
        except FeedbackStoreError:
            logger.warning("feedback status unavailable", exc_info=True)
            return say("feedback.store_down")
        return format_feedback_status(status)


def _minutes(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))
