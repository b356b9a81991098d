"""The personal-data notice in the complaint form (agree, decline, anything else), the agreement
recorded with the complaint, and "xóa dữ liệu của tôi" once confirmed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Engine

from actions.core import ActionCancel
from actions.feedback import FORM_SLOTS, ValidateFeedbackForm, draft_from_slots
from actions.privacy import ActionAskFeedbackConsent, ActionEraseMyData
from knowledge.feedback import FeedbackDraft, FeedbackService
from knowledge.privacy.notice import NOTICE_VERSION
from knowledge.shared.db import make_engine
from knowledge.shared.privacy import FORGET_CONVERSATION_SLOT
from tests.paths import ROOT
from tests.unit.actions.replies import said

DOMAIN = yaml.safe_load((ROOT / "domain" / "feedback.yml").read_text(encoding="utf-8"))
CITIZEN = "web:abc123"
ASKED_CONSENT = {
    "feedback_category": "cham_tre",
    "feedback_content": "Hồ sơ của tôi quá hạn mười ngày mà chưa có kết quả.",
}


def tracker(
    text: str, intent: str, *, asked: str | None = None, slots: dict[str, Any] | None = None
) -> Tracker:
    latest = {"text": text, "intent": {"name": intent}, "entities": []}
    values = {**(slots or {}), "requested_slot": asked}
    loop = {"name": "feedback_form"} if asked else {}
    events = [{"event": "user", "text": text, "parse_data": latest}]
    return Tracker(CITIZEN, values, latest, events, False, None, loop, "action_listen")


async def run(action: Any, t: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, DOMAIN)
    return dispatcher.messages, events


def slots_set(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_privacy_notice_comes_before_the_name_with_agree_and_decline_buttons() -> None:
    required = DOMAIN["forms"]["feedback_form"]["required_slots"]
    assert required.index("feedback_consent") == required.index("feedback_name") - 1
    messages, _ = await run(ActionAskFeedbackConsent(), tracker("...", "inform"))
    (notice,) = messages
    assert "Nghị định 13/2023/NĐ-CP" in notice["text"] and "xóa dữ liệu của tôi" in notice["text"]
    assert [(b["title"], b["payload"]) for b in notice["buttons"]] == [
        ("Đồng ý", "/affirm"),
        ("Không đồng ý", "/deny"),
    ]


@pytest.mark.parametrize(("text", "intent"), [("/affirm", "affirm"), ("đồng ý", "inform")])
async def test_privacy_consent_is_taken_from_agree(text: str, intent: str) -> None:
    t = tracker(text, intent, asked="feedback_consent", slots=ASKED_CONSENT)
    events = await ValidateFeedbackForm().run(CollectingDispatcher(), t, DOMAIN)
    assert slots_set(events)["feedback_consent"] is True


async def test_privacy_consent_is_not_taken_from_anything_else() -> None:
    t = tracker("Nguyễn Văn An", "inform", asked="feedback_consent", slots=ASKED_CONSENT)
    events = await ValidateFeedbackForm().run(CollectingDispatcher(), t, DOMAIN)
    assert "feedback_consent" not in slots_set(events)  # the form asks again


async def test_privacy_decline_stops_the_form_politely_and_forgets_the_answers() -> None:
    t = tracker("/deny", "deny", asked="feedback_consent", slots=ASKED_CONSENT)
    messages, events = await run(ActionCancel(), t)
    text = said(messages[0])
    assert "tôn trọng lựa chọn" in text and "gặp cán bộ" in text
    assert all(slots_set(events)[slot] is None for slot in FORM_SLOTS)
    # "hủy", at the notice or at another step, is still a plain cancellation.
    for step in ("feedback_consent", "feedback_name"):
        other = tracker("hủy", "deny", asked=step, slots=ASKED_CONSENT)
        messages, _ = await run(ActionCancel(), other)
        assert "đã hủy phản ánh" in said(messages[0])


@pytest.mark.parametrize(("consent", "recorded"), [(True, NOTICE_VERSION), (None, None)])
def test_privacy_agreement_goes_with_the_complaint(consent: bool | None, recorded: str) -> None:
    t = tracker("/affirm", "affirm", slots={"feedback_consent": consent})
    assert draft_from_slots(t).consent_notice == recorded


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return make_engine(f"sqlite:///{tmp_path / 'app.db'}")


def _file(service: FeedbackService, sender: str) -> str:
    draft = FeedbackDraft("khac", "Nội dung phản ánh đủ dài.", "Lê Văn Nam", "0912345678", sender)
    return service.submit(draft)


async def test_privacy_erase_my_data_blanks_my_complaints_and_forgets_the_conversation(
    engine: Engine,
) -> None:
    service = FeedbackService(engine)
    mine, theirs = _file(service, CITIZEN), _file(service, "telegram:1")
    messages, events = await run(ActionEraseMyData(engine), tracker("/affirm", "affirm"))
    assert "đã xóa thông tin liên hệ trong 1 phản ánh" in said(messages[0])
    assert slots_set(events) == {FORGET_CONVERSATION_SLOT: True}
    assert service.filed_by(mine, CITIZEN) is False  # no longer tied to this conversation
    (item,) = [i for i in service.inbox(status=None) if i.code == mine]
    assert (item.citizen_name, item.phone) == ("", "")
    assert service.filed_by(theirs, "telegram:1") is True
    again, _ = await run(ActionEraseMyData(engine), tracker("/affirm", "affirm"))
    assert "không có phản ánh nào" in said(again[0])


async def test_privacy_erase_failure_says_so_and_forgets_nothing(tmp_path: Path) -> None:
    broken = make_engine(f"sqlite:///{tmp_path}")  # a directory: the database cannot open
    messages, events = await run(ActionEraseMyData(broken), tracker("/affirm", "affirm"))
    assert "chưa xóa được" in said(messages[0])
    assert events == []
