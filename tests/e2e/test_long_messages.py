"""Long messages through the real Rasa server: a complaint's description as long as a message
may be (4,000 characters by default) is taken whole; over the limit, the note tells a citizen
in a form to shorten it, never to split it into several."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text

from knowledge.shared.db import make_engine
from tests.e2e.conftest import RunningStack

SPLIT_ADVICE = "chia thành từng ý"
LONG_PART = "Đường vào trụ sở xã ngập nước, người dân không vào làm thủ tục được. "


def _texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(str(reply.get("text", "")) for reply in replies)


def _buttons(replies: list[dict[str, Any]]) -> dict[str, str]:
    return {b["title"]: b["payload"] for reply in replies for b in reply.get("buttons", [])}


def test_widget_long_message_inside_a_form_is_never_told_to_be_split(
    stack: RunningStack,
) -> None:
    limit = int(stack.settings["MAX_MESSAGE_CHARS"])
    too_long = (LONG_PART * (limit // len(LONG_PART) + 2))[: limit + 1]

    outside = _texts(stack.say(f"e2e-long-{uuid.uuid4().hex[:8]}", too_long))
    assert SPLIT_ADVICE in outside

    sender = f"e2e-long-{uuid.uuid4().hex[:8]}"
    categories = _buttons(stack.say(sender, "tôi muốn gửi phản ánh"))
    assert "nội dung phản ánh" in _texts(stack.say(sender, categories["Khác"]))
    inside = _texts(stack.say(sender, too_long))
    assert "rút gọn" in inside and SPLIT_ADVICE not in inside
    # The form is still waiting for the description, and takes one as long as a message may be.
    description = too_long[:limit].strip()
    notice = stack.say(sender, description)  # the personal-data notice comes before the name
    assert "họ và tên" in _texts(stack.say(sender, _buttons(notice)["Đồng ý"]))
    assert "số điện thoại" in _texts(stack.say(sender, "tên tôi là Nguyễn Văn An"))
    skip = _buttons(stack.say(sender, "0912 345 678"))
    summary = _buttons(stack.say(sender, skip["Bỏ qua"]))
    assert "Mã phản ánh" in _texts(stack.say(sender, summary["Gửi"]))
    engine = make_engine(stack.settings["DATABASE_URL"])
    with engine.connect() as connection:
        stored = connection.scalar(
            text("SELECT content FROM feedback WHERE sender_id LIKE :s"), {"s": f"%{sender}"}
        )
    assert stored == description  # whole, in one piece
