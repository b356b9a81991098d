"""An official's own locality first: the order and the filter of the inbox and the calendar.

``mine`` is the official's locality (None: the account has none, so nothing comes first).
Localities compare folded (no case, no diacritics), as the plan search compares them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from knowledge.shared.text import fold_vi

T = TypeVar("T")
ALL = "tat-ca"  # the filter that shows every locality


def same_locality(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and fold_vi(a) == fold_vi(b)


def own_first(
    items: Iterable[T], locality_of: Callable[[T], str | None], mine: str | None
) -> list[T]:
    """``items`` with those of ``mine`` first, then those of no locality, then the others;
    the order within each group kept. Without a locality of one's own, the order is kept."""
    if mine is None:
        return list(items)

    def rank(item: T) -> int:
        theirs = locality_of(item)
        if same_locality(theirs, mine):
            return 0
        return 1 if theirs is None else 2

    return sorted(items, key=rank)


def only(items: Iterable[T], locality_of: Callable[[T], str | None], wanted: str) -> list[T]:
    """The items of locality ``wanted``; every item for ``ALL``."""
    if wanted == ALL:
        return list(items)
    return [item for item in items if same_locality(locality_of(item), wanted)]


def choices(known: Iterable[str], mine: str | None) -> list[str]:
    """The localities a filter offers: the official's own first, then the others by name."""
    folded_mine = fold_vi(mine) if mine else None
    others = sorted({k for k in known if fold_vi(k) != folded_mine}, key=fold_vi)
    return ([mine] if mine else []) + others


def default_filter(mine: str | None, known: Sequence[str]) -> str:
    """The calendar opens on the official's own locality when plans of it exist."""
    if mine and any(same_locality(mine, k) for k in known):
        return mine
    return ALL
