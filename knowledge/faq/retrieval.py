"""Curated answers to citizens' practical questions (online payment, public postal service,
online public services, contact), found by the meaning of the question.

Each entry lists the ways people ask it. A query and the questions are compared as match keys:
folded, abbreviations expanded, polite scaffolding ("cho em hỏi", "ạ") dropped. An entry scores
on two levels:

- its closest question: a rapidfuzz blend (``token_set_ratio`` forgives extra or reordered
  words, ``WRatio`` rewards close wording and tolerates typos) together with how well the two
  share their subject words, both ways, so that "gửi hồ sơ qua bưu điện" prefers the question
  that says just that over "gửi hồ sơ qua bưu điện có mất phí không";
- the entry as a whole: how much of the query's subject its questions hold together, since
  one meaning is spread over several phrasings.

Below ``MIN_SCORE``, or when no entry holds ``MIN_COVERAGE`` of the query's subject words,
nothing is returned, so the caller can fall back to a generic reply instead of a wrong answer.
Weights and thresholds were tuned on tests/unit/faq.
"""

from __future__ import annotations

import re
import string
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz

from knowledge.shared.lexicon import Lexicon
from knowledge.shared.settings import load_settings
from knowledge.shared.text import expand_abbreviations

ENTRIES_PATH = Path(__file__).resolve().parent / "entries.yaml"

TOPICS = ("payment", "postal", "online_service", "contact")

# Which FAQ topic answers which NLU intent (see the NLU schema).
TOPIC_BY_INTENT: dict[str, str] = {
    "ask_online_payment": "payment",
    "ask_postal_service": "postal",
    "ask_online_service": "online_service",
    "request_human": "contact",
}

# Placeholder → (environment variable, neutral default). Contact details are configuration,
# never written into the entries, so a deployment cannot ship someone else's hotline.
PLACEHOLDERS: dict[str, tuple[str, str]] = {
    "hotline": ("CONTACT_HOTLINE", "đường dây nóng của UBND nơi Anh/chị nộp hồ sơ"),
    "office": (
        "CONTACT_OFFICE",
        "Bộ phận Một cửa của UBND cấp xã hoặc cấp huyện nơi Anh/chị cư trú",
    ),
}

MIN_SCORE = 55.0
# Share of the query's subject words (weighted by rarity) an entry's questions must hold:
# a near spelling of unrelated words ("tạm biệt" ≈ "thành công") must not pass for a match.
MIN_COVERAGE = 0.45
_QUESTION_WEIGHT = 0.7  # closest question vs. the entry as a whole
_FUZZY_WEIGHT = 0.6  # within a question: rapidfuzz blend vs. shared subject words
_SET_WEIGHT = 0.5  # within the rapidfuzz blend: token_set_ratio vs. WRatio
_WORD_WEIGHT = 0.6  # within the entry: subject words vs. consecutive word pairs
# A misspelt syllable counts as the known syllable it is this close to (fuzz.ratio).
_TYPO_CUTOFF = 80
_MIN_TYPO_LENGTH = 4

# Folded scaffolding that says nothing about the subject: politeness, address, particles.
_FILLER = re.compile(
    r"\b(?:(?:cho|xin) (?:em|toi|minh|tui|chau) (?:hoi|biet)|xin hoi|cho hoi|"
    r"(?:anh chi|anh|chi|ad|admin|ban|em) oi|a|da|vang|vay|nhe|nhi|the a)\b"
)
# One word for "online" (folded, after knowledge.shared.text.ABBREVIATIONS has spelt out "onl"), and
# the chat abbreviations whose meaning is this topic's only: the shared table cannot hold them,
# since in the plans and unit names "TK" is "Thống kê" ("Công chức VP – TK") and in chat "mk"
# is as often "mình" as "mật khẩu".
_SYNONYMS: dict[str, str] = {
    "online": "truc tuyen",
    "qua mang": "truc tuyen",
    "tren mang": "truc tuyen",
    "tk": "tai khoan",
    "mk": "mat khau",
}
_SYNONYM = re.compile(r"\b(?:" + "|".join(sorted(_SYNONYMS, key=len, reverse=True)) + r")\b")
# Words that frame a question rather than name its subject; they still count in the fuzzy
# comparison (where "ở đâu" differs from "là gì") but not in the coverage of the subject.
_FRAME_WORDS = frozenset(
    {
        *("la", "gi", "khong", "duoc", "co", "thi", "the", "nao", "o", "dau", "sao", "lam"),
        *("nhu", "cua", "toi", "em", "minh", "cho", "va", "de", "ve", "voi", "roi", "ma"),
        *("phai", "bi", "can", "muon", "nhung", "cac", "di", "nay", "do", "day", "khi"),
        *("bao", "gio", "hoi", "biet", "xin", "tren", "qua"),
    }
)


