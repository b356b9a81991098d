"""Answers about plans: who leads or supports a task, what a unit leads or supports, the
targets on a topic, and what a plan is. Every answer carries its source citation."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import Engine

from knowledge.plans.manifest import locality_parts
from knowledge.plans.retrieval import Hit
from knowledge.plans.search import (
    Catalog,
    DocumentInfo,
    ResponsibilityRecord,
    TargetRecord,
    TaskFilter,
    TaskRecord,
    UnitRef,
    catalog,
)
from knowledge.plans.units import unit_key
from knowledge.shared.text import expand_abbreviations, fold_vi
from knowledge.shared.wording import say

_PERCENT = re.compile(r"(?:[≥≤]\s*)?\d+(?:[.,]\d+)?\s*%")


class NotFoundError(LookupError):
    """A named unit or plan is not in the knowledge base; ``str()`` is a Vietnamese message."""


@dataclass(frozen=True)
class TaskMatch:
    task_id: str
    document: str  # slug of the plan
    text: str
    lead: tuple[str, ...]  # canonical unit names
    support: tuple[str, ...]
    lead_as_written: str
    support_as_written: str
    due: str  # as written
    due_kind: str  # how precise the due time is (knowledge.plans.ingest.due.KINDS), "" when none
    due_start: date | None  # the days it covers, when it names a period
    due_end: date | None
    product: str
    section: str  # where in the plan: "Mục IV.2.b", "Phụ lục, mục 6.b"
    source: str  # "Kế hoạch số … ngày …, UBND …, Mục …"
    score: float  # BM25 of the match; 0 when not found by a search
    coverage: float = 0.0  # share of the query's words the task holds (retrieval.Hit)


@dataclass(frozen=True)
class UnitInfo:
    id: str
    name: str
    locality: str
    level: str
    collective: bool


@dataclass(frozen=True)
class DutyMatch:
    document: str
    text: str
    role: str  # lead / support / carry_out
    unit_as_written: str
    section: str
    source: str


@dataclass(frozen=True)
class UnitWork:
    """What one unit leads and supports, and the duties the plans give it."""

    unit: UnitInfo
    lead: tuple[TaskMatch, ...]
    support: tuple[TaskMatch, ...]
    duties: tuple[DutyMatch, ...]


@dataclass(frozen=True)
class TargetMatch:
    document: str
    text: str
    topic: str
    figures: tuple[str, ...]  # percentages as written, e.g. ("95%", "80%")
    section: str
    source: str
    score: float
    coverage: float = 0.0


@dataclass(frozen=True)
class PlanInfo:
    slug: str
    title: str
    kind: str  # "KH" for a plan, "QĐ" for a plan issued with a decision
    number: str | None
    issued: str  # dd/mm/yyyy or ""
    year: int
    issuer: str
    locality: str
    note: str
    citation: str
    tasks: int
    targets: int
    deadlines: int
    signer: str | None = None
    signer_capacity: str | None = None


def cite(document: DocumentInfo, section: str = "") -> str:
    """Citation shown with an answer: plan, date, issuer, section."""
    if document.number is None:
        name = document.title  # the source leaves the number blank: name the plan instead
    elif document.kind == "QĐ":
        name = say("citations.plan_of_decision", number=document.number)
    else:
        name = say("citations.plan_numbered", number=document.number)
    if document.issued is not None:
        name = say("citations.plan_issued", plan=name, issued=f"{document.issued:%d/%m/%Y}")
    parts = [name, document.issuer, section]
    citation = ", ".join(part for part in parts if part)
    return f"{citation} ({document.note})" if document.note else citation


def find_tasks(
    query: str,
    *,
    locality: str | None = None,
    document: str | None = None,
    year: int | None = None,
    unit: str | None = None,
    role: str | None = None,
    limit: int = 5,
    engine: Engine | None = None,
) -> list[TaskMatch]:
    """Tasks best matching ``query``, best first, with who leads and supports them.

    Without a locality or document, a locality the query names ("ở TP Hưng Yên") restricts
    the search to it instead of counting as words to match.
    """
    kb = catalog(engine)
    unit_ids = frozenset(u.id for u in _units_named(unit, locality, engine)) if unit else None
    localities = frozenset({fold_vi(locality)}) if locality else None
    if locality is None and document is None:
        rest, named = locality_hint(query, {d.locality for d in kb.documents.values()})
        if named and rest:
            query, localities = rest, frozenset(fold_vi(n) for n in named)
    filters = TaskFilter(localities, document, year, unit_ids, role)
    return [_task_match(task, hit) for task, hit in kb.search_tasks(query, filters, limit)]


# Words naming the kind of a locality, folded: "thành phố Hưng Yên", "tỉnh Hưng Yên", "xã ...".
_LOCALITY_KINDS = ("thanh pho", "tinh", "quan", "huyen", "thi xa", "phuong", "xa")


def locality_hint(query: str, localities: Iterable[str]) -> tuple[str, tuple[str, ...]]:
    """The query without the localities it names, and those localities.

    Localities are written as in manifests ("Hưng Yên (thành phố)", "Long Điền A"). A bare
    "Hưng Yên" names every locality of that name; "TP Hưng Yên" only the city.
    """
    folded = expand_abbreviations(query)
    mentions: list[tuple[str, str, bool]] = []  # (base name, locality, kind said outright)
    spans: list[tuple[int, int]] = []
    for locality in sorted(localities):
        base, kind, pattern = _locality_pattern(locality)
        for match in pattern.finditer(folded):
            said = match.group("kind")
            if said is None or kind is None or said == kind:
                mentions.append((base, locality, said is not None and kind is not None))
                spans.append(match.span())
    named: set[str] = set()
    for base in {b for b, _, _ in mentions}:
        precise = {loc for b, loc, exact in mentions if b == base and exact}
        named |= precise or {loc for b, loc, _ in mentions if b == base}
    rest = folded
    for start, end in sorted(set(spans), reverse=True):
        rest = rest[:start] + " " + rest[end:]
    return (" ".join(rest.split()), tuple(sorted(named))) if named else (query, ())


@lru_cache(maxsize=64)
def _locality_pattern(locality: str) -> tuple[str, str | None, re.Pattern[str]]:
    """(folded base name, folded kind or None, pattern of a mention) of a manifest locality."""
    name, kind = locality_parts(locality)
    base = fold_vi(name)
    kinds = "|".join(_LOCALITY_KINDS)
    pattern = re.compile(rf"\b(?:(?P<kind>{kinds}) )?{re.escape(base)}\b")
    return base, fold_vi(kind) if kind else None, pattern


def unit_work(
    name: str,
    *,
    locality: str | None = None,
    document: str | None = None,
    role: str | None = None,
    engine: Engine | None = None,
) -> list[UnitWork]:
    """For each unit ``name`` may mean (one per locality at most), the tasks it leads and
    supports and its duties. Raises ``NotFoundError`` when no unit has that name."""
    kb = catalog(engine)
    works = []
    for unit in _units_named(name, locality, engine):
        tasks = [t for t in kb.tasks if document is None or t.document.slug == document]
        lead = tuple(_task_match(t) for t in tasks if role != "support" and _has(t.lead, unit))
        support = tuple(_task_match(t) for t in tasks if role != "lead" and _has(t.support, unit))
        duties = tuple(
            _duty_match(d)
            for d in kb.responsibilities
            if d.unit.id == unit.id and (document is None or d.document.slug == document)
        )
        works.append(UnitWork(_unit_info(unit), lead, support, duties))
    return works


def find_targets(
    topic: str,
    *,
    document: str | None = None,
    limit: int = 5,
    engine: Engine | None = None,
) -> list[TargetMatch]:
    """Targets best matching ``topic``, best first."""
    found = catalog(engine).search_targets(topic, document=document, limit=limit)
    return [_target_match(target, hit) for target, hit in found]


def targets_of(document: str, engine: Engine | None = None) -> list[TargetMatch]:
    """Every target of the plan ``document``, in the plan's order."""
    return [_target_match(t) for t in catalog(engine).targets if t.document.slug == document]


