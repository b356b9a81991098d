"""How `make eval` grades a reply: the bank loads, sections and dates are compared as written
in any spelling, and a confident answer without the expected facts is wrong."""

from __future__ import annotations

import yaml

from bench.eval_bank import (
    ABSTAIN,
    ANSWER,
    CLARIFY,
    Expect,
    Observed,
    Turn,
    UnitSpellings,
    cites,
    grade,
    load_bank,
    says,
    without_marks,
)
from knowledge.plans.units import UNITS_YAML

UNITS = UnitSpellings(yaml.safe_load(UNITS_YAML.read_text(encoding="utf-8")))
LEAD = Turn(
    "lead",
    "hungyen-tp-cchc-2024",
    "plain",
    "Ai chủ trì cải cách tài chính công?",
    Expect(section="IV.5.a", lead=("Phòng Tài chính - Kế hoạch thành phố",)),
)
NO_PLAN = Turn("unanswerable", None, "plain", "Bắc Ninh ai chủ trì?", Expect(outcome="abstain"))


def test_the_bank_loads_with_both_splits_and_unique_ids() -> None:
    cases = load_bank()
    assert {c.split for c in cases} == {"dev", "test"}
    assert len({c.id for c in cases}) == len(cases)


def test_sections_and_dates_are_matched_in_any_spelling() -> None:
    assert cites("Nguồn: ..., Mục IV.5.a.", "IV.5.a")
    assert not cites("Nguồn: ..., Mục IV.5.a", "IV.5")  # another, deeper section
    assert says("hạn 5/6/2023", "05/06") and says("Quý I/2021", "quy i/2021")


def test_an_answer_with_the_expected_unit_and_section_is_correct() -> None:
    reply = Observed(ANSWER, "Đơn vị chủ trì: Phòng Tài chính - Kế hoạch thành phố\nMục IV.5.a")
    assert grade(LEAD, reply, UNITS) == "correct"
    # Any spelling the registry knows of the unit counts.
    short = Observed(ANSWER, "Đơn vị chủ trì: Phòng TC-KH\nMục IV.5.a")
    assert grade(LEAD, short, UNITS) == "correct"


def test_a_confident_answer_naming_another_unit_is_wrong() -> None:
    reply = Observed(ANSWER, "Đơn vị chủ trì: Phòng Nội vụ thành phố\nMục IV.2.a")
    assert grade(LEAD, reply, UNITS) == "wrong"


def test_asking_back_and_abstaining_are_not_answers() -> None:
    assert grade(LEAD, Observed(CLARIFY, "?"), UNITS, button_right=True) == "clarified_right"
    assert grade(LEAD, Observed(CLARIFY, "?"), UNITS) == "clarified"
    assert grade(LEAD, Observed(ABSTAIN, "Dạ, em chưa tìm thấy"), UNITS) == "abstained"


def test_a_question_no_plan_answers_is_right_only_without_an_answer() -> None:
    assert grade(NO_PLAN, Observed(ABSTAIN, "Dạ, em chưa có kế hoạch nào của Bắc Ninh"), UNITS) == (
        "correct"
    )
    assert grade(NO_PLAN, Observed(ANSWER, "Đơn vị chủ trì: Sở Nội vụ"), UNITS) == "wrong"


def test_questions_are_stripped_of_marks_as_typed_on_a_plain_keyboard() -> None:
    assert without_marks("Ai chủ trì, Đà Nẵng?") == "Ai chu tri, Da Nang?"
