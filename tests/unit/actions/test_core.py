"""Core actions: the capabilities menu and cancelling an open form."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.core import ActionCancel, ActionCapabilities
from tests.unit.actions.replies import said


def _tracker(active_loop: str | None) -> Tracker:
    loop = {"name": active_loop} if active_loop else {}
    return Tracker("s1", {}, {"intent": {"name": "cancel"}}, [], False, None, loop, "action_listen")


def _run(action: Any, tracker: Tracker, domain: dict[str, Any]) -> tuple[list, list]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return dispatcher.messages, events


def test_menu_offers_every_capability_as_a_button() -> None:
    messages, _ = _run(ActionCapabilities(), _tracker(None), {})
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert "Tra cứu hồ sơ" in titles and "Gửi phản ánh, kiến nghị" in titles
    assert "Anh/chị" in messages[0]["text"]


def test_cancel_stops_the_form_and_clears_its_slots() -> None:
    domain = {
        "forms": {"feedback_form": {"required_slots": ["feedback_content", "feedback_phone"]}}
    }
    messages, events = _run(ActionCancel(), _tracker("feedback_form"), domain)
    assert "đã hủy" in said(messages[0])
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)
    cleared = {e["name"] for e in events if e["event"] == "slot"}
    assert {"feedback_content", "feedback_phone", "requested_slot"} <= cleared


def test_cancel_without_a_form_says_there_is_nothing_to_cancel() -> None:
    messages, events = _run(ActionCancel(), _tracker(None), {})
    assert "không có thao tác" in said(messages[0]) and events == []
