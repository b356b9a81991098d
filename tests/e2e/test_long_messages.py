"""Long messages through the real Rasa server: over the limit, the note tells a citizen in a
form (writing a complaint's description) to shorten it, never to split it into several."""

from __future__ import annotations

import uuid

from tests.e2e.conftest import RunningStack

SPLIT_ADVICE = "chia thành từng ý"
LONG_PART = "Đường vào trụ sở xã ngập nước, người dân không vào làm thủ tục được. "


def _texts(replies: list[dict[str, object]]) -> str:
    return "\n".join(str(reply.get("text", "")) for reply in replies)


def test_widget_long_message_inside_a_form_is_never_told_to_be_split(
    stack: RunningStack,
) -> None:
    limit = int(stack.settings["MAX_MESSAGE_CHARS"])
    too_long = (LONG_PART * (limit // len(LONG_PART) + 2))[: limit + 1]

    outside = _texts(stack.say(f"e2e-long-{uuid.uuid4().hex[:8]}", too_long))
    assert SPLIT_ADVICE in outside

    sender = f"e2e-long-{uuid.uuid4().hex[:8]}"
    categories = stack.say(sender, "tôi muốn gửi phản ánh")
    category = next(b for r in categories for b in r.get("buttons", []))  # type: ignore[attr-defined]
    assert "nội dung phản ánh" in _texts(stack.say(sender, category["payload"]))
    inside = _texts(stack.say(sender, too_long))
    assert "rút gọn" in inside and SPLIT_ADVICE not in inside
    # The form is still waiting for the description.
    assert "họ và tên" in _texts(stack.say(sender, LONG_PART * 3))
