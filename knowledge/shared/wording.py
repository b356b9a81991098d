"""The one catalogue of what the assistant says: ``wording/<area>.yml`` at the repository root,
each a mapping of key to text with ``{placeholders}``, so that people who edit wording
(officials, not programmers) change no Python. Fixed replies that need no value stay Rasa
``responses`` in ``domain/``; this catalogue holds the texts the actions and channels compose.

A key is ``<area>.<name>``: key ``dossiers.not_found`` is ``not_found`` in
``wording/dossiers.yml``, filled by ``say(key, code=...)``. A missing key or placeholder raises
at once (KeyError), and the unit tests render every key used in the code, so a broken
catalogue never reaches a citizen.

Standard library and PyYAML only: the Rasa engine environment reads it too.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.shared.settings import REPO_ROOT

WORDING_DIR = REPO_ROOT / "wording"


@lru_cache(maxsize=1)
def catalogue(directory: Path = WORDING_DIR) -> dict[str, str]:
    """Every text of the catalogue by its ``area.name`` key."""
    texts: dict[str, str] = {}
    for path in sorted(directory.glob("*.yml")):
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(entries, dict):
            raise ValueError(f"{path}: expected a mapping of key to text")
        for name, text in entries.items():
            if not isinstance(text, str):
                raise ValueError(f"{path}: {name} is not a text")
            texts[f"{path.stem}.{name}"] = text.strip("\n")
    return texts


def text(key: str) -> str:
    """The text of ``key`` as written, placeholders unfilled."""
    return catalogue()[key]


def say(key: str, /, **values: Any) -> str:
    """The text of ``key`` with its ``{placeholders}`` filled from ``values``."""
    return catalogue()[key].format(**values)


def placeholders(key: str) -> set[str]:
    """The names of the placeholders ``key``'s text expects."""
    return {name for _, name, _, _ in string.Formatter().parse(text(key)) if name}
