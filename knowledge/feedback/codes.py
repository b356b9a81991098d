"""Feedback tracking codes as people type them back.

New codes carry a random part and nothing countable: "PAKN-2026-7KQ3XM9D" (the year, then eight
characters drawn by :mod:`secrets` from digits and capitals that cannot be mistaken for one
another), so nobody can walk from one citizen's code to the next. Codes given before,
"PAKN-2026-000123" (the year and the complaint's serial), keep working.

Pure standard library, like knowledge.shared.phones.
"""

from __future__ import annotations

import re
import secrets

PREFIX = "PAKN"
# No 0/O, 1/I/L or U: what people copy by hand they cannot misread, and no words form.
RANDOM_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 8  # 30**8, about 6.6e11 codes a year
# "PAKN-2026-000123", "pakn 2026 123", "PAKN2026000123", "pakn/2026/000123", and the same with
# the random part, "pakn 2026 7kq3xm9d": the year is four digits, so a glued part is still
# unambiguous.
_CODE = re.compile(
    r"(?<![0-9a-z])pakn[\s\-_./:#]*(20[0-9]{2})[\s\-_./]*([0-9a-z]{1,9})(?![0-9a-z])",
    re.IGNORECASE | re.ASCII,
)
_RANDOM = re.compile(f"[{RANDOM_ALPHABET}]{{{RANDOM_LENGTH}}}")


def new_feedback_code(year: int) -> str:
    """A fresh tracking code for feedback received in ``year``: random, never a serial."""
    while True:
        part = "".join(secrets.choice(RANDOM_ALPHABET) for _ in range(RANDOM_LENGTH))
        if not part.isdigit():  # all digits would read as an old serial
            return f"{PREFIX}-{year}-{part}"


def feedback_code(year: int, feedback_id: int) -> str:
    """The old-style tracking code of feedback number ``feedback_id`` received in ``year``
    (codes given before the random part; still read and found)."""
    return f"{PREFIX}-{year}-{feedback_id:06d}"


def normalize_feedback_code(text: str) -> str | None:
    """The canonical code when ``text`` is exactly one tracking code, else None."""
    match = _CODE.fullmatch(text.strip())
    return _canonical(match) if match else None


def find_feedback_code(text: str) -> str | None:
    """The first tracking code written in ``text``, in canonical form, or None."""
    for match in _CODE.finditer(text):
        canonical = _canonical(match)
        if canonical:
            return canonical
    return None


def _canonical(match: re.Match[str]) -> str | None:
    year, part = int(match.group(1)), match.group(2).upper()
    if part.isdigit():
        serial = int(part)
        # Ids start at 1: "PAKN-2026-000000" can only be a typo and must not match anything.
        return feedback_code(year, serial) if serial else None
    return f"{PREFIX}-{year}-{part}" if _RANDOM.fullmatch(part) else None