@dataclass(frozen=True)
class RelatedFact:
    """A plan line on the entry's subject, quoted verbatim from its source document."""

    document: str  # slug of knowledge/plans/sources/<slug>.yaml
    section: str  # cited as the parsers cite it: "Mục II.2.e", "Bản tin, đoạn 5"
    quote: str


@dataclass(frozen=True)
class FaqEntry:
    id: str
    topic: str  # one of TOPICS
    questions: tuple[str, ...]
    answer: str  # template; see PLACEHOLDERS
    related: tuple[RelatedFact, ...] = ()


@dataclass(frozen=True)
class FaqMatch:
    entry: FaqEntry
    score: float  # 0–100


def match_key(text: str) -> str:
    """Folded, abbreviation-expanded text without polite scaffolding: what is compared."""
    expanded = expand_abbreviations(text)
    canonical = _SYNONYM.sub(lambda m: _SYNONYMS[m.group(0)], _FILLER.sub(" ", expanded))
    return " ".join(canonical.split())


def similarity(query_key: str, question_key: str) -> float:
    """Blend of rapidfuzz scores between two match keys (0–100)."""
    return _SET_WEIGHT * fuzz.token_set_ratio(query_key, question_key) + (
        1 - _SET_WEIGHT
    ) * fuzz.WRatio(query_key, question_key)


