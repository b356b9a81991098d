"""The plan documents of knowledge/plans/sources/ and what is known of each.

A document is its text (``<slug>.txt``); its metadata is read from the text itself
(``ingest.metadata``). A manifest beside it (``<slug>.yaml``) is optional and only overrides:
a field the text lacks or states ambiguously, a note, or the ``parser`` for a document the
generic reader cannot read (see ``ingest.PARSERS``). Fields neither states stay None (number,
date) or empty (title, issuer, level).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from knowledge.plans.ingest.metadata import DocumentMeta, read_metadata

SOURCES_DIR = Path(__file__).resolve().parent / "sources"
GENERIC = "generic"
# A locality sharing its name with another is qualified by its kind: "Hưng Yên (thành phố)".
_QUALIFIED = re.compile(r"^(?P<name>.+?)\s*\((?P<kind>[^)]+)\)$")
_FIELDS = (
    "title",
    "kind",
    "number",
    "issued",
    "year",
    "issuer",
    "locality",
    "level",
    "signer",
    "signer_capacity",
)


@dataclass(frozen=True)
class Manifest:
    slug: str
    title: str
    kind: str  # "KH" (kế hoạch) or "QĐ" (quyết định ban hành kế hoạch); "" when not stated
    number: str | None  # None where the source leaves the number blank
    issued: date | None
    year: int
    issuer: str
    locality: str
    level: str
    parser: str
    text_path: Path
    note: str = ""
    signer: str | None = None  # who signed it, as the text states
    signer_capacity: str | None = None
    # Fields read from the text, not from an override: what ``add`` shows the official.
    from_text: tuple[str, ...] = ()

    def read_text(self) -> str:
        return self.text_path.read_text(encoding="utf-8")


def locality_parts(locality: str) -> tuple[str, str | None]:
    """The name and kind of a manifest's locality: "Hưng Yên (thành phố)" → ("Hưng Yên",
    "thành phố"), "Hà Nội" → ("Hà Nội", None)."""
    qualified = _QUALIFIED.match(locality)
    return (qualified["name"], qualified["kind"]) if qualified else (locality, None)


def qualified_locality(meta: DocumentMeta, known: Mapping[str, object] | None = None) -> str:
    """The locality key of a document: its name, qualified by its kind where the registry
    keeps two localities of that name ("Hưng Yên (tỉnh)", "Hưng Yên (thành phố)")."""
    if meta.locality is None:
        return ""
    qualified = f"{meta.locality} ({meta.locality_kind})"
    if known is not None and qualified in known:
        return qualified
    return meta.locality


def manifest_for(
    text_path: Path, overrides: Mapping[str, object] | None = None, *, text: str | None = None
) -> Manifest:
    """The manifest of a document: what its text states, with ``overrides`` on top."""
    from knowledge.plans.units import declared_localities

    data = dict(overrides or {})
    meta = read_metadata(text if text is not None else text_path.read_text(encoding="utf-8"))
    read: dict[str, object] = {
        "title": meta.title,
        "kind": meta.kind,
        "number": meta.number,
        "issued": meta.issued,
        "year": meta.year,
        "issuer": meta.issuer,
        "locality": qualified_locality(meta, declared_localities()) or None,
        "level": meta.level,
        "signer": meta.signer,
        "signer_capacity": meta.signer_capacity,
    }
    issued = data.get("issued", read["issued"])
    if issued is not None and not isinstance(issued, date):
        raise ValueError(f"{text_path}: issued must be a date or null, got {issued!r}")
    merged = {name: data[name] if name in data else read[name] for name in _FIELDS}
    year = merged["year"]
    return Manifest(
        slug=str(data.get("slug") or text_path.stem),
        title=str(merged["title"] or ""),
        kind=str(merged["kind"] or ""),
        number=str(merged["number"]) if merged["number"] else None,
        issued=issued,
        year=int(str(year)) if year is not None else 0,
        issuer=str(merged["issuer"] or ""),
        locality=str(merged["locality"] or ""),
        level=str(merged["level"] or ""),
        parser=str(data.get("parser") or GENERIC),
        text_path=text_path,
        note=str(data.get("note") or ""),
        signer=str(merged["signer"]) if merged["signer"] else None,
        signer_capacity=str(merged["signer_capacity"]) if merged["signer_capacity"] else None,
        from_text=tuple(n for n in _FIELDS if n not in data and read[n] is not None),
    )


def load_manifest(path: Path) -> Manifest:
    """The manifest of a document given by its text or by its override file."""
    text_path = path.with_suffix(".txt")
    if not text_path.exists():
        raise FileNotFoundError(f"{path}: no document text {text_path.name}")
    override_path = path.with_suffix(".yaml")
    overrides: dict[str, object] = {}
    if override_path.exists():
        with override_path.open(encoding="utf-8") as handle:
            overrides = yaml.safe_load(handle) or {}
    return manifest_for(text_path, overrides)


def load_manifests(sources_dir: Path = SOURCES_DIR) -> list[Manifest]:
    """A manifest for every document text of ``sources_dir``, sorted by slug so builds are
    deterministic."""
    paths = sorted(
        {*sources_dir.glob("*.txt"), *(p.with_suffix(".txt") for p in sources_dir.glob("*.yaml"))}
    )
    manifests = [load_manifest(path) for path in paths]
    slugs = [m.slug for m in manifests]
    duplicated = {s for s in slugs if slugs.count(s) > 1}
    if duplicated:
        raise ValueError(f"duplicate manifest slugs: {sorted(duplicated)}")
    return manifests
