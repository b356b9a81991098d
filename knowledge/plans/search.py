"""The in-memory catalog of the knowledge base.

The knowledge base is small (hundreds of facts per plan), so each process loads it once into
frozen records and answers queries from memory, through the topic indexes of retrieval.py: a
task is indexed with its text and product as its own words and its heading as context; a target
with its topic heading; a deadline with its recipient.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from knowledge.plans.models import (
    BuildStamp,
    Document,
    ReportingDeadline,
    Responsibility,
    Target,
    Task,
    Unit,
)
from knowledge.plans.retrieval import Hit, TopicIndex
from knowledge.plans.units import CanonicalUnit, UnitRegistry
from knowledge.shared.db import get_engine, session_scope
from knowledge.shared.text import fold_vi

logger = logging.getLogger(__name__)

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
    signer: str | None = None
    signer_capacity: str | None = None


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
        *,
        stamp: str | None = None,
    ) -> None:
        self.stamp = stamp  # the build this catalog was loaded from (``read_stamp``)
        self.documents = {d.slug: d for d in documents}
        self.registry = registry
        self.units = {u.id: u for u in units}
        self.tasks = tuple(tasks)
        self.targets = tuple(targets)
        self.deadlines = tuple(deadlines)
        self.responsibilities = tuple(responsibilities)
        # A unit's duty ("Sở Nội vụ: chủ trì ...") answers "who does X" as a task does.
        self._searchable = self.tasks + _duties_as_tasks(self.responsibilities, self.tasks)
        self._tasks_by_id = {t.id: t for t in self._searchable}
        self._task_index = TopicIndex((f"{t.text} {t.product}", t.group) for t in self._searchable)
        self._target_index = TopicIndex((t.text, t.topic) for t in self.targets)
        self._deadline_index = TopicIndex(
            (f"{d.title} {d.text}", d.recipient) for d in self.deadlines
        )

    def task(self, task_id: str) -> TaskRecord | None:
        return self._tasks_by_id.get(task_id)

    def search_tasks(
        self, query: str, filters: TaskFilter | None = None, limit: int = 10
    ) -> list[tuple[TaskRecord, Hit]]:
        accepts = (filters or TaskFilter()).accepts
        found = self._searchable
        hits = self._task_index.search(
            query, allowed=lambda i: accepts(found[i]), limit=limit + _TIE_MARGIN
        )
        # Between equal scores, a task that says who leads it answers more.
        ranked = sorted(hits, key=lambda hit: (-hit.score, not found[hit.position].lead))
        return [(found[hit.position], hit) for hit in ranked[:limit]]

    def search_targets(
        self, query: str, *, document: str | None = None, limit: int = 10
    ) -> list[tuple[TargetRecord, Hit]]:
        return _search_in(self._target_index, self.targets, query, document, limit)

    def search_deadlines(
        self, query: str, *, document: str | None = None, limit: int = 10
    ) -> list[tuple[DeadlineRecord, Hit]]:
        return _search_in(self._deadline_index, self.deadlines, query, document, limit)


def _duties_as_tasks(
    duties: Sequence[ResponsibilityRecord], tasks: Sequence[TaskRecord]
) -> tuple[TaskRecord, ...]:
    """The duties no task already states, as tasks led (or supported) by their unit."""
    stated = {(t.document.slug, fold_vi(t.text)) for t in tasks}
    return tuple(
        TaskRecord(
            id=d.id,
            document=d.document,
            ref="",
            group=d.unit_text,
            text=d.text,
            product="",
            lead=() if d.role == "support" else (d.unit,),
            support=(d.unit,) if d.role == "support" else (),
            lead_text="" if d.role == "support" else d.unit_text,
            support_text=d.unit_text if d.role == "support" else "",
            due_text="",
            due_kind="",
            due_start=None,
            due_end=None,
            section=d.section,
            line=d.line,
        )
        for d in duties
        if (d.document.slug, fold_vi(d.text)) not in stated
    )


_Fact = TypeVar("_Fact", TargetRecord, DeadlineRecord)
# Extra hits fetched so that re-ranking ties cannot drop a better-informed one.
_TIE_MARGIN = 10


def _search_in(
    index: TopicIndex, facts: Sequence[_Fact], query: str, document: str | None, limit: int
) -> list[tuple[_Fact, Hit]]:
    """Best ``facts`` for ``query``, from one document when ``document`` is given."""
    hits = index.search(
        query,
        allowed=None if document is None else lambda i: facts[i].document.slug == document,
        limit=limit,
    )
    return [(facts[hit.position], hit) for hit in hits]


# How often, at most, a process asks the database whether the knowledge base was rebuilt
# (by another process: a build in this one drops its copy at once, see ``invalidate``).
RELOAD_CHECK_S = 5.0


@dataclass
class _Cached:
    catalog: Catalog
    checked: float  # time.monotonic() of the last look at the build stamp
    refreshing: bool = False


_CATALOGS: dict[str, _Cached] = {}
_LOCK = threading.Lock()


def catalog(engine: Engine | None = None) -> Catalog:
    """The catalog of ``engine``'s knowledge base, loaded on first use in this process.

    Searches never wait on the database: at most every ``RELOAD_CHECK_S`` seconds a call starts
    a background look at the build stamp and, when another process has rebuilt the base (an
    official published or withdrew a plan), a load of the new catalog, which then replaces the
    old one; calls meanwhile answer from the old one.
    """
    engine = engine or get_engine()
    key = str(engine.url)
    with _LOCK:
        cached = _CATALOGS.get(key)
        if cached is None:
            cached = _CATALOGS[key] = _Cached(load_catalog(engine), time.monotonic())
            return cached.catalog
        now = time.monotonic()
        due = not cached.refreshing and now - cached.checked >= RELOAD_CHECK_S
        if due:
            cached.refreshing, cached.checked = True, now
    if due:
        threading.Thread(
            target=_refresh_quietly, args=(engine, key, cached), name="catalog-reload", daemon=True
        ).start()
    return cached.catalog


def refresh(engine: Engine | None = None) -> bool:
    """Reload ``engine``'s catalog now if the base was rebuilt since it was loaded; whether it
    was. Calls to ``catalog`` keep answering from the old catalog until the new one is ready."""
    engine = engine or get_engine()
    key = str(engine.url)
    with _LOCK:
        cached = _CATALOGS.get(key)
    if cached is None:
        catalog(engine)
        return True
    return _refresh(engine, key, cached)


def _refresh(engine: Engine, key: str, cached: _Cached) -> bool:
    if read_stamp(engine) == cached.catalog.stamp:
        return False
    fresh = load_catalog(engine)
    with _LOCK:
        if _CATALOGS.get(key) is not cached:
            return False  # a build in this process dropped it meanwhile: the next call loads
        _CATALOGS[key] = _Cached(fresh, time.monotonic())
    logger.info("knowledge base rebuilt elsewhere: catalog reloaded (%s)", fresh.stamp)
    return True


def _refresh_quietly(engine: Engine, key: str, cached: _Cached) -> None:
    try:
        _refresh(engine, key, cached)
    except Exception:
        # The old catalog keeps answering; the next check tries again.
        logger.exception("catalog reload failed")
    finally:
        cached.refreshing = False


def invalidate(engine: Engine) -> None:
    """Forget ``engine``'s catalog (after a build) so the next query reloads it."""
    with _LOCK:
        _CATALOGS.pop(str(engine.url), None)


def read_stamp(engine: Engine) -> str | None:
    """The fingerprint of the last build (``build.fingerprint``); None for a base built before
    builds were stamped, or not built."""
    try:
        with engine.connect() as connection:
            found = connection.execute(select(BuildStamp.stamp).where(BuildStamp.id == 1))
            return found.scalar_one_or_none()
    except SQLAlchemyError:
        return None


def load_catalog(engine: Engine) -> Catalog:
    # The stamp first: should a build land between the two reads, the catalog holds the new
    # rows under the old stamp and the next check reloads once more; never the reverse.
    stamp = read_stamp(engine)
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
        stamp=stamp,
    )


def _document_info(d: Document) -> DocumentInfo:
    return DocumentInfo(
        d.id,
        d.title,
        d.kind,
        d.number,
        d.issued,
        d.year,
        d.issuer,
        d.locality,
        d.level,
        d.note,
        d.signer,
        d.signer_capacity,
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
