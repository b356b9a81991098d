"""In-memory search over the knowledge base.

The knowledge base is small (hundreds of facts), so each process loads it once into frozen
records and answers queries from memory. Text is compared folded (no case, no diacritics) with
abbreviations expanded, so "ai chủ trì kiểm soát TTHC" and "ai chu tri kiem soat thu tuc hanh
chinh" meet the same task; misspelt syllables are matched to the nearest known one.

Ranking: the share of the query's informative syllables a fact contains (weighted by rarity),
plus the shares of the query's syllable pairs and triples it contains, since Vietnamese words
are mostly two syllables and pairs say "kiểm tra" rather than "kiểm ... tra"; triples favour
the fact that says the query's phrase ("tuyên truyền cải cách hành chính") over a long one
holding its words scattered.
"""

from __future__ import annotations

import heapq
import math
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import pairwise
from typing import TypeVar

from rapidfuzz import fuzz, process
from sqlalchemy import Engine, select
from sqlalchemy.orm import selectinload

from knowledge.plans.models import Document, ReportingDeadline, Responsibility, Target, Task, Unit
from knowledge.plans.units import CanonicalUnit, UnitRegistry
from knowledge.shared.db import get_engine, session_scope
from knowledge.shared.text import expand_abbreviations, fold_vi

# Question scaffolding, folded: says what is asked, not which fact.
_QUESTION_PHRASES = re.compile(
    r"\b(?:ai|don vi nao|co quan nao|phong nao|la gi|nhu the nao|bao gio|khi nao|chu tri|"
    r"phoi hop|phu trach|lam gi|cho (?:toi|minh|em) (?:biet|hoi)|xin hoi|(?:hay )?cho biet)\b"
)
_STOP_TOKENS = frozenset(
    {"gi", "nao", "la", "cua", "ve", "voi", "o", "nhi", "a", "va", "cac", "nhung"}
)
_MIN_FUZZY_TOKEN = 4
_TOKEN_CUTOFF = 80
MIN_SCORE = 35.0
# Extra hits fetched so that re-ranking ties cannot drop a better-informed one.
_TIE_MARGIN = 10


def query_tokens(query: str) -> list[str]:
    """Informative folded syllables of a user's query, abbreviations expanded."""
    expanded = expand_abbreviations(query)
    stripped = _QUESTION_PHRASES.sub(" ", expanded).split()
    informative = [t for t in stripped if t not in _STOP_TOKENS]
    return informative or expanded.split()


def _bigrams(tokens: Sequence[str]) -> set[tuple[str, ...]]:
    return set(pairwise(tokens))


def _trigrams(tokens: Sequence[str]) -> set[tuple[str, ...]]:
    return set(zip(tokens, tokens[1:], tokens[2:], strict=False))


_Key = TypeVar("_Key", str, tuple[str, ...])
# Weight of a word met only in an entry's context rather than its own text.
_CONTEXT_WEIGHT = 0.5


