"""Two-stage fallback: suggestions first, a person after a second miss."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import (
    ActionFallbackSuggest,
    consecutive_fallbacks,
    suggestion_buttons,
)


def _user(intent: str) -> dict[str, Any]:
    return {"event": "user", "text": "x", "parse_data": {"intent": {"name": intent}}}


def _tracker(events: list[dict[str, Any]], ranking: list[dict[str, Any]]) -> Tracker:
    latest = {"intent": {"name": "nlu_fallback"}, "intent_ranking": ranking, "text": "x"}
    return Tracker("s1", {}, latest, events, False, None, {}, "action_listen")


def _run(tracker: Tracker) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionFallbackSuggest().run(dispatcher, tracker, {}))
    return dispatcher.messages


def test_counts_only_the_latest_run_of_fallbacks() -> None:
    events = [_user("nlu_fallback"), _user("greet"), _user("nlu_fallback"), _user("nlu_fallback")]
    assert consecutive_fallbacks(events) == 2
    assert consecutive_fallbacks([_user("greet")]) == 0


def test_suggests_the_best_ranked_intents_then_a_person() -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "ask_postal_service", "confidence": 0.3},
        {"name": "greet", "confidence": 0.1},
        {"name": "ask_online_payment", "confidence": 0.05},
    ]
    titles = [b["title"] for b in suggestion_buttons(ranking)]
    assert titles == ["Bưu chính công ích", "Nộp phí trực tuyến", "Gặp cán bộ"]


def test_without_useful_ranking_the_menu_is_suggested() -> None:
    titles = [b["title"] for b in suggestion_buttons([{"name": "greet"}])]
    assert titles[0] == "Tra cứu hồ sơ" and titles[-1] == "Gặp cán bộ"


@pytest.fixture
def plans_db(kb_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The actions read the knowledge base named by DATABASE_URL, as in production."""
    monkeypatch.setenv("DATABASE_URL", kb_url)


@pytest.mark.usefixtures("plans_db")
def test_first_miss_asks_with_buttons_second_miss_gives_contact() -> None:
    ranking = [{"name": "ask_dossier_status", "confidence": 0.4}]
    (first,) = _run(_tracker([_user("nlu_fallback")], ranking))
    assert "chưa hiểu" in first["text"] and first["buttons"][0]["title"] == "Tra cứu hồ sơ"
    (second,) = _run(_tracker([_user("nlu_fallback"), _user("nlu_fallback")], ranking))
    assert "xin lỗi" in second["text"] and "Bộ phận Một cửa" in second["text"]


@pytest.mark.usefixtures("plans_db")
def test_a_long_plan_question_the_nlu_missed_is_read_as_one() -> None:
    # City plan IV.6.b: Phòng Văn hóa và Thông tin leads, with the Trung tâm Văn hóa.
    latest = {
        "intent": {"name": "nlu_fallback"},
        "intent_ranking": [],
        "text": "Tuyên truyền cải cách hành chính ở thành phố Hưng Yên năm 2024 thì bộ phận nào "
        "phối hợp?",
    }
    tracker = Tracker("s2", {}, latest, [_user("nlu_fallback")], False, None, {}, "action_listen")
    (reply,) = _run(tracker)
    assert "Đơn vị phối hợp: Trung tâm Văn hóa và Truyền thanh thành phố" in reply["text"]


def test_without_the_knowledge_base_the_fallback_still_suggests(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    latest = {"intent": {"name": "nlu_fallback"}, "intent_ranking": [], "text": "ai chủ trì x y"}
    tracker = Tracker("s3", {}, latest, [_user("nlu_fallback")], False, None, {}, "action_listen")
    (reply,) = _run(tracker)
    assert "chưa hiểu" in reply["text"] and reply["buttons"]
