"""The words of a small collection (plan rows, FAQ questions): how rare each is, and which known
word a misspelt one stands for. Shared by the plan retrieval and the FAQ, so rarity and typo
reading mean the same in both."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz, process


class Lexicon:
    """Rarity (smoothed IDF) of the words of ``entries`` and typo reading against them."""

    def __init__(
        self,
        entries: Iterable[Iterable[str]],
        *,
        typo_cutoff: float,
        min_typo_length: int = 4,
    ) -> None:
        """``entries``: each entry's words. Words joined by "_" (pairs of syllables) have a
        rarity but are never what a typo is read as."""
        frequency: Counter[str] = Counter()
        size = 0
        for words in entries:
            frequency.update(set(words))
            size += 1
        self._idf = {word: math.log(1 + size / count) for word, count in frequency.items()}
        # A word no entry uses is as informative as the rarest.
        self._unknown = math.log(1 + max(size, 1))
        self._spellings = sorted(w for w in frequency if "_" not in w)
        self._cutoff = typo_cutoff
        self._min_length = min_typo_length
        self.known = lru_cache(maxsize=8192)(self._known)

    def __contains__(self, word: str) -> bool:
        return word in self._idf

    def rarity(self, word: str) -> float:
        return self._idf.get(word, self._unknown)

    def _known(self, word: str) -> str:
        """``word``, or the known word it is a typo of (rapidfuzz ratio at the cutoff)."""
        if word in self._idf or len(word) < self._min_length:
            return word
        match = process.extractOne(
            word, self._spellings, scorer=fuzz.ratio, score_cutoff=self._cutoff
        )
        return str(match[0]) if match else word