class TextIndex:
    """Ranked lookup of entries by syllable and syllable-pair overlap.

    Each entry is (text, context): words met only in the context (a task's heading, say)
    count half, so "cải cách thể chế" ranks the task that says it above the tasks merely
    filed under that heading.
    """

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        # Postings map a syllable (or pair) to the entries holding it; a query adds up only
        # the postings of its own syllables and pairs.
        postings: dict[str, _Postings] = defaultdict(_Postings)
        pair_postings: dict[tuple[str, ...], _Postings] = defaultdict(_Postings)
        triple_postings: dict[tuple[str, ...], _Postings] = defaultdict(_Postings)
        self._lengths: list[int] = []
        for position, (text, context) in enumerate(entries):
            own = expand_abbreviations(text).split()
            around = expand_abbreviations(context).split()
            _post(postings, position, set(own), set(around))
            _post(pair_postings, position, _bigrams(own), _bigrams(around))
            _post(triple_postings, position, _trigrams(own), _trigrams(around))
            self._lengths.append(len(own))
        self._postings = dict(postings)
        self._pair_postings = dict(pair_postings)
        self._triple_postings = dict(triple_postings)
        total = max(len(self._lengths), 1)
        self._idf = {t: math.log(1 + total / p.count) for t, p in self._postings.items()}
        self._vocabulary = sorted(self._postings)
        self._nearest = lru_cache(maxsize=4096)(self._nearest_token)

    def __len__(self) -> int:
        return len(self._lengths)

    def _nearest_token(self, token: str) -> str | None:
        if token in self._postings:
            return token
        if len(token) < _MIN_FUZZY_TOKEN:
            return None
        match = process.extractOne(
            token, self._vocabulary, scorer=fuzz.ratio, score_cutoff=_TOKEN_CUTOFF
        )
        return match[0] if match else None

    def search(
        self,
        query: str,
        *,
        allowed: Callable[[int], bool] | None = None,
        limit: int = 10,
        min_score: float = MIN_SCORE,
    ) -> list[tuple[int, float]]:
        """(position, score 0-100) of the best entries for ``query``, best first.

        The score is 50% the rarity-weighted share of the query's syllables an entry holds,
        30% the share of its syllable pairs and 20% the share of its syllable triples (a
        shorter query counts its pairs, or syllables, again instead).
        """
        tokens = [t for t in (self._nearest(t) for t in query_tokens(query)) if t]
        if not tokens:
            return []
        unique = set(tokens)
        total = sum(self._idf[t] for t in unique)
        covered = [0.0] * len(self._lengths)
        for token in unique:
            self._postings[token].add_to(covered, self._idf[token] / total)
        paired = self._share(_bigrams(tokens), self._pair_postings, covered)
        tripled = self._share(_trigrams(tokens), self._triple_postings, paired)
        scores = [
            100 * (0.5 * c + 0.3 * p + 0.2 * t)
            for c, p, t in zip(covered, paired, tripled, strict=True)
        ]
        found = [
            position
            for position, score in enumerate(scores)
            if score >= min_score and (allowed is None or allowed(position))
        ]
        # Between equal scores, the shorter text (the one that is mostly the query) wins.
        best = heapq.nsmallest(
            limit, found, key=lambda p: (-round(scores[p], 6), self._lengths[p], p)
        )
        return [(position, round(scores[position], 2)) for position in best]

    def _share(
        self,
        grams: set[tuple[str, ...]],
        postings: dict[tuple[str, ...], _Postings],
        fallback: list[float],
    ) -> list[float]:
        """Per entry, the share of ``grams`` it holds; ``fallback`` when there are none."""
        if not grams:
            return fallback
        shares = [0.0] * len(self._lengths)
        for gram in grams:
            if gram in postings:
                postings[gram].add_to(shares, 1 / len(grams))
        return shares


@dataclass
class _Postings:
    """Entries holding a syllable (or pair) in their own text, and only in their context."""

    own: list[int] = field(default_factory=list)
    context: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.own) + len(self.context)

    def add_to(self, scores: list[float], share: float) -> None:
        for position in self.own:
            scores[position] += share
        half = share * _CONTEXT_WEIGHT
        for position in self.context:
            scores[position] += half


def _post(
    postings: dict[_Key, _Postings], position: int, own: set[_Key], context: set[_Key]
) -> None:
    for key in own:
        postings[key].own.append(position)
    for key in context - own:
        postings[key].context.append(position)


# --- the in-memory catalog ---------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentInfo:
    slug: str
    title: str
    kind: str
    number: str | None
    issued: date | None
    year: int
    issuer: str
    locality: str
    level: str
    note: str


@dataclass(frozen=True)
class UnitRef:
    id: str
    name: str
    locality: str
    level: str
    collective: bool
    listed: bool


@dataclass(frozen=True)
class TaskRecord:
    id: str
    document: DocumentInfo
    ref: str
    group: str
    text: str
    product: str
    lead: tuple[UnitRef, ...]
    support: tuple[UnitRef, ...]
    lead_text: str
    support_text: str
    due_text: str
    due_kind: str
    due_start: date | None
    due_end: date | None
    section: str
    line: int


@dataclass(frozen=True)
class TargetRecord:
    id: str
    document: DocumentInfo
    text: str
    topic: str
    section: str
    line: int


