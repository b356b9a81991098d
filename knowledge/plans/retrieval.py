"""Retrieval over the topic of a question: BM25 (bm25s) on Vietnamese syllables and syllable
pairs, rows indexed with their context, typos forgiven, the field's synonyms read alike.

- Text is folded (no case, no marks), abbreviations spelled out, and every phrase of a synonym
  group (synonyms.yaml) read as the group's first, in rows and questions alike.
- A row is its own words (a task's text and product) and its context (the heading it sits
  under): both are BM25 fields, the context weighing ``CONTEXT_WEIGHT`` of the row's own words.
- Terms are syllables and consecutive syllable pairs ("cai_cach"): most Vietnamese words are
  two syllables, so a pair says "cải cách" rather than "cải ... cách".
- A syllable the base does not know is read as the known one it is a typo of (rapidfuzz).
- Each hit carries its ``coverage``: the rarity-weighted share of the query's syllables the row
  holds, averaged with the share of its syllable pairs (context counting ``CONTEXT_WEIGHT``):
  how much of what was asked the row speaks of, words and not only scattered syllables. The
  acceptance rule (decide.py) reads it with the BM25 score and the margin over the runner-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import bm25s
import numpy as np
import yaml

from knowledge.shared.lexicon import Lexicon
from knowledge.shared.text import expand_abbreviations

SYNONYMS_PATH = Path(__file__).resolve().parent / "synonyms.yaml"
CONTEXT_WEIGHT = 0.5
_MIN_FUZZY_TOKEN = 4
_TOKEN_CUTOFF = 82
# Words that carry no topic, folded: particles, pronouns, question words. A question's own
# scaffolding ("ai chủ trì", "theo kế hoạch") is removed before retrieval by the question
# reader; these are dropped from rows and queries alike.
# Folding merges syllables ("cửa" and "của", "tài" and "tại", "để" and "đề"), so only words
# that stay particles once folded are dropped; BM25 and rarity weigh down the rest.
_STOP = """
a ai cac duoc gi khong la nao nay nhe nhi nhung o oi roi sao va vay voi hay em
"""
STOP_WORDS = frozenset(_STOP.split())


@lru_cache(maxsize=1)
def _synonym_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    groups = yaml.safe_load(SYNONYMS_PATH.read_text(encoding="utf-8")) or []
    canonical: dict[str, str] = {}
    for group in groups:
        head = expand_abbreviations(group[0])
        for phrase in group[1:]:
            canonical[expand_abbreviations(phrase)] = head
    alternatives = sorted(canonical, key=len, reverse=True)
    if not alternatives:  # no synonyms reviewed yet: nothing to read alike
        return re.compile(r"(?!)"), canonical
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, alternatives)) + r")\b")
    return pattern, canonical


def syllables(text: str) -> list[str]:
    """Folded syllables of ``text``, abbreviations and synonyms read as their canonical form,
    stop words dropped."""
    pattern, canonical = _synonym_pattern()
    folded = pattern.sub(lambda m: canonical[m.group(0)], expand_abbreviations(text))
    return [s for s in folded.split() if s not in STOP_WORDS]


def terms(words: Sequence[str]) -> list[str]:
    """Syllables and their consecutive pairs."""
    return [*words, *(f"{a}_{b}" for a, b in pairwise(words))]


@dataclass(frozen=True)
class Hit:
    position: int
    score: float  # BM25, the row's own words plus its context weighed CONTEXT_WEIGHT
    coverage: float  # 0-1: rarity-weighted share of the query's syllables and pairs it holds


class TopicIndex:
    """BM25 over (own text, context) entries."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        own_words: list[list[str]] = []
        context_words: list[list[str]] = []
        for own, context in entries:
            own_words.append(syllables(own))
            context_words.append(syllables(context))
        self._own_sets = [frozenset(terms(w)) for w in own_words]
        self._context_sets = [frozenset(terms(w)) for w in context_words]
        self._own = _bm25([terms(w) for w in own_words])
        self._context = _bm25([terms(w) for w in context_words])
        self._size = len(own_words)
        self._lexicon = Lexicon(
            (own | around for own, around in zip(self._own_sets, self._context_sets, strict=True)),
            typo_cutoff=_TOKEN_CUTOFF,
            min_typo_length=_MIN_FUZZY_TOKEN,
        )

    def __len__(self) -> int:
        return self._size

    def query_syllables(self, query: str) -> list[str]:
        """The query's syllables, each typo read as the known syllable it is closest to."""
        return [self._lexicon.known(s) for s in syllables(query)]

    def rarity(self, syllable: str) -> float:
        return self._lexicon.rarity(syllable)

    def search(
        self,
        query: str,
        *,
        allowed: Callable[[int], bool] | None = None,
        limit: int = 10,
    ) -> list[Hit]:
        """The best entries for ``query``, best first; only those holding some of its words."""
        words = self.query_syllables(query)
        if not words or not self._size:
            return []
        query_terms = terms(words)
        scores = self._own.get_scores(query_terms) + CONTEXT_WEIGHT * self._context.get_scores(
            query_terms
        )
        weights = {w: self.rarity(w) for w in words}
        pairs = {p: self.rarity(p) for p in terms(words)[len(words) :]}
        candidates = [int(i) for i in np.flatnonzero(scores > 0)]
        if allowed is not None:
            candidates = [i for i in candidates if allowed(i)]
        candidates.sort(key=lambda i: (-scores[i], i))
        return [
            Hit(i, round(float(scores[i]), 4), round(self._coverage(i, weights, pairs), 4))
            for i in candidates[:limit]
        ]

    def _coverage(self, position: int, weights: dict[str, float], pairs: dict[str, float]) -> float:
        own, context = self._own_sets[position], self._context_sets[position]

        def share(wanted: dict[str, float]) -> float:
            held = sum(
                w if term in own else CONTEXT_WEIGHT * w if term in context else 0.0
                for term, w in wanted.items()
            )
            return held / sum(wanted.values())

        return share(weights) if not pairs else (share(weights) + share(pairs)) / 2


def _bm25(corpus: list[list[str]]) -> bm25s.BM25:
    index = bm25s.BM25()
    # bm25s cannot index an empty corpus or empty documents: a placeholder term no query has.
    index.index([doc or ["\x00"] for doc in corpus] or [["\x00"]], show_progress=False)
    return index
