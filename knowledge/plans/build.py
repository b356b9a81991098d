"""Build the knowledge base from the plan documents.

Every document is read by the generic reader (or the parser its manifest names); targets and
reporting deadlines are also extracted from every document's text; a document that cannot be
read is named in the report and left out, the others are built. Unit names are split and
resolved to canonical units of the document's locality; due texts and report schedules are
normalised. The whole knowledge base is then replaced in one transaction, so readers see
either the old or the new one, and a rebuild yields the same rows with the same ids.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import Engine, delete, text

from knowledge.plans.ingest import PARSERS, Parser
from knowledge.plans.ingest.deadlines import extract_deadlines, parse_schedule, periodic_report
from knowledge.plans.ingest.due import normalize_due
from knowledge.plans.ingest.records import (
    ParsedDeadline,
    ParsedDocument,
    ParsedResponsibility,
    ParsedTarget,
    ParsedTask,
)
from knowledge.plans.ingest.targets import extract_targets
from knowledge.plans.manifest import Manifest, load_manifests
from knowledge.plans.models import (
    BuildStamp,
    Document,
    ReportingDeadline,
    Responsibility,
    Target,
    Task,
    TaskUnit,
    Unit,
    UnitAlias,
)
from knowledge.plans.search import invalidate
from knowledge.plans.units import (
    CanonicalUnit,
    UnitRegistry,
    load_registry,
    split_units,
    unit_id,
    unit_key,
)
from knowledge.shared.db import get_engine, session_scope
from knowledge.shared.models import Base
from knowledge.shared.text import fold_vi

logger = logging.getLogger(__name__)

_Fact = TypeVar("_Fact", ParsedTarget, ParsedDeadline)

# The tables a build owns (others share ``Base``: dossiers, feedback), children before
# parents so that deleting in this order never breaks a foreign key.
KNOWLEDGE_TABLES = (
    BuildStamp,
    TaskUnit,
    Task,
    Target,
    ReportingDeadline,
    Responsibility,
    UnitAlias,
    Unit,
    Document,
)


# Below these, a document was probably not read well: the build says so.
MIN_TASKS = 5
MIN_LED_SHARE = 0.5


@dataclass(frozen=True)
class DocumentCounts:
    """What one document gave, to tell whether it was read well."""

    slug: str
    parser: str
    tasks: int = 0
    with_lead: int = 0
    targets: int = 0
    deadlines: int = 0
    duties: int = 0
    error: str = ""  # why the document could not be read at all

    @property
    def problems(self) -> list[str]:
        """Why this document may not have been read well, in English for the build log."""
        if self.error:
            return [f"{self.slug}: not read ({self.error})"]
        found = []
        if self.tasks < MIN_TASKS:
            found.append(f"{self.slug}: only {self.tasks} tasks found")
        if self.tasks and self.with_lead < MIN_LED_SHARE * self.tasks:
            unled = self.tasks - self.with_lead
            found.append(f"{self.slug}: {unled} of {self.tasks} tasks without a lead unit")
        return found


@dataclass(frozen=True)
class BuildReport:
    documents: int
    tasks: int
    targets: int
    deadlines: int
    responsibilities: int
    units: int
    unlisted_units: tuple[str, ...]  # names the documents use that units.yaml lacks
    seconds: float
    per_document: tuple[DocumentCounts, ...] = ()

    @property
    def problems(self) -> list[str]:
        """Documents not read, or read poorly (few tasks, tasks without a lead)."""
        return [problem for counts in self.per_document for problem in counts.problems]


@dataclass
class Rows:
    """Everything one build writes, in insertion order."""

    documents: list[Document] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    aliases: list[UnitAlias] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    task_units: list[TaskUnit] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    deadlines: list[ReportingDeadline] = field(default_factory=list)
    responsibilities: list[Responsibility] = field(default_factory=list)
    counts: list[DocumentCounts] = field(default_factory=list)  # not written: for the report

    def in_order(self) -> list[Base]:
        return [
            *self.documents,
            *self.units,
            *self.aliases,
            *self.tasks,
            *self.task_units,
            *self.targets,
            *self.deadlines,
            *self.responsibilities,
        ]


# Any constant shared by every process building into the same PostgreSQL database.
_BUILD_LOCK_KEY = 7_460_311


@contextmanager
def exclusive_build(engine: Engine) -> Iterator[None]:
    """One build at a time per PostgreSQL database: several hosts rebuild at start, and two
    interleaved delete-and-insert builds break each other's foreign keys."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _BUILD_LOCK_KEY})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _BUILD_LOCK_KEY})