@dataclass(frozen=True)
class DeadlineRecord:
    id: str
    document: DocumentInfo
    title: str
    text: str
    recipient: str
    due_date: date | None
    rule_day: int | None
    rule_months: tuple[int, ...]
    rule_description: str
    section: str
    line: int


@dataclass(frozen=True)
class ResponsibilityRecord:
    id: str
    document: DocumentInfo
    unit: UnitRef
    unit_text: str
    role: str
    text: str
    section: str
    line: int


@dataclass(frozen=True)
class TaskFilter:
    """Restrictions on task search; ``unit_ids`` with ``role`` keeps tasks where one of the
    units has that role (either role when ``role`` is None)."""

    localities: frozenset[str] | None = None  # folded locality names
    document: str | None = None
    year: int | None = None
    unit_ids: frozenset[str] | None = None
    role: str | None = None

    def accepts(self, task: TaskRecord) -> bool:
        doc = task.document
        if self.localities is not None and fold_vi(doc.locality) not in self.localities:
            return False
        if self.document is not None and doc.slug != self.document:
            return False
        if self.year is not None and doc.year != self.year:
            return False
        if self.unit_ids is not None:
            units = {"lead": task.lead, "support": task.support}
            roles = (self.role,) if self.role else ("lead", "support")
            return any(u.id in self.unit_ids for role in roles for u in units[role])
        return True


class Catalog:
    """Everything in the knowledge base, as frozen records, with text indexes."""

    def __init__(
        self,
        documents: Sequence[DocumentInfo],
        registry: UnitRegistry,
        units: Sequence[UnitRef],
        tasks: Sequence[TaskRecord],
        targets: Sequence[TargetRecord],
        deadlines: Sequence[DeadlineRecord],
        responsibilities: Sequence[ResponsibilityRecord],
    ) -> None:
        self.documents = {d.slug: d for d in documents}
        self.registry = registry
        self.units = {u.id: u for u in units}
        self.tasks = tuple(tasks)
        self._tasks_by_id = {t.id: t for t in self.tasks}
        self.targets = tuple(targets)
        self.deadlines = tuple(deadlines)
        self.responsibilities = tuple(responsibilities)
        self._task_index = TextIndex((t.text, f"{t.group} {t.product}") for t in self.tasks)
        self._target_index = TextIndex((t.text, t.topic) for t in self.targets)
        self._deadline_index = TextIndex(
            (f"{d.title} {d.text}", d.recipient) for d in self.deadlines
        )

    def task(self, task_id: str) -> TaskRecord | None:
        return self._tasks_by_id.get(task_id)

    def search_tasks(
        self, query: str, filters: TaskFilter | None = None, limit: int = 10
    ) -> list[tuple[TaskRecord, float]]:
        accepts = (filters or TaskFilter()).accepts
        hits = self._task_index.search(
            query, allowed=lambda i: accepts(self.tasks[i]), limit=limit + _TIE_MARGIN
        )
        # Between equal scores, a task that says who leads it answers more.
        ranked = sorted(hits, key=lambda hit: (-hit[1], not self.tasks[hit[0]].lead))
        return [(self.tasks[i], score) for i, score in ranked[:limit]]

    def search_targets(
        self, query: str, *, document: str | None = None, limit: int = 10
    ) -> list[tuple[TargetRecord, float]]:
        return _search_in(self._target_index, self.targets, query, document, limit)

    def search_deadlines(
        self, query: str, *, document: str | None = None, limit: int = 10
    ) -> list[tuple[DeadlineRecord, float]]:
        return _search_in(self._deadline_index, self.deadlines, query, document, limit)


_Fact = TypeVar("_Fact", TargetRecord, DeadlineRecord)


def _search_in(
    index: TextIndex, facts: Sequence[_Fact], query: str, document: str | None, limit: int
) -> list[tuple[_Fact, float]]:
    """Best ``facts`` for ``query``, from one document when ``document`` is given."""
    hits = index.search(
        query,
        allowed=None if document is None else lambda i: facts[i].document.slug == document,
        limit=limit,
    )
    return [(facts[i], score) for i, score in hits]


