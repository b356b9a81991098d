"""Choosing between plans from search hits. Pure: hits are made up, scores are those the search
gives for the real questions named."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.plans.ranking import best_of_plan, merge_ranked, plans_in_contention, preferred


@dataclass(frozen=True)
class Hit:
    document: str
    score: float
    assigned: bool = True


def test_plans_with_similar_best_scores_are_in_contention() -> None:
    # "ai chủ trì cải cách thủ tục hành chính": the city plan (IV.3.a) and the province news
    # item both score 100.
    hits = [Hit("hungyen-tp-cchc-2024", 100), Hit("hungyen-tinh-cchc-2020", 100)]
    assert plans_in_contention(hits) == ["hungyen-tp-cchc-2024", "hungyen-tinh-cchc-2020"]


def test_a_clear_lead_decides_the_plan() -> None:
    # "số hóa hồ sơ, kết quả giải quyết TTHC": PAPI 6.b scores 100, Hà Nội VII.5 about 81.
    hits = [Hit("hungyen-tp-papi-2023", 100), Hit("hanoi-cchc-2021", 80.81)]
    assert plans_in_contention(hits) == ["hungyen-tp-papi-2023"]
    assert plans_in_contention([]) == []


def test_tasks_naming_no_unit_give_way_to_those_that_do() -> None:
    hits = [Hit("hungyen-tp-cchc-2024", 100, assigned=False), Hit("hungyen-tp-papi-2023", 100)]
    assert preferred(hits, lambda h: h.assigned) == [hits[1]]
    unassigned = [Hit("hungyen-tp-cchc-2024", 100, assigned=False)]
    assert preferred(unassigned, lambda h: h.assigned) == unassigned


def test_best_of_a_plan_and_merging() -> None:
    hits = [Hit("a", 90), Hit("b", 95), Hit("a", 90), Hit("a", 80)]
    assert best_of_plan(hits, "a", limit=5) == [hits[0], hits[2]]
    assert best_of_plan(hits, "c", limit=5) == []
    assert [h.score for h in merge_ranked([Hit("a", 50)], [Hit("b", 70), Hit("b", 40)])] == [
        70,
        50,
        40,
    ]