def build(
    engine: Engine | None = None,
    *,
    manifests: Sequence[Manifest] | None = None,
    registry: UnitRegistry | None = None,
    parsers: Mapping[str, Parser] = PARSERS,
) -> BuildReport:
    """Parse every document and replace the knowledge base with the result."""
    started = time.perf_counter()
    engine = engine or get_engine()
    manifests = load_manifests() if manifests is None else manifests
    rows = collect(manifests, registry or load_registry(), parsers)
    with exclusive_build(engine):
        tables = [Base.metadata.tables[model.__tablename__] for model in KNOWLEDGE_TABLES]
        Base.metadata.create_all(engine, tables=tables)
        with session_scope(engine) as session:
            for model in KNOWLEDGE_TABLES:
                session.execute(delete(model))
            session.add_all(rows.in_order())
            # In the same transaction: a reader sees the new rows and their stamp, or neither.
            session.add(BuildStamp(id=STAMP_ID, stamp=fingerprint(rows)))
    invalidate(engine)  # this process would otherwise answer from its copy of the old build
    return BuildReport(
        documents=len(rows.documents),
        tasks=len(rows.tasks),
        targets=len(rows.targets),
        deadlines=len(rows.deadlines),
        responsibilities=len(rows.responsibilities),
        units=len(rows.units),
        unlisted_units=tuple(unit.name for unit in rows.units if not unit.listed),
        seconds=time.perf_counter() - started,
        per_document=tuple(rows.counts),
    )


STAMP_ID = 1


