"""The buttons under a dossier answer through the real Rasa and action servers, and a web
chat's subscription: the web server's watcher puts exactly one update where the widget asks
for it (GET /api/notifications)."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
import uuid

from sqlalchemy import select, update

from knowledge.dossiers.models import Dossier
from knowledge.shared.db import make_engine, session_scope
from tests.e2e.conftest import RunningStack


def open_dossier(stack: RunningStack, skip: int) -> str:
    with session_scope(make_engine(stack.settings["DATABASE_URL"])) as session:
        codes = session.scalars(
            select(Dossier.code).where(Dossier.status == "processing").order_by(Dossier.code)
        ).all()
    return codes[-1 - skip]  # apart from the Telegram test's dossier (the first)


def status_answer(stack: RunningStack, sender: str, code: str) -> dict:
    replies = stack.say(sender, f"tra cứu hồ sơ {code}")
    return next(r for r in replies if f"thông tin hồ sơ {code}" in str(r.get("text")))


def press(stack: RunningStack, sender: str, answer: dict, title: str) -> list[dict]:
    (payload,) = [b["payload"] for b in answer["buttons"] if b["title"] == title]
    return stack.say(sender, payload)


def notifications(stack: RunningStack, sender: str, after: int = 0) -> list[dict]:
    query = urllib.parse.urlencode({"sender_id": sender, "after": after})
    with urllib.request.urlopen(f"{stack.web_url}/api/notifications?{query}", timeout=10) as r:
        return json.loads(r.read())["notifications"]


def test_notify_the_complaint_and_contact_buttons_lead_where_they_say(stack: RunningStack) -> None:
    sender = f"notify-buttons-{uuid.uuid4().hex[:8]}"
    code = open_dossier(stack, skip=1)
    answer = status_answer(stack, sender, code)
    assert [b["title"] for b in answer["buttons"]] == [
        "Nhận thông báo khi hồ sơ có thay đổi",
        "Gửi phản ánh",
        "Liên hệ",
    ]
    complaint = " ".join(str(r.get("text")) for r in press(stack, sender, answer, "Gửi phản ánh"))
    assert "phản ánh, kiến nghị về lĩnh vực nào" in complaint
    stack.say(sender, "hủy")
    contact = " ".join(str(r.get("text")) for r in press(stack, sender, answer, "Liên hệ"))
    assert "Bộ phận Một cửa" in contact or "đường dây nóng" in contact


def test_notify_a_web_chat_subscription_shows_exactly_one_update_in_the_widget(
    stack: RunningStack,
) -> None:
    sender = uuid.uuid4().hex  # a socket.io session id: the web channel
    code = open_dossier(stack, skip=2)
    answer = status_answer(stack, sender, code)
    subscribed = " ".join(
        str(r.get("text"))
        for r in press(stack, sender, answer, "Nhận thông báo khi hồ sơ có thay đổi")
    )
    assert "trong khung trò chuyện này" in subscribed
    with session_scope(make_engine(stack.settings["DATABASE_URL"])) as session:
        session.execute(update(Dossier).where(Dossier.code == code).values(status="rejected"))
    deadline = time.monotonic() + 20
    while not (shown := notifications(stack, sender)) and time.monotonic() < deadline:
        time.sleep(0.3)
    time.sleep(1.5)  # more rounds of the watcher (every 0.5 s here)
    (shown_once,) = notifications(stack, sender)
    assert shown_once == shown[0]
    assert "Tình trạng mới: Từ chối giải quyết" in shown_once["text"]
    assert "dừng gửi thông báo về hồ sơ này" in shown_once["text"]  # finished: ended
    assert notifications(stack, sender, after=shown_once["id"]) == []
    # "hủy nhận thông báo" now finds nothing to stop.
    replies = stack.say(sender, "hủy nhận thông báo")
    assert "không nhận thông báo về hồ sơ nào" in str(replies[0].get("text"))