_CATALOGS: dict[str, Catalog] = {}
_LOCK = threading.Lock()


def catalog(engine: Engine | None = None) -> Catalog:
    """The catalog of ``engine``'s knowledge base, loaded on first use in this process."""
    engine = engine or get_engine()
    key = str(engine.url)
    with _LOCK:
        if key not in _CATALOGS:
            _CATALOGS[key] = load_catalog(engine)
        return _CATALOGS[key]


def invalidate(engine: Engine) -> None:
    """Forget ``engine``'s catalog (after a build) so the next query reloads it."""
    with _LOCK:
        _CATALOGS.pop(str(engine.url), None)


def load_catalog(engine: Engine) -> Catalog:
    with session_scope(engine) as session:
        documents = {d.id: _document_info(d) for d in session.scalars(select(Document))}
        unit_rows = list(session.scalars(select(Unit).options(selectinload(Unit.aliases))))
        units = {u.id: _unit_ref(u) for u in unit_rows}
        tasks = [
            _task_record(t, documents, units)
            for t in session.scalars(
                select(Task)
                .options(selectinload(Task.unit_links))
                .order_by(Task.document_id, Task.line, Task.id)
            )
        ]
        targets = [
            TargetRecord(t.id, documents[t.document_id], t.text, t.topic, t.section, t.line)
            for t in session.scalars(select(Target).order_by(Target.document_id, Target.line))
        ]
        deadlines = [
            _deadline_record(d, documents)
            for d in session.scalars(
                select(ReportingDeadline).order_by(
                    ReportingDeadline.document_id, ReportingDeadline.line
                )
            )
        ]
        responsibilities = [
            ResponsibilityRecord(
                r.id,
                documents[r.document_id],
                units[r.unit_id],
                r.unit_text,
                r.role,
                r.text,
                r.section,
                r.line,
            )
            for r in session.scalars(
                select(Responsibility).order_by(Responsibility.document_id, Responsibility.line)
            )
        ]
        registry = UnitRegistry.from_units(
            CanonicalUnit(
                id=u.id,
                locality=u.locality,
                name=u.name,
                level=u.level,
                collective=u.collective,
                aliases=tuple(dict.fromkeys([u.name, *(a.alias for a in u.aliases)])),
            )
            for u in unit_rows
        )
    return Catalog(
        list(documents.values()),
        registry,
        list(units.values()),
        tasks,
        targets,
        deadlines,
        responsibilities,
    )


def _document_info(d: Document) -> DocumentInfo:
    return DocumentInfo(
        d.id, d.title, d.kind, d.number, d.issued, d.year, d.issuer, d.locality, d.level, d.note
    )


def _unit_ref(u: Unit) -> UnitRef:
    return UnitRef(u.id, u.name, u.locality, u.level, u.collective, u.listed)


def _task_record(
    task: Task, documents: dict[str, DocumentInfo], units: dict[str, UnitRef]
) -> TaskRecord:
    def role(name: str) -> tuple[UnitRef, ...]:
        return tuple(units[link.unit_id] for link in task.unit_links if link.role == name)

    return TaskRecord(
        id=task.id,
        document=documents[task.document_id],
        ref=task.ref,
        group=task.group_title,
        text=task.text,
        product=task.product,
        lead=role("lead"),
        support=role("support"),
        lead_text=task.lead_text,
        support_text=task.support_text,
        due_text=task.due_text,
        due_kind=task.due_kind,
        due_start=task.due_start,
        due_end=task.due_end,
        section=task.section,
        line=task.line,
    )


def _deadline_record(d: ReportingDeadline, documents: dict[str, DocumentInfo]) -> DeadlineRecord:
    return DeadlineRecord(
        id=d.id,
        document=documents[d.document_id],
        title=d.title,
        text=d.text,
        recipient=d.recipient,
        due_date=d.due_date,
        rule_day=d.rule_day,
        rule_months=tuple(int(m) for m in d.rule_months.split(",") if m),
        rule_description=d.rule_description,
        section=d.section,
        line=d.line,
    )