def fingerprint(rows: Rows) -> str:
    """A digest of every value a build writes: two builds of the same sources give the same
    one, so other processes reload their catalog only when the knowledge base changed."""
    digest = hashlib.sha256()
    for row in rows.in_order():
        table = row.__table__
        digest.update(table.name.encode())
        for column in table.columns:
            digest.update(b"\x1f" + repr(getattr(row, column.key)).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


def collect(
    manifests: Iterable[Manifest], registry: UnitRegistry, parsers: Mapping[str, Parser]
) -> Rows:
    """The rows of a build, without touching a database (pure but for reading the sources).

    A document that cannot be read, or whose facts cannot be normalised, is named in the
    report (``Rows.counts``) and left out; the others are built.
    """
    rows = Rows()
    units = _UnitTable(registry)
    for manifest in manifests:
        try:
            counts = _collect_document(rows, manifest, units, parsers)
        except Exception as error:
            logger.exception("document %s (%s) could not be read", manifest.slug, manifest.parser)
            counts = DocumentCounts(
                manifest.slug, manifest.parser, error=f"{type(error).__name__}: {error}"
            )
        rows.counts.append(counts)
    for problem in (p for counts in rows.counts if not counts.error for p in counts.problems):
        logger.warning("%s", problem)
    rows.units, rows.aliases = units.rows()
    return rows


def _collect_document(
    rows: Rows, manifest: Manifest, units: _UnitTable, parsers: Mapping[str, Parser]
) -> DocumentCounts:
    """Add one document's rows to ``rows``: all of them, or none when any step fails."""
    text = manifest.read_text()
    parsed = parsers[manifest.parser](text)
    targets = _merged_targets(parsed, extract_targets(text))
    deadlines = _merged_deadlines(parsed, extract_deadlines(text))
    own = Rows()
    own.documents.append(_document(manifest))
    _add_tasks(own, manifest, parsed.tasks, units)
    _add_targets(own, manifest, targets)
    _add_deadlines(own, manifest, deadlines)
    _add_responsibilities(own, manifest, parsed.responsibilities, units)
    for name in ("documents", "tasks", "task_units", "targets", "deadlines", "responsibilities"):
        getattr(rows, name).extend(getattr(own, name))
    return DocumentCounts(
        manifest.slug,
        manifest.parser,
        tasks=len(parsed.tasks),
        with_lead=sum(1 for task in parsed.tasks if task.lead_units),
        targets=len(targets),
        deadlines=len(deadlines),
        duties=len(parsed.responsibilities),
    )


def _document(manifest: Manifest) -> Document:
    return Document(
        id=manifest.slug,
        title=manifest.title,
        kind=manifest.kind,
        number=manifest.number,
        issued=manifest.issued,
        year=manifest.year,
        issuer=manifest.issuer,
        locality=manifest.locality,
        level=manifest.level,
        note=manifest.note,
        signer=manifest.signer,
        signer_capacity=manifest.signer_capacity,
    )


def fact_ids(slug: str, kind: str, lines: Iterable[int]) -> list[str]:
    """Stable ids "<slug>:<kind>:<line>:<n>", n counting facts that start on the same line."""
    seen: Counter[int] = Counter()
    ids = []
    for line in lines:
        seen[line] += 1
        ids.append(f"{slug}:{kind}:{line}:{seen[line]}")
    return ids


def _add_tasks(
    rows: Rows, manifest: Manifest, tasks: Sequence[ParsedTask], units: _UnitTable
) -> None:
    ids = fact_ids(manifest.slug, "task", (t.source.line for t in tasks))
    for task_id, task in zip(ids, tasks, strict=True):
        due = (
            normalize_due(task.due_text, manifest.year)
            if task.due_text.strip() and manifest.year
            else None
        )
        rows.tasks.append(
            Task(
                id=task_id,
                document_id=manifest.slug,
                ref=task.ref,
                group_title=task.group,
                text=task.text,
                product=task.product,
                lead_text="; ".join(task.lead_units),
                support_text="; ".join(task.support_units),
                due_text=task.due_text,
                due_kind=due.kind if due else "",
                due_start=due.start if due else None,
                due_end=due.end if due else None,
                section=task.source.section,
                line=task.source.line,
            )
        )
        for role, names in (("lead", task.lead_units), ("support", task.support_units)):
            for position, unit in enumerate(units.resolve_all(names, manifest.locality)):
                rows.task_units.append(
                    TaskUnit(task_id=task_id, unit_id=unit, role=role, position=position)
                )


def _merged_targets(parsed: ParsedDocument, extracted: list[ParsedTarget]) -> list[ParsedTarget]:
    return _merged(parsed.targets, extracted, lambda t: t.text)


def _merged_deadlines(
    parsed: ParsedDocument, extracted: list[ParsedDeadline]
) -> list[ParsedDeadline]:
    return _merged(parsed.deadlines, extracted, lambda d: d.text)


def _merged(
    own: Sequence[_Fact], extracted: Sequence[_Fact], text_of: Callable[[_Fact], str]
) -> list[_Fact]:
    """A parser's own facts plus the extractor's, without the extractor's repeats of them
    (same line, one text containing the other)."""
    merged = list(own)
    for fact in extracted:
        folded = fold_vi(text_of(fact))
        if not any(
            other.source.line == fact.source.line
            and (folded in fold_vi(text_of(other)) or fold_vi(text_of(other)) in folded)
            for other in merged
        ):
            merged.append(fact)
    return sorted(merged, key=lambda f: f.source.line)


def _add_targets(rows: Rows, manifest: Manifest, targets: Sequence[ParsedTarget]) -> None:
    ids = fact_ids(manifest.slug, "target", (t.source.line for t in targets))
    rows.targets.extend(
        Target(
            id=target_id,
            document_id=manifest.slug,
            text=target.text,
            topic=target.topic,
            section=target.source.section,
            line=target.source.line,
        )
        for target_id, target in zip(ids, targets, strict=True)
    )


def _add_deadlines(rows: Rows, manifest: Manifest, deadlines: Sequence[ParsedDeadline]) -> None:
    ids = fact_ids(manifest.slug, "deadline", (d.source.line for d in deadlines))
    for deadline_id, deadline in zip(ids, deadlines, strict=True):
        due_date, rule = (
            parse_schedule(deadline.text, manifest.year) if manifest.year else (None, None)
        )
        # A periodic report without a day ("Định kỳ 06 tháng") keeps its period as written.
        period = "" if rule or due_date else periodic_report(deadline.text) or ""
        rows.deadlines.append(
            ReportingDeadline(
                id=deadline_id,
                document_id=manifest.slug,
                title=deadline.title,
                text=deadline.text,
                recipient=deadline.recipient,
                due_date=due_date,
                rule_day=rule.day if rule else None,
                rule_months=",".join(str(m) for m in rule.months) if rule else "",
                rule_description=rule.description if rule else period,
                section=deadline.source.section,
                line=deadline.source.line,
            )
        )


def _add_responsibilities(
    rows: Rows,
    manifest: Manifest,
    duties: Sequence[ParsedResponsibility],
    units: _UnitTable,
) -> None:
    # A duty given to "Phòng Văn hóa và Thông tin, Trung tâm Văn hóa ..." is each unit's duty.
    pairs = [
        (duty, unit)
        for duty in duties
        for unit in units.resolve_all([duty.unit], manifest.locality)
    ]
    ids = fact_ids(manifest.slug, "duty", (duty.source.line for duty, _ in pairs))
    rows.responsibilities.extend(
        Responsibility(
            id=duty_id,
            document_id=manifest.slug,
            unit_id=unit,
            unit_text=duty.unit,
            role=duty.role,
            text=duty.text,
            section=duty.source.section,
            line=duty.source.line,
        )
        for duty_id, (duty, unit) in zip(ids, pairs, strict=True)
    )


class _UnitTable:
    """Declared units plus those the documents name but ``units.yaml`` lacks."""

    def __init__(self, registry: UnitRegistry) -> None:
        self._registry = registry
        self._unlisted: dict[str, CanonicalUnit] = {}

    def resolve_all(self, raw_names: Iterable[str], locality: str) -> list[str]:
        """Ids of the units named in ``raw_names`` (cells or phrases), in order, once each."""
        ids: list[str] = []
        for raw in raw_names:
            for name in split_units(raw, self._registry):
                unit = self._registry.resolve(name, locality) or self._unlisted_unit(name, locality)
                if unit.id not in ids:
                    ids.append(unit.id)
        return ids

    def _unlisted_unit(self, name: str, locality: str) -> CanonicalUnit:
        unit = CanonicalUnit(id=unit_id(locality, name), locality=locality, name=name, level="")
        return self._unlisted.setdefault(unit.id, unit)

    def rows(self) -> tuple[list[Unit], list[UnitAlias]]:
        units: list[Unit] = []
        aliases: dict[tuple[str, str], UnitAlias] = {}
        for unit, listed in [
            *((u, True) for u in self._registry.units),
            *((u, False) for u in self._unlisted.values()),
        ]:
            units.append(
                Unit(
                    id=unit.id,
                    locality=unit.locality,
                    name=unit.name,
                    level=unit.level,
                    collective=unit.collective,
                    listed=listed,
                )
            )
            for alias in unit.aliases or (unit.name,):
                key = (unit.locality, unit_key(alias))
                aliases.setdefault(
                    key, UnitAlias(locality=key[0], key=key[1], unit_id=unit.id, alias=alias)
                )
        return units, list(aliases.values())
