"""The acceptance rule: answer when sure, ask back when torn, abstain when nothing covers the
question. Matches are (score, coverage) as retrieval gives them."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.plans.decide import ABSTAIN, ANSWER, CLARIFY, Thresholds, decide


@dataclass(frozen=True)
class M:
    name: str
    score: float
    coverage: float
    answer: str  # what it says of what is asked (its lead, say)
    plan: str = "a"


def _same(a: M, b: M) -> bool:
    return a.answer == b.answer


def test_a_clear_best_match_is_the_answer() -> None:
    decision = decide([M("x", 10, 0.9, "u"), M("y", 4, 0.5, "v")], _same)
    assert decision.outcome == ANSWER and [m.name for m in decision.matches] == ["x"]


def test_close_rivals_with_other_answers_are_asked_about() -> None:
    decision = decide([M("x", 10, 0.9, "u"), M("y", 9.8, 0.9, "v")], _same)
    assert decision.outcome == CLARIFY
    assert [m.name for m in decision.matches] == ["x", "y"]


def test_close_rivals_giving_the_same_answer_do_not_make_it_ambiguous() -> None:
    # Two rows naming the same lead unit: "who leads" has one answer.
    decision = decide([M("x", 10, 0.9, "u"), M("y", 9.9, 0.9, "u")], _same)
    assert decision.outcome == ANSWER


def test_a_topic_covered_in_part_is_confirmed_not_answered() -> None:
    decision = decide([M("x", 10, 0.45, "u")], _same)
    assert decision.outcome == CLARIFY and decision.confidence < 0.5


def test_scattered_words_are_no_answer_and_name_no_unit() -> None:
    # "ai chủ trì dự án xây cầu vượt sông Hồng": rows share "xây", "dự án" at most.
    decision = decide([M("x", 6, 0.2, "u"), M("y", 5, 0.15, "v")], _same)
    assert decision.outcome == ABSTAIN
    assert decision.matches  # the nearest topics, offered as buttons by the caller


def test_nothing_found_abstains() -> None:
    assert decide([], _same).outcome == ABSTAIN


def test_a_one_word_topic_is_too_little_to_answer_from() -> None:
    decision = decide([M("x", 3, 1.0, "u")], _same, topic_words=1)
    assert decision.outcome == CLARIFY


def test_full_matches_in_plans_of_different_places_are_asked_about() -> None:
    # "ai chủ trì kiểm tra công vụ": Long Điền A's row repeats the words, Hà Nội's says them
    # once; BM25 prefers the first, but the question names no place.
    matches = [M("lda", 13.7, 1.0, "u", "lda"), M("hn", 7.5, 1.0, "v", "hn")]
    assert decide(matches, _same).outcome == ANSWER
    apart = decide(matches, _same, apart=lambda a, b: a.plan != b.plan)
    assert apart.outcome == CLARIFY


def test_thresholds_move_the_line() -> None:
    matches = [M("x", 10, 0.55, "u")]
    assert decide(matches, _same, Thresholds(answer_coverage=0.5)).outcome == ANSWER
    assert decide(matches, _same, Thresholds(answer_coverage=0.6)).outcome == CLARIFY
