"""An official adds a plan document: read the file, show what was read, publish it into
``knowledge/plans/sources/`` and rebuild, or withdraw it. The command line (``python -m
knowledge add``) and, later, the upload flows share these steps.

Documents go to ``SOURCES_DIR`` unless a call names another folder. The records come from
the generic reader (``knowledge.plans.ingest``), the metadata (number, date, issuer, title,
kind, year, locality, level) from the text itself through ``manifest_for``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine

from knowledge.plans.formats.base import DEFAULT_LIMITS, Limits
from knowledge.plans.formats.layout import normalize_text
from knowledge.plans.formats.reader import read_file
from knowledge.plans.ingest import PARSERS
from knowledge.plans.ingest.records import ParsedDocument, ParsedTask
from knowledge.plans.manifest import SOURCES_DIR, load_manifests, manifest_for
from knowledge.plans.units import UnitRegistry, load_registry, split_units
from knowledge.plans.units import slug as ascii_slug
from knowledge.shared.wording import say

META_FIELDS = ("title", "kind", "number", "issued", "year", "issuer", "locality", "level")
# A document is read well enough to publish without --force when it has this many tasks and
# at most this share of them without a lead.
MIN_TASKS = 3
MAX_SHARE_WITHOUT_LEAD = 0.3
SAMPLE_SIZE = 5


class IntakeRefused(Exception):
    """The document is not published; ``str()`` says why in Vietnamese, ``reason`` is one of
    duplicate, no_tasks, poorly_read, missing_metadata, build_failed, not_found."""

    def __init__(self, reason: str, message: str, preview: Preview | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.preview = preview


@dataclass(frozen=True)
class TaskSample:
    text: str
    lead: tuple[str, ...]
    support: tuple[str, ...]
    due: str
    section: str


@dataclass(frozen=True)
class UnresolvedUnit:
    name: str
    nearest: str | None  # the closest declared unit of the locality, if any


@dataclass(frozen=True)
class Preview:
    """What was read from one file, before anything is published."""

    slug: str
    file_name: str
    file_kind: str  # txt / docx / pdf / html / image
    pages: int | None
    metadata: Mapping[str, Any]  # META_FIELDS, None where neither the text nor an override says
    parser: str | None  # written to the manifest; None when the generic path needs none
    counts: Mapping[str, int]  # tasks, targets, deadlines, duties, tasks_without_lead
    sample: tuple[TaskSample, ...]
    unresolved: tuple[UnresolvedUnit, ...]
    warnings: tuple[str, ...]  # Vietnamese, for the official
    well_read: bool
    content_hash: str
    text: str = field(repr=False)


# --- the seams ----------------------------------------------------------------------------------


def parse_text(text: str) -> tuple[str | None, ParsedDocument]:
    """The records of ``text`` and the parser name its manifest needs (None: the generic
    reader, which needs none)."""
    return None, PARSERS["generic"](text)


def read_metadata(text: str, file_name: str, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """META_FIELDS of the document: what its text states, ``overrides`` on top."""
    read = manifest_for(Path(file_name), dict(overrides), text=text)
    return {name: getattr(read, name) or None for name in META_FIELDS}


# --- preview, publish, withdraw ----------------------------------------------------------------


def preview_file(
    path: Path,
    *,
    overrides: Mapping[str, Any] | None = None,
    sources_dir: Path | None = None,
    registry: UnitRegistry | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Preview:
    """Read and parse ``path`` without publishing anything. Raises ``UnreadableDocument`` for a
    file that cannot be read and ``IntakeRefused`` for a duplicate or a document without tasks."""
    sources_dir = sources_dir or SOURCES_DIR
    overrides = {key: value for key, value in (overrides or {}).items() if value is not None}
    document = read_file(path, limits=limits)
    text = document.text
    content_hash = text_hash(text)
    metadata = read_metadata(text, path.name, overrides)
    _refuse_duplicate(path.name, content_hash, metadata, sources_dir)
    parser, parsed = parse_text(text)
    registry = registry or load_registry()
    locality = str(metadata.get("locality") or "")
    tasks = parsed.tasks
    without_lead = sum(1 for task in tasks if not task.lead_units)
    counts = {
        "tasks": len(tasks),
        "targets": len(_targets(parsed, text)),
        "deadlines": len(_deadlines(parsed, text)),
        "duties": len(parsed.responsibilities),
        "tasks_without_lead": without_lead,
    }
    warnings = list(document.notes)
    missing = [name for name in ("title", "year", "locality", "level") if not metadata.get(name)]
    if missing:
        warnings.append(say("documents.missing_metadata", fields=_field_names(missing)))
    if 0 < len(tasks) < MIN_TASKS:
        warnings.append(say("documents.few_tasks", tasks=len(tasks)))
    if tasks and without_lead / len(tasks) > MAX_SHARE_WITHOUT_LEAD:
        warnings.append(say("documents.tasks_without_lead", count=without_lead, tasks=len(tasks)))
    unresolved = _unresolved(tasks, locality, registry)
    if unresolved:
        warnings.append(say("documents.unresolved_units", count=len(unresolved)))
    preview = Preview(
        slug=str(overrides.get("slug") or _slug(metadata, path, sources_dir)),
        file_name=path.name,
        file_kind=document.kind,
        pages=document.pages,
        metadata=metadata,
        parser=parser,
        counts=counts,
        sample=_sample(tasks),
        unresolved=tuple(unresolved),
        warnings=tuple(warnings),
        well_read=(
            len(tasks) >= MIN_TASKS
            and without_lead / len(tasks) <= MAX_SHARE_WITHOUT_LEAD
            and not missing
        ),
        content_hash=content_hash,
        text=text,
    )
    if not tasks:
        raise IntakeRefused("no_tasks", say("documents.no_tasks", name=path.name), preview)
    return preview


def publish(
    preview: Preview,
    *,
    force: bool = False,
    sources_dir: Path | None = None,
    engine: Engine | None = None,
) -> Any:
    """Write the document and its manifest into ``sources_dir`` and rebuild the knowledge base;
    the build's report. A document read poorly is published only with ``force``; a build that
    fails takes the document back out, leaving the knowledge base as it was."""
    sources_dir = sources_dir or SOURCES_DIR
    missing = [name for name in ("year", "locality", "level") if not preview.metadata.get(name)]
    if missing:
        raise IntakeRefused(
            "missing_metadata",
            say("documents.missing_metadata_refused", fields=_field_names(missing)),
            preview,
        )
    if not preview.well_read and not force:
        raise IntakeRefused("poorly_read", say("documents.poorly_read"), preview)
    text_path = sources_dir / f"{preview.slug}.txt"
    manifest_path = sources_dir / f"{preview.slug}.yaml"
    if text_path.exists() or manifest_path.exists():
        raise IntakeRefused(
            "duplicate", say("documents.duplicate_slug", slug=preview.slug), preview
        )
    text_path.write_text(preview.text, encoding="utf-8")
    manifest_path.write_text(_manifest_yaml(preview), encoding="utf-8")
    try:
        return _rebuild(sources_dir, engine)
    except Exception as error:
        text_path.unlink(missing_ok=True)
        manifest_path.unlink(missing_ok=True)
        raise IntakeRefused(
            "build_failed", say("documents.build_failed", slug=preview.slug, error=error), preview
        ) from error


def withdraw(slug: str, *, sources_dir: Path | None = None, engine: Engine | None = None) -> Any:
    """Take the document ``slug`` out of ``sources_dir`` and rebuild; the build's report."""
    sources_dir = sources_dir or SOURCES_DIR
    paths = [sources_dir / f"{slug}.txt", sources_dir / f"{slug}.yaml"]
    present = [path for path in paths if path.exists()]
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug) or not present:
        raise IntakeRefused("not_found", say("documents.slug_not_found", slug=slug))
    kept = {path: path.read_bytes() for path in present}
    for path in present:
        path.unlink()
    try:
        return _rebuild(sources_dir, engine)
    except Exception as error:
        for path, content in kept.items():
            path.write_bytes(content)
        raise IntakeRefused(
            "build_failed", say("documents.build_failed", slug=slug, error=error)
        ) from error


