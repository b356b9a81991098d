"""Feedback tracking codes ("PAKN-2026-000123") as people type them back.

Pure standard library, like knowledge.shared.phones.
"""

from __future__ import annotations

import re

PREFIX = "PAKN"
# "PAKN-2026-000123", "pakn 2026 123", "PAKN2026000123", "pakn/2026/000123": the year is four
# digits, so a glued serial is still unambiguous.
_CODE = re.compile(
    r"(?<![0-9a-z])pakn[\s\-_./:#]*(20[0-9]{2})[\s\-_./]*([0-9]{1,9})(?![0-9])",
    re.IGNORECASE | re.ASCII,
)


def feedback_code(year: int, feedback_id: int) -> str:
    """The tracking code of feedback number ``feedback_id`` received in ``year``."""
    return f"{PREFIX}-{year}-{feedback_id:06d}"


def normalize_feedback_code(text: str) -> str | None:
    """The canonical code when ``text`` is exactly one tracking code, else None."""
    match = _CODE.fullmatch(text.strip())
    return _canonical(match) if match else None


def find_feedback_code(text: str) -> str | None:
    """The first tracking code written in ``text``, in canonical form, or None."""
    match = _CODE.search(text)
    return _canonical(match) if match else None


def _canonical(match: re.Match[str]) -> str | None:
    serial = int(match.group(2))
    # Ids start at 1: "PAKN-2026-000000" can only be a typo and must not match anything.
    return feedback_code(int(match.group(1)), serial) if serial else None
