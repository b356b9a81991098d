"""Deciding between plans when a question matches facts in several of them. Pure functions over
search hits: anything with a ``document`` (slug) and a ``score`` (0-100, as the knowledge
search gives it), such as TaskMatch and TargetMatch."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeVar

# A plan whose best hit scores this share of the best hit of all is as likely meant (BM25
# scores, relative: their scale grows with the question's length).
SIMILAR_SHARE = 0.85


class Scored(Protocol):
    @property
    def document(self) -> str: ...

    @property
    def score(self) -> float: ...


_Hit = TypeVar("_Hit", bound=Scored)


def plans_in_contention(hits: Iterable[Scored], share: float = SIMILAR_SHARE) -> list[str]:
    """Plans whose best hit scores at least ``share`` of the best hit of all, best first (in
    the order of ``hits`` between equal scores)."""
    best: dict[str, float] = {}
    for hit in hits:
        best[hit.document] = max(best.get(hit.document, hit.score), hit.score)
    if not best:
        return []
    top = max(best.values())
    return sorted((d for d, score in best.items() if score >= top * share), key=lambda d: -best[d])


def preferred(hits: Sequence[_Hit], useful: Callable[[_Hit], bool]) -> list[_Hit]:
    """The hits that can answer the question (a task that names who leads it, say), or all of
    them when none can, so that the answer can say what the plan leaves out."""
    kept = [hit for hit in hits if useful(hit)]
    return kept or list(hits)


def best_of_plan(hits: Iterable[_Hit], document: str, limit: int) -> list[_Hit]:
    """Up to ``limit`` hits of ``document`` tied with its best one, in order."""
    mine = [hit for hit in hits if hit.document == document]
    if not mine:
        return []
    top = max(hit.score for hit in mine)
    return [hit for hit in mine if hit.score >= top][:limit]


def merge_ranked(*rankings: Iterable[_Hit]) -> list[_Hit]:
    """Several best-first lists as one, best first (stable between equal scores)."""
    return sorted((hit for ranking in rankings for hit in ranking), key=lambda hit: -hit.score)