_FIELD_NAMES = {
    "title": "tên văn bản",
    "kind": "loại văn bản",
    "number": "số hiệu",
    "issued": "ngày ban hành",
    "year": "năm",
    "issuer": "cơ quan ban hành",
    "locality": "địa bàn",
    "level": "cấp",
}


def _field_names(fields: Sequence[str]) -> str:
    return ", ".join(_FIELD_NAMES.get(name, name) for name in fields)


def _rebuild(sources_dir: Path, engine: Engine | None) -> Any:
    from knowledge.plans.build import build

    return build(engine, manifests=load_manifests(sources_dir))


# --- duplicates --------------------------------------------------------------------------------


def text_hash(text: str) -> str:
    """Fingerprint of a document's words: the same text read from .docx, .pdf or .txt, or
    saved again with other spacing, has the same one."""
    words = " ".join(normalize_text(text).replace("|", " ").split())
    return hashlib.sha256(words.encode("utf-8")).hexdigest()


def _refuse_duplicate(
    name: str, content_hash: str, metadata: Mapping[str, Any], sources_dir: Path
) -> None:
    for existing in sorted(sources_dir.glob("*.txt")):
        if text_hash(existing.read_text(encoding="utf-8")) == content_hash:
            raise IntakeRefused(
                "duplicate", say("documents.duplicate_text", name=name, slug=existing.stem)
            )
    number, issuer = metadata.get("number"), metadata.get("issuer")
    if not number or not issuer:
        return
    for manifest in load_manifests(sources_dir):
        same_number = _key(manifest.number or "") == _key(str(number))
        if same_number and _key(manifest.issuer) == _key(str(issuer)):
            raise IntakeRefused(
                "duplicate",
                say("documents.duplicate_number", name=name, number=number, slug=manifest.slug),
            )


