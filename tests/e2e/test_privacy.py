"""Personal data through the real Rasa and action servers, over REST: the notice before name
and phone (declined: nothing stored; agreed: the agreement stored with the complaint), "xóa dữ
liệu của tôi" with its confirmation, and the action server refusing calls without its token."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from knowledge.feedback import Feedback
from knowledge.privacy.notice import NOTICE_VERSION
from knowledge.shared.db import make_engine
from tests.e2e.conftest import RunningStack
from tests.e2e.test_feedback import CODE, COMPLAINT, _buttons, _fill_until_summary, _texts


def _sender() -> str:
    return f"e2e-privacy-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def app_db(stack: RunningStack) -> Engine:
    return make_engine(stack.settings["DATABASE_URL"])


@pytest.fixture(scope="module")
def tracker_db(stack: RunningStack) -> Engine:
    return make_engine(f"sqlite:///{stack.settings['RASA_TRACKER_DB']}")


def _complaints(engine: Engine, sender: str) -> list[Feedback]:
    with engine.connect() as connection:
        return list(connection.execute(sa.select(Feedback).where(Feedback.sender_id == sender)))


def _stored_texts(engine: Engine, sender: str) -> str:
    query = sa.text("SELECT data FROM events WHERE sender_id = :sender ORDER BY id")
    with engine.connect() as connection:
        return " ".join(connection.scalars(query, {"sender": sender}))


def test_privacy_notice_declined_stops_the_form_and_stores_nothing(
    stack: RunningStack, app_db: Engine
) -> None:
    sender = _sender()
    categories = _buttons(stack.say(sender, "tôi muốn gửi phản ánh"))
    stack.say(sender, categories["Thủ tục hành chính"])
    notice = stack.say(sender, COMPLAINT)
    text = _texts(notice)
    assert "Nghị định 13/2023/NĐ-CP" in text and "xóa dữ liệu của tôi" in text
    assert "90 ngày" in text and "365 ngày" in text  # the configured retention, by default
    declined = _texts(stack.say(sender, _buttons(notice)["Không đồng ý"]))
    assert "tôn trọng lựa chọn" in declined and "họ và tên" not in declined
    assert _complaints(app_db, sender) == []


def test_privacy_agreement_is_stored_with_the_complaint(
    stack: RunningStack, app_db: Engine
) -> None:
    sender = _sender()
    summary = _fill_until_summary(stack, sender, COMPLAINT)
    assert CODE.search(_texts(stack.say(sender, _buttons(summary)["Gửi"])))
    (row,) = _complaints(app_db, sender)
    assert row.consent_notice == NOTICE_VERSION and row.consented_at is not None


def test_privacy_erase_my_data_after_confirmation(
    stack: RunningStack, app_db: Engine, tracker_db: Engine
) -> None:
    sender = _sender()
    summary = _fill_until_summary(stack, sender, COMPLAINT)
    found = CODE.search(_texts(stack.say(sender, _buttons(summary)["Gửi"])))
    assert found
    code = found.group(0)

    asked = stack.say(sender, "xóa dữ liệu của tôi")
    assert "có chắc muốn xóa" in _texts(asked)
    kept = _texts(stack.say(sender, _buttons(asked)["Không xóa"]))
    assert "giữ nguyên dữ liệu" in kept
    assert _complaints(app_db, sender)[0].phone == "0912345678"

    asked = stack.say(sender, "xoa du lieu cua toi")
    erased = _texts(stack.say(sender, _buttons(asked)["Xóa dữ liệu"]))
    assert "đã xóa thông tin liên hệ trong 1 phản ánh" in erased

    assert _complaints(app_db, sender) == []  # no complaint is tied to this sender any more
    with app_db.connect() as connection:
        row = connection.execute(sa.select(Feedback).where(Feedback.code == code)).one()
    assert (row.citizen_name, row.phone, row.sender_id) == ("", "", "")
    assert row.content == COMPLAINT and row.contact_erased_at is not None
    assert _stored_texts(tracker_db, sender) == ""  # the whole conversation is forgotten

    # The conversation starts afresh, and its own code no longer shows without the digits.
    status = _texts(stack.say(sender, f"kiểm tra phản ánh {code}"))
    assert "4 số cuối" in status
    assert "Nguyễn Văn An" not in _stored_texts(tracker_db, sender)


def _post_action_call(stack: RunningStack, headers: dict[str, str]) -> int:
    call = {"next_action": "action_erase_my_data", "sender_id": "intruder", "tracker": {}}
    request = urllib.request.Request(
        f"http://127.0.0.1:{stack.settings['ACTIONS_PORT']}/webhook",
        data=json.dumps(call).encode(),
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as refused:
        return refused.code


def test_action_server_token_refuses_calls_not_from_rasa(stack: RunningStack) -> None:
    assert _post_action_call(stack, {}) == 401
    assert _post_action_call(stack, {"Authorization": "Bearer guessed-token-123456"}) == 401
    # Rasa, which holds the token, still gets its actions run (the form's validation).
    assert "mã phản ánh" in _texts(stack.say(_sender(), "tôi muốn kiểm tra phản ánh"))
