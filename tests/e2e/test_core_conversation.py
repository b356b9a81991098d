"""The thin slice through the real Rasa server and the real action server, over REST."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid

import pytest

from tests.e2e.conftest import RunningStack


def _sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:8]}"


def _texts(replies: list[dict[str, object]]) -> str:
    return "\n".join(str(reply.get("text", "")) for reply in replies)


@pytest.mark.parametrize("greeting", ["xin chào", "xin chao", "Chào em"])
def test_greeting_is_answered_politely_in_vietnamese(stack: RunningStack, greeting: str) -> None:
    text = _texts(stack.say(_sender(), greeting))
    assert "xin chào" in text.lower()
    assert "Anh/chị" in text


def test_capabilities_menu_comes_from_the_action_server_with_buttons(stack: RunningStack) -> None:
    replies = stack.say(_sender(), "bạn làm được gì")
    buttons = [button for reply in replies for button in reply.get("buttons", [])]  # type: ignore[union-attr]
    titles = {button["title"] for button in buttons}
    assert {"Tra cứu hồ sơ", "Gửi phản ánh, kiến nghị"} <= titles
    assert all(button["payload"].strip() for button in buttons)


def test_thanks_goodbye_and_out_of_scope(stack: RunningStack) -> None:
    sender = _sender()
    assert "không có gì" in _texts(stack.say(sender, "cảm ơn em nhiều"))
    assert "ngoài phạm vi" in _texts(stack.say(sender, "giá vàng hôm nay bao nhiêu"))
    assert "chào Anh/chị" in _texts(stack.say(sender, "tạm biệt"))


def test_rasa_http_api_is_not_open_without_a_token(stack: RunningStack) -> None:
    request = urllib.request.Request(
        f"{stack.rasa_url}/model/parse", data=b'{"text": "xin chao"}', method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=10)
    assert error.value.code in (401, 403, 404)


def test_web_page_serves_the_vietnamese_chat_widget(stack: RunningStack) -> None:
    with urllib.request.urlopen(stack.web_url + "/", timeout=10) as response:
        page = response.read().decode()
    assert 'lang="vi"' in page and "Trợ lý dịch vụ công" in page
    with urllib.request.urlopen(stack.web_url + "/vendor/socket.io/socket.io.min.js") as script:
        assert script.status == 200
