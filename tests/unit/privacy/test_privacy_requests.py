"""A citizen's requests: an export of everything stored about them (for the official handling
the request) and its erasure, found by a complaint's code or the phone given with it; and the
agreement to the notice, recorded with each complaint."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine

from knowledge.feedback import FeedbackService, PhoneCheckFailed
from knowledge.feedback.personal_data import ComplaintPersonalData
from knowledge.privacy.notice import NOTICE_VERSION, consent_notice
from knowledge.privacy.service import PrivacyService
from knowledge.shared.settings import Retention
from tests.fakes import FakeClock
from tests.unit.privacy.stores import file_complaint, say_in, senders

CITIZEN, OTHER = "telegram:4242", "telegram:99"
ASKED = "Dạ, Anh/chị muốn phản ánh về lĩnh vực nào ạ?"


@pytest.fixture
def filed(
    feedback: FeedbackService, tracker_engine: Engine, clock: FakeClock
) -> tuple[str, str, str]:
    first = file_complaint(feedback, CITIZEN, "0912345678")
    second = file_complaint(feedback, "zalo:77", "0912 345 678")  # same phone, other channel
    other = file_complaint(feedback, OTHER, "0987654321")
    say_in(tracker_engine, CITIZEN, "user", "tôi muốn gửi phản ánh", clock.now)
    say_in(tracker_engine, CITIZEN, "bot", ASKED, clock.now)
    say_in(tracker_engine, OTHER, "user", "xin chào", clock.now)
    return first, second, other


def test_privacy_export_by_code_holds_the_complaint_and_its_conversation(
    privacy: PrivacyService, filed: tuple[str, str, str]
) -> None:
    found = privacy.export(code=filed[0].lower())
    (complaint,) = found.complaints
    assert (complaint.code, complaint.citizen_name, complaint.phone) == (
        filed[0],
        "Nguyễn Văn An",
        "0912345678",
    )
    assert complaint.consent_notice == NOTICE_VERSION and complaint.consented_at
    assert [(m.speaker, m.text) for m in found.conversations[CITIZEN]] == [
        ("user", "tôi muốn gửi phản ánh"),
        ("bot", ASKED),
    ]


def test_privacy_export_by_phone_finds_every_complaint_of_that_phone_only(
    privacy: PrivacyService, filed: tuple[str, str, str]
) -> None:
    found = privacy.export(phone="+84 912 345 678")
    assert [c.code for c in found.complaints] == [filed[0], filed[1]]
    assert set(found.conversations) == {CITIZEN, "zalo:77"}
    assert privacy.export(phone="0900").complaints == []  # not a phone: nothing, not everything
    assert privacy.export(code="PAKN-2026-XXXXXXXX").complaints == []


def test_privacy_erase_by_phone_blanks_contact_and_forgets_the_conversations(
    privacy: PrivacyService,
    feedback: FeedbackService,
    tracker_engine: Engine,
    filed: tuple[str, str, str],
) -> None:
    done = privacy.erase(phone="0912345678")
    assert (done.complaints, done.conversations, done.events) == (2, 2, 2)
    assert senders(tracker_engine) == {OTHER}
    assert privacy.export(phone="0912345678").complaints == []
    erased = privacy.export(code=filed[0]).complaints[0]
    assert (erased.citizen_name, erased.phone, erased.sender_id) == ("", "", "")
    # The filer's conversation is no longer recognised, and no digits match.
    with pytest.raises(PhoneCheckFailed):
        feedback.citizen_status(filed[0], CITIZEN, "5678")
    assert privacy.export(code=filed[2]).complaints[0].phone == "0987654321"


def test_privacy_erase_of_one_sender_leaves_other_senders_alone(
    privacy: PrivacyService, app_engine: Engine, filed: tuple[str, str, str], clock: FakeClock
) -> None:
    assert ComplaintPersonalData(app_engine).erase_sender(CITIZEN, clock.now) == 1
    assert ComplaintPersonalData(app_engine).erase_sender("", clock.now) == 0
    remaining = [c.code for c in privacy.export(phone="0912345678").complaints]
    assert remaining == [filed[1]]


def test_privacy_notice_states_purpose_retention_and_how_to_ask_for_deletion() -> None:
    text = consent_notice(Retention(complaint_contact_days=180, conversation_days=30))
    assert "Nghị định 13/2023/NĐ-CP" in text
    assert "180 ngày" in text and "30 ngày" in text
    assert "xóa dữ liệu của tôi" in text and "Mục đích" in text


def test_privacy_cli_exports_json_and_erases(
    feedback: FeedbackService,
    app_engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from knowledge import cli

    code = file_complaint(feedback, CITIZEN)
    monkeypatch.setenv("DATABASE_URL", str(app_engine.url))
    monkeypatch.setenv("RASA_TRACKER_DB", str(app_engine.url.database) + ".tracker")
    assert cli.main(["privacy", "export", "--code", code]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["complaints"][0]["phone"] == "0912345678"
    assert cli.main(["privacy", "export"]) == 64
    assert cli.main(["privacy", "erase", "--code", code, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["complaints"] == 1
    # Filed (by the fixture's clock) on 2 March 2026, months before today: past 30 days.
    file_complaint(feedback, OTHER)
    monkeypatch.setenv("RETENTION_COMPLAINT_DAYS", "30")
    assert cli.main(["retention", "run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"complaints": 1, "conversations": 0, "events": 0}
