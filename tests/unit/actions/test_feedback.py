"""Feedback intake: each step of the form (answers, wrong answers, interruptions, "hủy"), the
summary with the phone masked, the tracking code only once stored, and the status by code:
in full to the conversation that filed it, to anyone else only with the phone's last four
digits."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Engine

from actions.core import ActionCancel
from actions.feedback import (
    FORM_SLOTS,
    NO_DOSSIER,
    ActionAskFeedbackCategory,
    ActionAskFeedbackConfirmed,
    ActionAskFeedbackPhoneLast4,
    ActionFeedbackStatus,
    ActionSubmitFeedback,
    ValidateFeedbackForm,
    ValidateFeedbackStatusForm,
    clean_name,
    match_category,
)
from knowledge.feedback import CATEGORIES, FeedbackDraft, FeedbackNotSaved, FeedbackService
from knowledge.shared.db import make_engine
from knowledge.shared.ratelimit import SlidingWindowLimiter
from tests.paths import ROOT
from tests.unit.actions.replies import said

DOMAIN = yaml.safe_load((ROOT / "domain" / "feedback.yml").read_text(encoding="utf-8"))
CITIZEN = "telegram:123456789"
# 09:00 on 2 March 2026 in Viet Nam.
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
COMPLAINT = (
    "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất của tôi đã quá hạn 10 ngày mà chưa có kết "
    "quả, cán bộ một cửa không giải thích lý do."
)
FILLED = {
    "feedback_category": "cham_tre",
    "feedback_content": COMPLAINT,
    "feedback_name": "Nguyễn Văn An",
    "feedback_phone": "0912345678",
    "feedback_dossier_code": "H31.29-260115-0001",
    "feedback_confirmed": True,
}


def tracker(
    text: str,
    intent: str,
    *,
    asked: str | None = None,
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    sender: str = CITIZEN,
) -> Tracker:
    latest = {"text": text, "intent": {"name": intent}, "entities": entities or []}
    values = {**(slots or {}), "requested_slot": asked}
    events = [{"event": "user", "text": text, "parse_data": latest}]
    return Tracker(sender, values, latest, events, False, None, {}, "action_listen")


async def validate(t: Tracker, form: Any = ValidateFeedbackForm) -> tuple[dict, list[str]]:
    """The slots ``form`` (a class, or an instance for one that needs a service) sets."""
    dispatcher = CollectingDispatcher()
    events = await (form() if isinstance(form, type) else form).run(dispatcher, t, DOMAIN)
    return {e["name"]: e["value"] for e in events}, [said(m) for m in dispatcher.messages]


async def run(action: Any, t: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, DOMAIN)
    return dispatcher.messages, events


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return make_engine(f"sqlite:///{tmp_path / 'feedback.db'}")


@pytest.fixture
def service(engine: Engine) -> FeedbackService:
    return FeedbackService(engine, clock=lambda: NOW)


# ── pure helpers ────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("thái độ cán bộ", "thai_do"),
        ("cham tre", "cham_tre"),
        ("Phí, lệ phí", "phi_le_phi"),
        ("dịch vụ công trực tuyến", "dich_vu_cong"),
        ("khác", "khac"),
        ("xin chào", None),
    ],
)
def test_a_typed_category_is_matched_to_its_label(typed: str, key: str | None) -> None:
    assert match_category(typed) == key


@pytest.mark.parametrize(
    ("answer", "name"),
    [
        ("tên tôi là Trần Thị Mai", "Trần Thị Mai"),
        ("Phạm Minh Đức ạ", "Phạm Minh Đức"),
        ("ten em la le van nam", "le van nam"),
        ("Nguyễn Văn An, 0912345678", "Nguyễn Văn An"),
        ("Lê Văn Lâm", "Lê Văn Lâm"),
    ],
)
def test_the_name_is_taken_out_of_the_answer(answer: str, name: str) -> None:
    assert clean_name(answer) == name


# ── the form, step by step ──────────────────────────────────────────────────────────────


async def test_the_category_question_offers_every_category_as_a_button() -> None:
    messages, _ = await run(ActionAskFeedbackCategory(), tracker("gửi phản ánh", "submit_feedback"))
    buttons = messages[0]["buttons"]
    assert [b["title"] for b in buttons] == list(CATEGORIES.values())
    assert all(len(b["payload"].encode()) <= 64 for b in buttons)


async def test_a_category_button_sets_the_category() -> None:
    pressed = tracker(
        '/inform{"feedback_category":"thai_do"}',
        "inform",
        asked="feedback_category",
        entities=[{"entity": "feedback_category", "value": "thai_do"}],
    )
    slots, said = await validate(pressed)
    assert slots["feedback_category"] == "thai_do" and said == []


async def test_an_unknown_category_is_asked_again() -> None:
    slots, said = await validate(tracker("về cái kia", "inform", asked="feedback_category"))
    assert slots["feedback_category"] is None and "chọn giúp em một lĩnh vực" in said[0]


async def test_the_complaint_is_taken_even_when_nlu_read_another_subject() -> None:
    text = "cán bộ thu lệ phí cao hơn quy định mà không đưa biên lai"
    slots, _ = await validate(tracker(text, "ask_online_payment", asked="feedback_content"))
    assert slots["feedback_content"] == text


async def test_a_too_short_complaint_is_asked_to_be_precise() -> None:
    slots, said = await validate(tracker("chậm quá", "inform", asked="feedback_content"))
    assert slots["feedback_content"] is None and "cụ thể hơn" in said[0]


@pytest.mark.parametrize(
    ("text", "intent", "asked"),
    [
        ("xin chào", "greet", "feedback_content"),
        ("nhận kết quả qua bưu điện được không?", "ask_postal_service", "feedback_content"),
        ("hủy", "deny", "feedback_name"),
        ("cảm ơn em", "thank", "feedback_phone"),
        ("gặp cán bộ", "request_human", "feedback_category"),
    ],
)
async def test_interruptions_fill_nothing_so_the_rules_answer_them(
    text: str, intent: str, asked: str
) -> None:
    slots, said = await validate(tracker(text, intent, asked=asked))
    assert slots == {} and said == []


async def test_a_name_with_digits_is_refused() -> None:
    slots, said = await validate(tracker("An 123", "inform", asked="feedback_name"))
    assert slots["feedback_name"] is None and "chỉ gồm chữ cái" in said[0]


async def test_a_phone_given_with_the_name_saves_the_phone_question() -> None:
    slots, _ = await validate(
        tracker("Nguyễn Văn An, 0912.345.678", "inform", asked="feedback_name")
    )
    assert slots["feedback_name"] == "Nguyễn Văn An" and slots["feedback_phone"] == "0912345678"


@pytest.mark.parametrize(
    ("typed", "phone"), [("+84 912 345 678", "0912345678"), ("sdt 0987654321 a", "0987654321")]
)
async def test_a_phone_in_any_usual_form_is_kept_in_national_form(typed: str, phone: str) -> None:
    slots, said = await validate(tracker(typed, "inform", asked="feedback_phone"))
    assert slots["feedback_phone"] == phone and said == []


async def test_an_invalid_phone_is_explained_and_asked_again() -> None:
    slots, said = await validate(tracker("0221 3862 123", "inform", asked="feedback_phone"))
    assert slots["feedback_phone"] is None
    assert "10 chữ số" in said[0] and "0912345678" in said[0]


@pytest.mark.parametrize(
    ("text", "intent"), [("/skip", "skip"), ("không có", "deny"), ("bỏ qua", "deny")]
)
async def test_the_dossier_code_can_be_skipped(text: str, intent: str) -> None:
    slots, said = await validate(tracker(text, intent, asked="feedback_dossier_code"))
    assert slots["feedback_dossier_code"] == NO_DOSSIER and said == []


async def test_cancel_words_at_the_dossier_code_step_still_cancel() -> None:
    slots, _ = await validate(tracker("thôi hủy đi", "deny", asked="feedback_dossier_code"))
    assert slots == {}


async def test_a_dossier_code_in_the_complaint_fills_the_related_dossier() -> None:
    text = "khiếu nại hồ sơ h31.29-260115-0001 giải quyết sai, cán bộ không giải thích"
    slots, _ = await validate(tracker(text, "submit_feedback", asked="feedback_content"))
    assert slots["feedback_content"] == text
    assert slots["feedback_dossier_code"] == "H31.29-260115-0001"


async def test_a_wrong_dossier_code_is_explained() -> None:
    slots, said = await validate(tracker("HS 123", "inform", asked="feedback_dossier_code"))
    assert slots["feedback_dossier_code"] is None and "Bỏ qua" in said[0]


async def test_only_a_yes_confirms() -> None:
    yes, _ = await validate(tracker("/affirm", "affirm", asked="feedback_confirmed"))
    no, _ = await validate(tracker("/deny", "deny", asked="feedback_confirmed"))
    assert yes["feedback_confirmed"] is True and no == {}


async def test_the_summary_masks_the_phone_and_offers_send_or_cancel() -> None:
    filled = {**FILLED, "feedback_confirmed": None}
    messages, _ = await run(ActionAskFeedbackConfirmed(), tracker("", "inform", slots=filled))
    (message,) = messages
    assert "0912***678" in message["text"] and "0912345678" not in message["text"]
    assert "Giải quyết chậm trễ" in message["text"] and "Nguyễn Văn An" in message["text"]
    assert "H31.29-260115-0001" in message["text"]
    assert [(b["title"], b["payload"]) for b in message["buttons"]] == [
        ("Gửi", "/affirm"),
        ("Hủy", "/deny"),
    ]


# ── submission ──────────────────────────────────────────────────────────────────────────


async def test_the_tracking_code_is_given_once_the_feedback_is_stored(
    service: FeedbackService,
) -> None:
    messages, events = await run(
        ActionSubmitFeedback(service), tracker("/affirm", "affirm", slots=FILLED)
    )
    # PAKN-<year>-<8 random characters>: nothing to count from.
    found = re.search(
        r"Mã phản ánh của Anh/chị là (PAKN-2026-[2-9A-HJKMNP-TV-Z]{8});", said(messages[0])
    )
    assert found
    code = found.group(1)
    stored = service.status(code)
    assert stored is not None and stored.category == "cham_tre"
    assert stored.dossier_code == "H31.29-260115-0001"
    (item,) = service.inbox()
    assert item.sender_id == CITIZEN and item.phone == "0912345678"
    slots = slot_events(events)
    assert all(slots[slot] is None for slot in FORM_SLOTS)
    assert slots["feedback_code"] == code


async def test_a_skipped_dossier_code_is_stored_as_none(service: FeedbackService) -> None:
    skipped = {**FILLED, "feedback_dossier_code": NO_DOSSIER}
    await run(ActionSubmitFeedback(service), tracker("/affirm", "affirm", slots=skipped))
    (item,) = service.inbox()
    assert item.dossier_code is None


class FailingService:
    def submit(self, draft: FeedbackDraft) -> str:
        raise FeedbackNotSaved("database is locked")


async def test_a_failed_save_gives_no_code_and_keeps_the_answers_for_a_retry() -> None:
    messages, events = await run(
        ActionSubmitFeedback(FailingService()),  # type: ignore[arg-type]
        tracker("/affirm", "affirm", slots=FILLED),
    )
    text = said(messages[0])
    assert "chưa lưu được" in text and "Anh/chị vui lòng thử lại sau" in text
    assert "PAKN" not in text
    assert slot_events(events) == {"feedback_confirmed": None}
    # The form reopens on its confirmation step, offering Gửi / Hủy again.
    assert {"event": "followup", "name": "feedback_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]


async def test_a_database_that_cannot_be_opened_gives_no_code(tmp_path: Path) -> None:
    # A directory is no SQLite file: the real service fails as a full disk or a lost server would.
    broken = FeedbackService(make_engine(f"sqlite:///{tmp_path}"))
    confirmed = tracker("/affirm", "affirm", slots=FILLED)
    messages, _ = await run(ActionSubmitFeedback(broken), confirmed)
    assert "chưa lưu được" in said(messages[0]) and "PAKN" not in said(messages[0])


async def test_cancelling_clears_every_answer_and_says_so() -> None:
    filled = {**FILLED, "feedback_confirmed": None}
    t = Tracker(
        CITIZEN,
        filled,
        {"text": "hủy", "intent": {"name": "deny"}},
        [],
        False,
        None,
        {"name": "feedback_form"},
        "action_listen",
    )
    messages, events = await run(ActionCancel(), t)
    assert "đã hủy phản ánh" in said(messages[0])
    slots = slot_events(events)
    assert all(slot in slots and slots[slot] is None for slot in FORM_SLOTS)
    assert {"event": "active_loop", "timestamp": None, "name": None} in events


# ── status by code ──────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("kiểm tra phản ánh pakn 2026 7kq3xm9d", "PAKN-2026-7KQ3XM9D"),
        ("kiểm tra phản ánh pakn 2026 123", "PAKN-2026-000123"),  # an old code
    ],
)
async def test_the_code_is_read_however_it_is_typed(
    service: FeedbackService, typed: str, code: str
) -> None:
    slots, _ = await validate(
        tracker(typed, "check_feedback_status"), ValidateFeedbackStatusForm(service)
    )
    assert slots["feedback_code"] == code


async def test_a_wrong_feedback_code_is_explained(service: FeedbackService) -> None:
    slots, said = await validate(
        tracker("mã 2026", "inform", asked="feedback_code"), ValidateFeedbackStatusForm(service)
    )
    assert slots["feedback_code"] is None and "PAKN-2026-7KQ3XM9D" in said[0]


def submitted(service: FeedbackService) -> str:
    return service.submit(
        FeedbackDraft(
            category="thai_do",
            content=COMPLAINT,
            citizen_name="Nguyễn Văn An",
            phone="0912345678",
            sender_id=CITIZEN,
        )
    )


async def status(
    service: FeedbackService, code: str, sender: str, digits: str | None = None
) -> str:
    slots = {"feedback_code": code, "feedback_phone_last4": digits}
    t = tracker(code, "check_feedback_status", slots=slots, sender=sender)
    messages, events = await run(ActionFeedbackStatus(service), t)
    assert slot_events(events) == {"feedback_phone_last4": None}  # the digits are not kept
    return said(messages[0])


async def test_a_new_feedback_shows_its_status(service: FeedbackService) -> None:
    code = submitted(service)
    text = await status(service, code, CITIZEN)
    assert code in text and "Mới tiếp nhận" in text and "02/03/2026" in text
    assert "Thái độ, tác phong cán bộ" in text
    assert "0912" not in text and "Nguyễn" not in text


async def test_the_submitter_sees_the_reply_and_anyone_else_must_give_the_phone_digits(
    service: FeedbackService,
) -> None:
    code = submitted(service)  # phone 0912345678
    service.reply(code, "Phường đã nhắc nhở cán bộ và xin lỗi ông.", by="official:lam-son")
    own = await status(service, code, CITIZEN)
    assert "Đã trả lời" in own and "Phường đã nhắc nhở cán bộ và xin lỗi ông." in own
    other = await status(service, code, "telegram:999")
    assert f"4 số cuối của số điện thoại đã dùng khi gửi phản ánh {code}" in other
    assert "Đã trả lời" not in other and "Thái độ" not in other
    wrong = await status(service, code, "telegram:999", digits="1234")
    assert "chưa khớp" in wrong and "Đã trả lời" not in wrong
    right = await status(service, code, "telegram:999", digits="5678")
    assert "Đã trả lời" in right and "xin lỗi ông" in right
    assert "0912" not in own + other + wrong + right


async def test_an_unknown_feedback_code_is_answered_like_a_wrong_phone(
    service: FeedbackService,
) -> None:
    submitted(service)
    asked = await status(service, "PAKN-2026-7KQ3XM9D", CITIZEN)
    assert "4 số cuối" in asked
    text = await status(service, "PAKN-2026-7KQ3XM9D", CITIZEN, digits="5678")
    assert "hoặc không có phản ánh mang mã này" in text and "PAKN-2026-7KQ3XM9D" in text


async def test_repeated_wrong_digits_are_refused_for_a_while(engine: Engine) -> None:
    limited = FeedbackService(
        engine, clock=lambda: NOW, phone_tries=SlidingWindowLimiter(2, 600, clock=lambda: 0.0)
    )
    code = submitted(limited)
    assert "chưa khớp" in await status(limited, code, "telegram:999", digits="0000")
    refused = await status(limited, code, "telegram:999", digits="0000")
    assert "nhập sai nhiều lần" in refused and "10 phút" in refused
    assert "nhập sai nhiều lần" in await status(limited, code, "telegram:999", digits="5678")


async def test_the_status_form_asks_the_digits_only_of_someone_else(
    service: FeedbackService,
) -> None:
    code = submitted(service)
    form = ValidateFeedbackStatusForm(service)
    own, _ = await validate(tracker(f"kiểm tra phản ánh {code}", "check_feedback_status"), form)
    assert own == {"feedback_code": code}  # the form is done: the status follows
    other, _ = await validate(
        tracker(f"kiểm tra phản ánh {code}", "check_feedback_status", sender="telegram:999"),
        form,
    )
    assert other == {"feedback_code": code, "requested_slot": "feedback_phone_last4"}


@pytest.mark.parametrize(
    ("typed", "digits"), [("5678", "5678"), ("5 6 7 8", "5678"), ("số cuối là 5678 ạ", "5678")]
)
async def test_the_phone_digits_are_read_from_the_answer(
    service: FeedbackService, typed: str, digits: str
) -> None:
    code = submitted(service)
    slots, _ = await validate(
        tracker(
            typed,
            "inform",
            asked="feedback_phone_last4",
            slots={"feedback_code": code},
            sender="telegram:999",
        ),
        ValidateFeedbackStatusForm(service),
    )
    assert slots["feedback_phone_last4"] == digits


async def test_anything_but_four_digits_is_explained(service: FeedbackService) -> None:
    code = submitted(service)
    slots, said = await validate(
        tracker(
            "0912345678",
            "inform",
            asked="feedback_phone_last4",
            slots={"feedback_code": code},
            sender="telegram:999",
        ),
        ValidateFeedbackStatusForm(service),
    )
    assert slots["feedback_phone_last4"] is None and "4 chữ số cuối" in said[0]


async def test_the_digits_question_names_the_code() -> None:
    t = tracker("", "inform", slots={"feedback_code": "PAKN-2026-7KQ3XM9D"})
    messages, _ = await run(ActionAskFeedbackPhoneLast4(), t)
    assert "4 số cuối" in said(messages[0]) and "PAKN-2026-7KQ3XM9D" in said(messages[0])


async def test_cancelling_the_status_lookup_forgets_the_digits() -> None:
    slots = {"feedback_code": "PAKN-2026-7KQ3XM9D", "feedback_phone_last4": "5678"}
    t = Tracker(
        CITIZEN,
        slots,
        {"text": "hủy", "intent": {"name": "deny"}},
        [],
        False,
        None,
        {"name": "feedback_status_form"},
        "action_listen",
    )
    messages, events = await run(ActionCancel(), t)
    assert "dừng tra cứu phản ánh" in said(messages[0])
    assert slot_events(events) == {
        "requested_slot": None,
        "feedback_code": None,
        "feedback_phone_last4": None,
    }


async def test_four_digits_are_the_answer_whatever_the_nlu_read(service: FeedbackService) -> None:
    code = submitted(service)
    asked = {"asked": "feedback_phone_last4", "slots": {"feedback_code": code}}
    slots, _ = await validate(
        tracker("5678", "out_of_scope", sender="telegram:999", **asked),  # type: ignore[arg-type]
        ValidateFeedbackStatusForm(service),
    )
    assert slots["feedback_phone_last4"] == "5678"
    # A real interruption without digits fills nothing: the rules answer it.
    slots, _ = await validate(
        tracker("cảm ơn", "thank", sender="telegram:999", **asked),  # type: ignore[arg-type]
        ValidateFeedbackStatusForm(service),
    )
    assert "feedback_phone_last4" not in slots
