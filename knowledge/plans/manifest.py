"""Manifests of the plan documents (knowledge/plans/sources/<slug>.yaml): the metadata a text lacks
or states ambiguously, and which parser reads it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

SOURCES_DIR = Path(__file__).resolve().parent / "sources"
# A locality sharing its name with another is qualified by its kind: "Hưng Yên (thành phố)".
_QUALIFIED = re.compile(r"^(?P<name>.+?)\s*\((?P<kind>[^)]+)\)$")


@dataclass(frozen=True)
class Manifest:
    slug: str
    title: str
    kind: str  # "KH" (kế hoạch) or "QĐ" (quyết định ban hành kế hoạch)
    number: str | None  # None where the source leaves the number blank
    issued: date | None
    year: int
    issuer: str
    locality: str
    level: str
    parser: str
    text_path: Path
    note: str = ""

    def read_text(self) -> str:
        return self.text_path.read_text(encoding="utf-8")


def locality_parts(locality: str) -> tuple[str, str | None]:
    """The name and kind of a manifest's locality: "Hưng Yên (thành phố)" → ("Hưng Yên",
    "thành phố"), "Hà Nội" → ("Hà Nội", None)."""
    qualified = _QUALIFIED.match(locality)
    return (qualified["name"], qualified["kind"]) if qualified else (locality, None)


def load_manifest(path: Path) -> Manifest:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    issued = data.get("issued")
    if issued is not None and not isinstance(issued, date):
        raise ValueError(f"{path}: issued must be a date or null, got {issued!r}")
    text_path = path.with_suffix(".txt")
    if not text_path.exists():
        raise FileNotFoundError(f"{path}: no document text {text_path.name}")
    return Manifest(
        slug=str(data["slug"]),
        title=str(data["title"]),
        kind=str(data["kind"]),
        number=data.get("number"),
        issued=issued,
        year=int(data["year"]),
        issuer=str(data["issuer"]),
        locality=str(data["locality"]),
        level=str(data["level"]),
        parser=str(data["parser"]),
        text_path=text_path,
        note=str(data.get("note") or ""),
    )


def load_manifests(sources_dir: Path = SOURCES_DIR) -> list[Manifest]:
    """All manifests of ``sources_dir``, sorted by slug so builds are deterministic."""
    manifests = [load_manifest(path) for path in sorted(sources_dir.glob("*.yaml"))]
    slugs = [m.slug for m in manifests]
    duplicated = {s for s in slugs if slugs.count(s) > 1}
    if duplicated:
        raise ValueError(f"duplicate manifest slugs: {sorted(duplicated)}")
    return manifests
