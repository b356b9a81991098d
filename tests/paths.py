"""Where the tests find the repository's files, wherever a test module sits."""

from __future__ import annotations

from pathlib import Path

from knowledge.plans.manifest import SOURCES_DIR as SOURCES

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"

__all__ = ["GOLD", "ROOT", "SOURCES"]
