"""The actions behind a photo or PDF: read as a receipt (its code then looked up like a typed
one), or attached to the complaint being filed; and the complaint form's category guessed from
the citizen's words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Engine

from actions.attachments import ATTACHMENTS_SLOT, ActionAttachUpload, ActionReadReceipt
from actions.feedback import ValidateFeedbackForm, format_feedback_status, summary
from knowledge.feedback import FeedbackService
from knowledge.feedback.attachments import PER_FEEDBACK, Uploads, upload_message
from knowledge.shared.db import make_engine
from knowledge.shared.wording import say
from tests import upload_files
from tests.unit.actions.replies import said
from tests.unit.actions.test_feedback import COMPLAINT, DOMAIN, FILLED, NOW

CITIZEN = "telegram:123456789"
CODE = "H31.29-260115-0001"


@pytest.fixture
def uploads(tmp_path: Path) -> Uploads:
    engine: Engine = make_engine(f"sqlite:///{tmp_path / 'uploads.db'}")
    return Uploads(engine)


def upload_tracker(
    key: str, *, loop: str | None = None, slots: dict[str, Any] | None = None
) -> Tracker:
    text = upload_message(key)
    latest = {
        "text": text,
        "intent": {"name": "upload_file"},
        "entities": [{"entity": "upload_id", "value": key}],
    }
    active = {"name": loop} if loop else {}
    events = [{"event": "user", "text": text, "parse_data": latest}]
    return Tracker(CITIZEN, slots or {}, latest, events, False, None, active, "action_listen")


def store(uploads: Uploads, data: bytes, sender: str = CITIZEN) -> str:
    message = uploads.receive(data, sender)
    return message.split('"upload_id": "')[1].rstrip('"}')


async def run(action: Any, tracker: Tracker) -> tuple[list[str], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return [said(m) for m in dispatcher.messages], events


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_receipt_qr_photo_sets_the_code_for_the_lookup(uploads: Uploads) -> None:
    key = store(uploads, upload_files.receipt_photo_with_qr(CODE))
    texts, events = await run(ActionReadReceipt(uploads), upload_tracker(key))
    assert texts == [say("receipts.code_read", code=CODE)]
    assert slots_of(events)["dossier_code"] == CODE
    # Read once: the receipt is not kept.
    assert uploads.pending(key, CITIZEN) is None


async def test_receipt_answers_the_open_dossier_form_and_closes_it(uploads: Uploads) -> None:
    key = store(uploads, upload_files.qr_png(CODE))
    _, events = await run(ActionReadReceipt(uploads), upload_tracker(key, loop="dossier_form"))
    assert ActiveLoop(None) in events and slots_of(events)["dossier_code"] == CODE


async def test_receipt_without_a_code_asks_to_type_it(uploads: Uploads) -> None:
    key = store(uploads, upload_files.blank_photo())
    texts, events = await run(ActionReadReceipt(uploads), upload_tracker(key))
    assert texts == [say("receipts.no_code")] and "gõ giúp em mã hồ sơ" in texts[0]
    assert slots_of(events)["dossier_code"] is None


async def test_receipt_of_another_sender_is_not_read(uploads: Uploads) -> None:
    key = store(uploads, upload_files.qr_png(CODE), sender="telegram:42")
    texts, events = await run(ActionReadReceipt(uploads), upload_tracker(key))
    assert texts == [say("feedback.attachment_lost")]
    assert slots_of(events)["dossier_code"] is None


async def test_attach_adds_the_file_to_the_complaint(uploads: Uploads) -> None:
    key = store(uploads, upload_files.photo_with_gps())
    tracker = upload_tracker(key, loop="feedback_form", slots={ATTACHMENTS_SLOT: ["earlier"]})
    texts, events = await run(ActionAttachUpload(uploads), tracker)
    assert slots_of(events)[ATTACHMENTS_SLOT] == ["earlier", key]
    assert texts == [
        say(
            "feedback.attachment_received",
            kind=say("feedback.attachment_kind_image"),
            count=2,
            limit=PER_FEEDBACK,
        )
    ]


async def test_attach_stops_at_the_limit(uploads: Uploads) -> None:
    key = store(uploads, upload_files.pdf_receipt(CODE))
    full = [f"k{number}" for number in range(PER_FEEDBACK)]
    tracker = upload_tracker(key, loop="feedback_form", slots={ATTACHMENTS_SLOT: full})
    texts, events = await run(ActionAttachUpload(uploads), tracker)
    assert events == [] and texts == [say("feedback.attachment_limit_reached", limit=PER_FEEDBACK)]


def test_attach_count_is_in_the_summary_and_the_status() -> None:
    shown = summary({**FILLED, ATTACHMENTS_SLOT: ["a", "b"]})
    assert "Tệp đính kèm: 2" in shown
    assert "Tệp đính kèm" not in summary(FILLED)


def test_attach_count_is_in_the_status_by_tracking_code(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fb.db'}")
    uploads, service = Uploads(engine), FeedbackService(engine, clock=lambda: NOW)
    keys = [store(uploads, upload_files.blank_photo()) for _ in range(2)]
    from actions.feedback import draft_from_slots

    slots = {**FILLED, ATTACHMENTS_SLOT: keys}
    tracker = Tracker(CITIZEN, slots, {}, [], False, None, {}, "action_listen")
    code = service.submit(draft_from_slots(tracker))
    assert "Phản ánh kèm 2 tệp." in format_feedback_status(service.citizen_status(code, CITIZEN))


def form_tracker(text: str, intent: str, asked: str | None) -> Tracker:
    latest = {"text": text, "intent": {"name": intent}, "entities": []}
    events = [{"event": "user", "text": text, "parse_data": latest}]
    slots = {"requested_slot": asked}
    return Tracker(CITIZEN, slots, latest, events, False, None, {}, "action_listen")


async def validate(tracker: Tracker) -> dict[str, Any]:
    events = await ValidateFeedbackForm().run(CollectingDispatcher(), tracker, DOMAIN)
    return slots_of(events)


async def test_complaint_category_is_taken_from_the_request() -> None:
    request = form_tracker("cán bộ một cửa hách dịch, tôi muốn phản ánh", "submit_feedback", None)
    assert (await validate(request))["feedback_category"] == "thai_do"


async def test_complaint_category_is_asked_when_the_request_does_not_tell() -> None:
    request = form_tracker("tôi muốn gửi phản ánh", "submit_feedback", None)
    assert "feedback_category" not in await validate(request)


async def test_complaint_typed_at_the_category_question_gives_category_and_content() -> None:
    answer = form_tracker(COMPLAINT, "inform", "feedback_category")
    slots = await validate(answer)
    assert slots["feedback_category"] == "cham_tre" and slots["feedback_content"] == COMPLAINT