def contact_details(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The contact placeholders filled from ``env`` (the process environment by default);
    unset or blank variables fall back to neutral wording."""
    settings = load_settings(env)
    given = {"CONTACT_HOTLINE": settings.contact_hotline, "CONTACT_OFFICE": settings.contact_office}
    return {name: given[variable] or default for name, (variable, default) in PLACEHOLDERS.items()}


def render(entry: FaqEntry, env: Mapping[str, str] | None = None) -> str:
    """The entry's answer with its contact placeholders filled (see contact_details)."""
    return entry.answer.format_map(contact_details(env))


@dataclass(frozen=True)
class _Question:
    key: str
    words: frozenset[str]  # subject words


@dataclass(frozen=True)
class _Indexed:
    entry: FaqEntry
    questions: tuple[_Question, ...]
    words: frozenset[str]  # subject words of all its questions
    pairs: frozenset[tuple[str, str]]  # consecutive words, frame words included, per question


@dataclass(frozen=True)
class _Query:
    key: str
    weights: dict[str, float]  # subject word → rarity
    pairs: frozenset[tuple[str, str]]


class FaqIndex:
    """All entries, with their questions' match keys and subject words precomputed."""

    def __init__(self, entries: Iterable[FaqEntry]) -> None:
        self._entries = tuple(entries)
        ids = [entry.id for entry in self._entries]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated:
            raise ValueError(f"duplicate FAQ ids: {duplicated}")
        self._indexed = tuple(_indexed(entry) for entry in self._entries)
        # A word no entry uses is as informative as the rarest: it counts against coverage.
        self._lexicon = Lexicon(
            (item.words for item in self._indexed),
            typo_cutoff=_TYPO_CUTOFF,
            min_typo_length=_MIN_TYPO_LENGTH,
        )

    @classmethod
    def load(cls, path: Path | None = None) -> FaqIndex:
        with (path or ENTRIES_PATH).open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        return cls(_entry(item) for item in data)

    @property
    def entries(self) -> tuple[FaqEntry, ...]:
        return self._entries

    def by_topic(self, topic: str) -> tuple[FaqEntry, ...]:
        return tuple(entry for entry in self._entries if entry.topic == topic)

    def best(self, query: str, topic: str | None = None) -> FaqMatch | None:
        """The entry closest to ``query`` (within ``topic`` if given), or None."""
        parsed = self._parse(query)
        if parsed is None:
            return None
        best: FaqMatch | None = None
        for item in self._indexed:
            if topic is not None and item.entry.topic != topic:
                continue
            word_share = self._share(parsed.weights, item.words)
            if word_share < MIN_COVERAGE:
                continue
            pair_share = (
                len(parsed.pairs & item.pairs) / len(parsed.pairs) if parsed.pairs else word_share
            )
            whole = _WORD_WEIGHT * word_share + (1 - _WORD_WEIGHT) * pair_share
            closest = max(self._question_score(parsed, question) for question in item.questions)
            score = _QUESTION_WEIGHT * closest + (1 - _QUESTION_WEIGHT) * 100 * whole
            if best is None or score > best.score:
                best = FaqMatch(item.entry, round(score, 2))
        return best if best is not None and best.score >= MIN_SCORE else None

    def _parse(self, query: str) -> _Query | None:
        """The query's key, subject words (typos mapped to known words) and word pairs; None
        when it names no subject at all ("dạ", "ko")."""
        key = match_key(query)
        words = [
            word if word in _FRAME_WORDS else self._lexicon.known(word) for word in key.split()
        ]
        subject = [word for word in words if word not in _FRAME_WORDS]
        if not subject:
            return None
        return _Query(key, {word: self._rarity(word) for word in subject}, _pairs(words))

    def _question_score(self, query: _Query, question: _Question) -> float:
        """Rapidfuzz similarity blended with the F-measure of shared subject words: the query
        must cover the question's subject as much as the question covers the query's."""
        recall = self._share(query.weights, question.words)
        precision = self._share({w: self._rarity(w) for w in question.words}, query.weights)
        shared = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
        return (
            _FUZZY_WEIGHT * similarity(query.key, question.key) + (1 - _FUZZY_WEIGHT) * 100 * shared
        )

    def _rarity(self, word: str) -> float:
        return self._lexicon.rarity(word)

    @staticmethod
    def _share(weights: Mapping[str, float], words: Container[str]) -> float:
        """Weighted share of ``weights``' words found in ``words``."""
        return sum(w for word, w in weights.items() if word in words) / sum(weights.values())


def _subject_words(key: str) -> frozenset[str]:
    return frozenset(word for word in key.split() if word not in _FRAME_WORDS)


def _pairs(words: list[str]) -> frozenset[tuple[str, str]]:
    return frozenset(pairwise(words))


def _indexed(entry: FaqEntry) -> _Indexed:
    questions = tuple(
        _Question(key, _subject_words(key)) for key in map(match_key, entry.questions)
    )
    vague = [q for q, indexed in zip(entry.questions, questions, strict=True) if not indexed.words]
    if vague:
        # A question of frame words only ("là gì vậy") would match any query.
        raise ValueError(f"FAQ {entry.id}: questions name no subject: {vague}")
    return _Indexed(
        entry,
        questions,
        words=frozenset().union(*(question.words for question in questions)),
        pairs=frozenset().union(*(_pairs(question.key.split()) for question in questions)),
    )


def _entry(item: Mapping[str, Any]) -> FaqEntry:
    entry_id = str(item["id"])
    topic = str(item["topic"])
    if topic not in TOPICS:
        raise ValueError(f"FAQ {entry_id}: unknown topic {topic!r}")
    questions = tuple(str(q) for q in item["questions"])
    if not questions:
        raise ValueError(f"FAQ {entry_id}: no questions")
    answer = str(item["answer"])
    unknown = _placeholders(answer) - PLACEHOLDERS.keys()
    if unknown:
        raise ValueError(f"FAQ {entry_id}: unknown placeholders {sorted(unknown)}")
    related = tuple(
        RelatedFact(document=str(r["document"]), section=str(r["section"]), quote=str(r["quote"]))
        for r in item.get("related") or ()
    )
    return FaqEntry(entry_id, topic, questions, answer, related)


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}
