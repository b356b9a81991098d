"""A sources folder of a few shipped plans, for tests that publish or withdraw plans."""

from __future__ import annotations

from pathlib import Path

from knowledge.plans.manifest import SOURCES_DIR

KEPT = ("hungyen-tinh-cchc-2020", "longdiena-cchc-2023")


def copy_plans(tmp_path: Path, kept: tuple[str, ...] = KEPT) -> Path:
    """``tmp_path``/sources holding the shipped documents ``kept`` (texts and manifests)."""
    folder = tmp_path / "sources"
    folder.mkdir()
    for path in SOURCES_DIR.iterdir():
        if path.stem in kept:
            (folder / path.name).write_bytes(path.read_bytes())
    return folder
