"""Dossier status: the code form (shape, tries, interruptions), the answer, the rate limit,
the unavailable service, and cancelling the lookup."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import yaml
from prometheus_client import REGISTRY
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Engine

from actions.core import ActionCancel
from actions.dossiers import (
    MAX_CODE_ATTEMPTS,
    ActionDossierStatus,
    ValidateDossierForm,
    lookup_limit,
)
from knowledge.dossiers.models import Dossier
from knowledge.dossiers.status import DossierServiceUnavailable, DossierStatus
from knowledge.dossiers.store import SqlDossierStore
from knowledge.shared.ratelimit import SlidingWindowLimiter
from tests.paths import ROOT
from tests.unit.actions.replies import said

DOMAIN = yaml.safe_load((ROOT / "domain" / "dossiers.yml").read_text(encoding="utf-8"))
AddDossier = Callable[..., Dossier]
TODAY = date(2026, 1, 20)
CODE = "H31.31.01-260115-0001"


def tracker(
    text: str,
    intent: str,
    *,
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    sender: str = "rest:citizen-1",
) -> Tracker:
    latest = {"text": text, "intent": {"name": intent}, "entities": entities or []}
    events = [{"event": "user", "text": text, "parse_data": latest}]
    return Tracker(
        sender, slots or {}, latest, events, False, None, {"name": "dossier_form"}, "action_listen"
    )


async def validate(t: Tracker) -> tuple[dict[str, Any], list[str]]:
    """The slots the validation action sets, and what it says."""
    dispatcher = CollectingDispatcher()
    events = await ValidateDossierForm().run(dispatcher, t, DOMAIN)
    return {e["name"]: e["value"] for e in events}, [said(m) for m in dispatcher.messages]


async def answer(action: ActionDossierStatus, t: Tracker) -> tuple[str, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, DOMAIN)
    return "\n".join(said(m) for m in dispatcher.messages), events


def status_action(engine: Engine, limit: int = 10) -> ActionDossierStatus:
    return ActionDossierStatus(
        SqlDossierStore(engine, today=lambda: TODAY), SlidingWindowLimiter(limit, 600)
    )


# ── the form ────────────────────────────────────────────────────────────────────────────


async def test_a_code_in_the_first_message_is_taken_whatever_its_spelling() -> None:
    slots, said = await validate(
        tracker("cho em hoi hs h31.31.01 260115 0001 toi buoc nao roi", "ask_dossier_status")
    )
    assert slots["dossier_code"] == "H31.31.01-260115-0001"
    assert said == []


async def test_a_request_without_code_is_no_wrong_try() -> None:
    slots, said = await validate(tracker("tra cứu hồ sơ", "ask_dossier_status"))
    assert "dossier_code" not in slots and said == []


async def test_a_wrong_shape_is_explained_with_an_example_and_counted() -> None:
    asked = {"requested_slot": "dossier_code"}
    slots, said = await validate(tracker("HS-12345", "inform", slots=asked))
    assert slots["dossier_code"] is None and slots["dossier_code_attempts"] == 1
    assert "H31.29-260115-0001" in said[0] and "chưa đúng dạng" in said[0]


async def test_the_third_wrong_try_ends_the_form_without_asking_again() -> None:
    asked = {"requested_slot": "dossier_code", "dossier_code_attempts": MAX_CODE_ATTEMPTS - 1}
    slots, said = await validate(tracker("không nhớ nữa 123", "nlu_fallback", slots=asked))
    assert slots["requested_slot"] is None and slots["dossier_code"] is None
    assert slots["dossier_code_attempts"] == MAX_CODE_ATTEMPTS and said == []


async def test_a_valid_code_after_a_wrong_one_resets_the_tries() -> None:
    asked = {"requested_slot": "dossier_code", "dossier_code_attempts": 1}
    slots, _ = await validate(tracker("000.00.31.H31-260301-0042", "inform", slots=asked))
    assert slots["dossier_code"] == "000.00.31.H31-260301-0042"
    assert slots["dossier_code_attempts"] == 0


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("xin chào", "greet"),
        ("nộp lệ phí online thế nào", "ask_online_payment"),
        ("hủy", "deny"),
        ("gặp cán bộ", "request_human"),
    ],
)
async def test_an_interruption_fills_nothing_so_the_rules_answer_it(text: str, intent: str) -> None:
    slots, said = await validate(tracker(text, intent, slots={"requested_slot": "dossier_code"}))
    assert slots == {} and said == []


# ── the answer ──────────────────────────────────────────────────────────────────────────


async def test_an_open_dossier_past_its_due_date_is_said_overdue(
    engine: Engine, add_dossier: AddDossier
) -> None:
    add_dossier(paid_online=False, result_by_post=True, fee_vnd=0)
    text, events = await answer(
        status_action(engine),
        tracker("", "inform", slots={"dossier_code": CODE}),
    )
    assert "H31.31.01-260115-0001" in text
    assert "Đăng ký khai sinh" in text and "UBND phường Lam Sơn" in text
    assert "Đang giải quyết" in text
    assert "15/01/2026" in text and "16/01/2026" in text
    assert "đã quá hạn" in text
    assert "trực tuyến: không" in text and "bưu chính công ích: có" in text
    # The applicant is never named, even masked, and the phone never shown.
    assert "Nguyễn" not in text and "0912345678" not in text
    assert {"event": "slot", "timestamp": None, "name": "dossier_code", "value": None} in events


async def test_a_dossier_settled_after_its_due_date_is_said_late(
    engine: Engine, add_dossier: AddDossier
) -> None:
    add_dossier(status="returned", finished_on=date(2026, 1, 19), paid_online=True, fee_vnd=8000)
    text, _ = await answer(
        status_action(engine),
        tracker("", "inform", slots={"dossier_code": "h31.31.01-260115-0001"}),
    )
    assert "Đã trả kết quả" in text
    assert "Đã giải quyết xong ngày 19/01/2026, trễ hạn" in text
    assert "trực tuyến: có" in text


async def test_an_unknown_code_says_where_the_code_is_printed(engine: Engine) -> None:
    text, _ = await answer(
        status_action(engine), tracker("", "inform", slots={"dossier_code": "H31.29-260115-0999"})
    )
    assert "không tìm thấy hồ sơ có mã H31.29-260115-0999" in text
    assert "giấy tiếp nhận" in text and "Bộ phận Một cửa" in text


async def test_lookups_are_limited_per_sender(engine: Engine, add_dossier: AddDossier) -> None:
    add_dossier()
    action = status_action(engine, limit=2)
    asked = {"dossier_code": CODE}
    for _ in range(2):
        text, _ = await answer(action, tracker("", "inform", slots=asked))
        assert "Đang giải quyết" in text
    text, _ = await answer(action, tracker("", "inform", slots=asked))
    assert "thử lại sau khoảng 10 phút" in text and "Đang giải quyết" not in text
    text, _ = await answer(action, tracker("", "inform", slots=asked, sender="rest:other"))
    assert "Đang giải quyết" in text


class DownLookup:
    def get(self, code: str) -> DossierStatus | None:
        raise DossierServiceUnavailable("dossier API answered 503")


async def test_an_unavailable_service_is_not_reported_as_an_unknown_code() -> None:
    action = ActionDossierStatus(DownLookup(), SlidingWindowLimiter(10, 600))
    text, _ = await answer(
        action, tracker("", "inform", slots={"dossier_code": "H31.29-260115-0001"})
    )
    assert "hệ thống tra cứu đang gián đoạn" in text and "không tìm thấy" not in text


async def test_after_three_wrong_codes_the_lookup_stops_politely(engine: Engine) -> None:
    slots = {"dossier_code": None, "dossier_code_attempts": MAX_CODE_ATTEMPTS}
    text, events = await answer(status_action(engine), tracker("abc", "inform", slots=slots))
    assert "tạm dừng tra cứu" in text and "giấy tiếp nhận" in text
    assert {
        "event": "slot",
        "timestamp": None,
        "name": "dossier_code_attempts",
        "value": 0,
    } in events


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("", (10, 600.0)), ("3/60", (3, 60.0)), ("5", (5, 600.0))],
)
def test_the_lookup_limit_comes_from_the_environment(raw: str, expected: tuple[int, float]) -> None:
    assert lookup_limit({"DOSSIER_LOOKUP_LIMIT": raw}) == expected


@pytest.mark.parametrize("raw", ["many", "0/9"])
def test_a_wrong_lookup_limit_stops_the_action_server_naming_it(raw: str) -> None:
    with pytest.raises(ValueError, match="DOSSIER_LOOKUP_LIMIT"):
        lookup_limit({"DOSSIER_LOOKUP_LIMIT": raw})


# ── cancelling ────────────────────────────────────────────────────────────────────────


async def test_cancelling_clears_the_form_and_says_so() -> None:
    dispatcher = CollectingDispatcher()
    t = tracker("hủy", "deny", slots={"requested_slot": "dossier_code", "dossier_code_attempts": 2})
    events = await ActionCancel().run(dispatcher, t, DOMAIN)
    assert {"event": "active_loop", "timestamp": None, "name": None} in events
    cleared = {e["name"] for e in events if e["event"] == "slot" and e["value"] is None}
    assert {"dossier_code", "dossier_code_attempts", "requested_slot"} <= cleared
    assert "dừng tra cứu" in said(dispatcher.messages[0])


# ── metrics ─────────────────────────────────────────────────────────────────────────────


async def test_dossier_lookup_metrics_count_found_not_found_and_rate_limited(
    engine: Engine, add_dossier: AddDossier
) -> None:
    def lookups(result: str) -> float:
        return REGISTRY.get_sample_value("assistant_dossier_lookups_total", {"result": result}) or 0

    before = {result: lookups(result) for result in ("found", "not_found", "rate_limited")}
    add_dossier()
    action = status_action(engine, limit=2)
    await answer(action, tracker("tra cứu", "check_dossier", slots={"dossier_code": CODE}))
    missing = "H31.31.01-260115-0999"
    await answer(action, tracker("tra cứu", "check_dossier", slots={"dossier_code": missing}))
    await answer(action, tracker("tra cứu", "check_dossier", slots={"dossier_code": CODE}))
    assert {result: lookups(result) - before[result] for result in before} == {
        "found": 1,
        "not_found": 1,
        "rate_limited": 1,
    }