def _key(text: str) -> str:
    return re.sub(r"\W+", "", ascii_slug(text))


# --- what the official is shown ---------------------------------------------------------------


def _targets(parsed: ParsedDocument, text: str) -> list[Any]:
    from knowledge.plans.ingest.targets import extract_targets

    return _merged(parsed.targets, extract_targets(text))


def _deadlines(parsed: ParsedDocument, text: str) -> list[Any]:
    from knowledge.plans.ingest.deadlines import extract_deadlines

    return _merged(parsed.deadlines, extract_deadlines(text))


def _merged(own: Sequence[Any], extracted: Sequence[Any]) -> list[Any]:
    """A parser's facts plus the extractor's that do not repeat them (as the build counts)."""
    merged = list(own)
    seen = {(fact.source.line, fact.text) for fact in own}
    merged.extend(fact for fact in extracted if (fact.source.line, fact.text) not in seen)
    return merged


def _sample(tasks: Sequence[ParsedTask]) -> tuple[TaskSample, ...]:
    """Up to SAMPLE_SIZE tasks spread over the document, those with a lead first."""
    if not tasks:
        return ()
    step = max(1, len(tasks) // SAMPLE_SIZE)
    picked = list(tasks[::step][:SAMPLE_SIZE])
    picked.sort(key=lambda task: (not task.lead_units, tasks.index(task)))
    return tuple(
        TaskSample(
            text=task.text,
            lead=task.lead_units,
            support=task.support_units,
            due=task.due_text,
            section=task.source.section,
        )
        for task in picked
    )


def _unresolved(
    tasks: Sequence[ParsedTask], locality: str, registry: UnitRegistry
) -> list[UnresolvedUnit]:
    names: dict[str, None] = {}
    for task in tasks:
        for raw in (*task.lead_units, *task.support_units):
            for name in split_units(raw, registry):
                if registry.resolve(name, locality) is None:
                    names.setdefault(name)
    result = []
    for name in names:
        nearest = registry.find(name, locality) if locality else []
        result.append(UnresolvedUnit(name, nearest[0].name if nearest else None))
    return result


def _slug(metadata: Mapping[str, Any], path: Path, sources_dir: Path) -> str:
    """ "<locality>-<number>-<year>" ("dong-thap-552-2025"), else the file's name."""
    number = re.match(r"\d+", str(metadata.get("number") or ""))
    parts = [
        ascii_slug(str(metadata.get("locality") or "").split("(")[0]),
        number.group(0) if number else "",
        str(metadata.get("year") or ""),
    ]
    base = "-".join(part for part in parts if part) if parts[0] else ascii_slug(path.stem)
    base = base or "ke-hoach"
    slug, n = base, 2
    while (sources_dir / f"{slug}.txt").exists() or (sources_dir / f"{slug}.yaml").exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _manifest_yaml(preview: Preview) -> str:
    data: dict[str, Any] = {"slug": preview.slug}
    for name in META_FIELDS:
        value = preview.metadata.get(name)
        if value is not None:
            data[name] = value
    if "number" not in data:
        data["number"] = None
    if "issued" not in data:
        data["issued"] = None
    if preview.parser is not None:
        data["parser"] = preview.parser
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
