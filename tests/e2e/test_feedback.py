"""Feedback intake and status through the real Rasa and action servers, over REST: the code is
given only once the feedback is in the database, and the reply reaches only its submitter."""

from __future__ import annotations

import re
import uuid

import pytest

from knowledge.feedback import CATEGORIES, STATUSES, FeedbackService
from knowledge.shared.db import make_engine
from tests.e2e.conftest import RunningStack

CODE = re.compile(r"PAKN-\d{4}-[2-9A-HJKMNP-TV-Z]{8}")  # random, nothing to count from
COMPLAINT = "Hồ sơ cấp sổ đỏ nộp ở phường Lam Sơn đã quá hạn 10 ngày mà chưa có kết quả"


def _sender() -> str:
    return f"e2e-feedback-{uuid.uuid4().hex[:8]}"


def _texts(replies: list[dict[str, object]]) -> str:
    return "\n".join(str(reply.get("text", "")) for reply in replies)


def _buttons(replies: list[dict[str, object]]) -> dict[str, str]:
    return {b["title"]: b["payload"] for r in replies for b in r.get("buttons", [])}  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def service(stack: RunningStack) -> FeedbackService:
    return FeedbackService(make_engine(stack.settings["DATABASE_URL"]))


def _fill_until_summary(stack: RunningStack, sender: str, content: str) -> list[dict[str, object]]:
    categories = _buttons(stack.say(sender, "tôi muốn gửi phản ánh"))
    assert list(categories) == list(CATEGORIES.values())
    assert "nội dung phản ánh" in _texts(stack.say(sender, categories["Giải quyết chậm trễ"]))
    notice = stack.say(sender, content)
    assert "Nghị định 13/2023/NĐ-CP" in _texts(notice)
    assert "họ và tên" in _texts(stack.say(sender, _buttons(notice)["Đồng ý"]))
    assert "số điện thoại" in _texts(stack.say(sender, "tên tôi là Nguyễn Văn An"))
    wrong = _texts(stack.say(sender, "0912 345 67"))
    assert "10 chữ số" in wrong
    skip = _buttons(stack.say(sender, "0912 345 678"))
    return stack.say(sender, skip["Bỏ qua"])


def test_a_complaint_from_start_to_tracking_code_then_its_status(
    stack: RunningStack, service: FeedbackService
) -> None:
    sender = _sender()
    summary = _fill_until_summary(stack, sender, COMPLAINT)
    text = _texts(summary)
    assert "0912***678" in text and "0912345678" not in text and COMPLAINT in text
    done = _texts(stack.say(sender, _buttons(summary)["Gửi"]))
    found = CODE.search(done)
    assert found and "Mã phản ánh của Anh/chị là" in done
    code = found.group(0)
    # Committed before it was shown.
    stored = service.status(code)
    assert stored is not None and stored.category_label == "Giải quyết chậm trễ"

    status = _texts(stack.say(sender, f"kiểm tra phản ánh {code}"))
    assert code in status and STATUSES["new"] in status

    service.reply(code, "Phường đã xử lý xong hồ sơ, mời ông đến nhận kết quả.", by="e2e-official")
    own = _texts(stack.say(sender, f"tra cứu phản ánh {code.lower()}"))
    assert STATUSES["answered"] in own and "mời ông đến nhận kết quả" in own
    # Anyone else must give the last four digits of the phone the complaint was filed with.
    stranger = _sender()
    asked = _texts(stack.say(stranger, f"kiểm tra phản ánh {code}"))
    assert "4 số cuối" in asked and STATUSES["answered"] not in asked
    wrong = _texts(stack.say(stranger, "1234"))
    assert "chưa khớp" in wrong and "mời ông đến nhận kết quả" not in wrong
    stack.say(stranger, f"kiểm tra phản ánh {code}")
    right = _texts(stack.say(stranger, "5678"))
    assert STATUSES["answered"] in right and "mời ông đến nhận kết quả" in right
    assert "0912" not in own + asked + wrong + right


def test_a_complaint_cancelled_midway_is_not_stored(
    stack: RunningStack, service: FeedbackService
) -> None:
    sender = _sender()
    content = f"Cán bộ một cửa yêu cầu nộp thêm giấy tờ không có trong quy định {uuid.uuid4().hex}"
    categories = _buttons(stack.say(sender, "gui phan anh"))
    stack.say(sender, categories["Thủ tục hành chính"])
    stack.say(sender, content)
    cancelled = _texts(stack.say(sender, "hủy"))
    assert "đã hủy phản ánh" in cancelled and not CODE.search(cancelled)
    assert all(item.content != content for item in service.inbox(status=None, limit=200))
    # The form is gone: a name now is no answer to an old question.
    assert "số điện thoại" not in _texts(stack.say(sender, "Nguyễn Văn An"))


def test_cancelling_at_the_summary_gives_no_code(stack: RunningStack) -> None:
    sender = _sender()
    summary = _fill_until_summary(stack, sender, COMPLAINT)
    cancelled = _texts(stack.say(sender, _buttons(summary)["Hủy"]))
    assert "đã hủy phản ánh" in cancelled and not CODE.search(cancelled)


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("nhận kết quả qua bưu điện được ko", "bưu chính công ích"),
        ("hạn nộp báo cáo CCHC sắp tới của xã Long Điền A là khi nào?", "hạn báo cáo sắp tới"),
    ],
)
def test_a_question_inside_the_form_is_answered_and_the_form_goes_on(
    stack: RunningStack, question: str, answered: str
) -> None:
    sender = _sender()
    categories = _buttons(stack.say(sender, "tôi muốn khiếu nại"))
    stack.say(sender, categories["Khác"])
    text = _texts(stack.say(sender, question))
    assert answered in text and "nội dung phản ánh" in text
    assert "dữ liệu cá nhân" in _texts(stack.say(sender, COMPLAINT))


def test_the_cancel_payload_of_telegram_huy_stops_the_form(stack: RunningStack) -> None:
    sender = _sender()
    categories = _buttons(stack.say(sender, "gui phan anh"))
    stack.say(sender, categories["Thủ tục hành chính"])
    assert "đã hủy phản ánh" in _texts(stack.say(sender, "/cancel"))
    # The form is gone: nothing is left to cancel.
    assert "không có thao tác nào" in _texts(stack.say(sender, "/cancel"))


def test_a_wrong_then_an_unknown_feedback_code(
    stack: RunningStack, service: FeedbackService
) -> None:
    unknown = "PAKN-2025-999999"
    assert service.status(unknown) is None
    sender = _sender()
    assert "mã phản ánh" in _texts(stack.say(sender, "tôi muốn kiểm tra kết quả phản ánh"))
    assert "chưa đúng dạng" in _texts(stack.say(sender, "mã 2026"))
    # An unknown code gets the same answer as another citizen's: codes cannot be probed.
    assert "4 số cuối" in _texts(stack.say(sender, unknown))
    text = _texts(stack.say(sender, "5678"))
    assert f"chưa khớp với phản ánh {unknown}" in text