def task_by_id(task_id: str, engine: Engine | None = None) -> TaskMatch | None:
    """The task ``task_id`` (as a TaskMatch gave it), None when the base no longer has it."""
    task = catalog(engine).task(task_id)
    return None if task is None else _task_match(task)


def unit_named_in(text: str, engine: Engine | None = None) -> str | None:
    """The longest unit name (any spelling the base knows) written in ``text``, as written in
    the registry; None when the text names none. For questions whose unit the NLU missed."""
    said = f" {unit_key(text)} "
    found = [
        (len(key), name)
        for key, name in _unit_keys(catalog(engine))
        if len(key.split()) > 1 and f" {key} " in said
    ]
    return max(found)[1] if found else None


@lru_cache(maxsize=4)
def _unit_keys(kb: Catalog) -> tuple[tuple[str, str], ...]:
    return tuple(
        (unit_key(alias), alias)
        for unit in kb.registry.units
        if not unit.collective
        for alias in unit.aliases
    )


def unit_names(engine: Engine | None = None) -> frozenset[str]:
    """Every spelling of every unit the base knows, folded: place names inside them
    ("phường Lam Sơn") are no foreign place."""
    return _unit_names(catalog(engine))


@lru_cache(maxsize=4)
def _unit_names(kb: Catalog) -> frozenset[str]:
    return frozenset(fold_vi(alias) for unit in kb.registry.units for alias in unit.aliases)


