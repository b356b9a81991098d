"""What the citizens' forms share: telling an answer from an interruption, and the rules that
answer interruptions and stop a form, kept in step with the list the extractors use."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker

from actions.forms import INTERRUPTION_INTENTS, interrupts_code_answer, interrupts_text_answer
from tests.paths import ROOT

CITIZEN_FORMS = ("dossier_form", "feedback_form", "feedback_status_form")
# A message the NLU could not read may well be the answer asked for: the forms read it first,
# and the fallback rule answers only what a form rejects (a question at the summary, say).
READ_BY_THE_FORMS_FIRST = frozenset({"nlu_fallback"})


def tracker(text: str, intent: str) -> Tracker:
    latest = {"text": text, "intent": {"name": intent}, "entities": []}
    events = [{"event": "user", "text": text, "parse_data": latest}]
    return Tracker(
        "rest:citizen-1",
        {"requested_slot": "feedback_content"},
        latest,
        events,
        False,
        None,
        {"name": "feedback_form"},
        "action_listen",
    )


@pytest.mark.parametrize(
    ("text", "intent", "interrupts"),
    [
        ("xin chào", "greet", True),
        ("hủy", "deny", True),
        ("nộp lệ phí online thế nào", "ask_online_payment", True),
        ("nhận kết quả qua bưu điện được ko", "ask_postal_service", True),
        # A complaint that NLU mistook for another subject is still the answer asked for.
        ("cán bộ thu lệ phí cao hơn quy định mà không đưa biên lai", "ask_online_payment", False),
        (
            "chào em, cán bộ một cửa phường Lam Sơn hẹn tôi ba lần vẫn chưa trả hồ sơ",
            "greet",
            False,
        ),
        ("Nguyễn Văn An", "nlu_fallback", False),
        ("thôi, hủy giúp em, không gửi phản ánh này nữa đâu", "deny", True),
        ("hồ sơ của tôi bị hủy mà cán bộ không báo trước lý do", "greet", False),
        # Officials' questions about the plans, asked in the middle of a form.
        ("ai chủ trì số hóa hồ sơ, kết quả giải quyết TTHC?", "ask_task_responsible", True),
        ("hạn nộp báo cáo CCHC sắp tới là khi nào", "ask_reporting_deadline", True),
        ("Phòng Tư pháp giải quyết hồ sơ của tôi chậm cả tháng", "ask_unit_tasks", False),
        # Buttons and channel commands are never typed as an answer.
        ("/cancel", "cancel", True),
        ('/choose_plan{"plan_document":"hanoi-cchc-2021"}', "choose_plan", True),
        ('/choose_stats_unit{"stats_choice":"1"}', "choose_stats_unit", True),
    ],
)
def test_free_text_answers_are_told_from_interruptions(
    text: str, intent: str, interrupts: bool
) -> None:
    assert interrupts_text_answer(tracker(text, intent)) is interrupts


@pytest.mark.parametrize(
    ("intent", "interrupts"),
    [("ask_plan_target", True), ("cancel", True), ("inform", False), ("nlu_fallback", False)],
)
def test_a_message_without_a_code_is_a_try_unless_it_interrupts(
    intent: str, interrupts: bool
) -> None:
    assert (
        interrupts_code_answer(tracker("chỉ tiêu hồ sơ đúng hạn bao nhiêu", intent)) is interrupts
    )


def _rules() -> list[dict[str, Any]]:
    return [
        rule
        for path in sorted((ROOT / "data" / "rules").glob("*.yml"))
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules") or []
    ]


def _intents(step: dict[str, Any]) -> set[str]:
    options = step.get("or", [step])
    return {option["intent"] for option in options if "intent" in option}


def _answers_and_listens(rule: dict[str, Any]) -> bool:
    """A general rule that answers a message and opens no form: inside a form, Rasa's
    RulePolicy returns to the form after it."""
    steps = rule["steps"]
    opens_a_form = any(step.get("active_loop") for step in steps[1:])
    return not rule.get("condition") and bool(_intents(steps[0])) and not opens_a_form


def _inside(form: str, rule: dict[str, Any]) -> bool:
    return {"active_loop": form} in (rule.get("condition") or [])


def test_every_interruption_has_a_rule_in_every_citizen_form() -> None:
    """The extractors leave these intents to the rules: a missing rule would leave the user
    without an answer inside that form, and a rule for an intent the extractors take as an
    answer would never be reached there."""
    rules = _rules()
    general = set().union(*(_intents(r["steps"][0]) for r in rules if _answers_and_listens(r)))
    for form in CITIZEN_FORMS:
        inside = set().union(*(_intents(r["steps"][0]) for r in rules if _inside(form, r)))
        handled = (general | inside) - READ_BY_THE_FORMS_FIRST
        assert handled == INTERRUPTION_INTENTS, form


@pytest.mark.parametrize("form", CITIZEN_FORMS)
@pytest.mark.parametrize("intent", ["deny", "goodbye", "cancel"])
def test_huy_goodbye_and_the_cancel_payload_stop_every_citizen_form(form: str, intent: str) -> None:
    rules = [r for r in _rules() if intent in _intents(r["steps"][0])]
    # As Rasa does, the rule of the open form wins over the general one.
    rule = next((r for r in rules if _inside(form, r)), None) or next(
        r for r in rules if not r.get("condition")
    )
    assert rule["steps"][1] == {"action": "action_cancel"}
    assert rule["steps"][2] == {"active_loop": None}
