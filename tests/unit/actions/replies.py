"""What a user reads of the messages an action dispatched: its text, or for a Rasa response
the text domain/*.yml gives it, as Rasa's server would send it."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from tests.paths import ROOT


@cache
def responses() -> dict[str, list[dict[str, Any]]]:
    """Every response of domain/*.yml by name."""
    found: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        found.update(yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {})
    return found


def said(message: dict[str, Any]) -> str:
    """The text of a dispatched message. Every response the actions name has one text, with no
    slot to fill (tests/unit/actions/test_responses.py)."""
    name = message.get("response")
    if name:
        (variant,) = responses()[name]
        return str(variant["text"])
    return str(message["text"])