def list_plans(engine: Engine | None = None) -> list[PlanInfo]:
    return list(_plans_of(catalog(engine)))


def plan_info(slug: str, engine: Engine | None = None) -> PlanInfo:
    for plan in _plans_of(catalog(engine)):
        if plan.slug == slug:
            return plan
    raise NotFoundError(say("lookups.plan_not_found", plan=slug))


def _newest_first(document: DocumentInfo) -> tuple[int, str]:
    return (-document.year, document.slug)


@lru_cache(maxsize=4)
def _plans_of(kb: Catalog) -> tuple[PlanInfo, ...]:
    """Every plan, newest first; worked out once per loaded catalog (a build loads a new one)."""
    return tuple(_plan_info(d, kb) for d in sorted(kb.documents.values(), key=_newest_first))


def _plan_info(document: DocumentInfo, kb: Catalog) -> PlanInfo:
    slug = document.slug
    return PlanInfo(
        slug=slug,
        title=document.title,
        kind=document.kind,
        number=document.number,
        issued=f"{document.issued:%d/%m/%Y}" if document.issued else "",
        year=document.year,
        issuer=document.issuer,
        locality=document.locality,
        note=document.note,
        citation=cite(document),
        tasks=sum(t.document.slug == slug for t in kb.tasks),
        targets=sum(t.document.slug == slug for t in kb.targets),
        deadlines=sum(d.document.slug == slug for d in kb.deadlines),
        signer=document.signer,
        signer_capacity=document.signer_capacity,
    )


def _units_named(name: str, locality: str | None, engine: Engine | None) -> list[UnitRef]:
    kb = catalog(engine)
    found = [kb.units[u.id] for u in kb.registry.find(name, locality)]
    if not found:
        if locality:
            raise NotFoundError(say("lookups.unit_not_found_in", unit=name, locality=locality))
        raise NotFoundError(say("lookups.unit_not_found", unit=name))
    return found


def _has(units: tuple[UnitRef, ...], unit: UnitRef) -> bool:
    return any(u.id == unit.id for u in units)


def _task_match(task: TaskRecord, hit: Hit | None = None) -> TaskMatch:
    return TaskMatch(
        task_id=task.id,
        document=task.document.slug,
        text=task.text,
        lead=tuple(u.name for u in task.lead),
        support=tuple(u.name for u in task.support),
        lead_as_written=task.lead_text,
        support_as_written=task.support_text,
        due=task.due_text,
        due_kind=task.due_kind,
        due_start=task.due_start,
        due_end=task.due_end,
        product=task.product,
        section=task.section,
        source=cite(task.document, task.section),
        score=hit.score if hit else 0.0,
        coverage=hit.coverage if hit else 0.0,
    )


def _target_match(target: TargetRecord, hit: Hit | None = None) -> TargetMatch:
    return TargetMatch(
        document=target.document.slug,
        text=target.text,
        topic=target.topic,
        figures=tuple(_PERCENT.findall(target.text)),
        section=target.section,
        source=cite(target.document, target.section),
        score=hit.score if hit else 0.0,
        coverage=hit.coverage if hit else 0.0,
    )


def _duty_match(duty: ResponsibilityRecord) -> DutyMatch:
    return DutyMatch(
        document=duty.document.slug,
        text=duty.text,
        role=duty.role,
        unit_as_written=duty.unit_text,
        section=duty.section,
        source=cite(duty.document, duty.section),
    )


def _unit_info(unit: UnitRef) -> UnitInfo:
    return UnitInfo(unit.id, unit.name, unit.locality, unit.level, unit.collective)
