"""Dossier codes (mã hồ sơ TTHC) as people type them.

A code is the receiving agency's code, the receipt date as yymmdd and a 4-digit serial of that
day: ``H31.29-260115-0001``, ``000.00.31.H31-260301-0042``. People change case and use
spaces, dots or dashes in any place (``h31.29 260115 0001``, ``H31.29.260115.0001``); the
canonical form is upper case, the agency groups joined by dots, the three parts by dashes.

Standard library only: the Rasa engine environment may import this module as well.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

_SEPARATORS = " \t\r\n\f\v.-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_SEPARATOR_RUN = re.compile(r"[\s.\-\u2010-\u2015\u2212]+")
_WORD = re.compile(r"[^\W_]+")

MAX_AGENCY_GROUPS = 4
# Real agency groups have 2 or 3 characters ("000", "31", "H31"); a few more are tolerated,
# but not whole words, which would let ordinary text pass for an agency.
MAX_GROUP_LENGTH = 6


def normalize_dossier_code(text: str) -> str | None:
    """The canonical code when ``text`` is a dossier code and nothing else, else None."""
    stripped = unicodedata.normalize("NFKC", text).strip(_SEPARATORS)
    if not stripped:
        return None
    groups = _SEPARATOR_RUN.split(stripped)
    if len(groups) < 3 or not all(_is_group(group) for group in groups):
        return None
    return _canonical(groups[:-2], groups[-2], groups[-1])


def find_dossier_code(text: str) -> str | None:
    """The canonical form of the first dossier code written in ``text``, if any.

    Stricter than :func:`normalize_dossier_code` about space-separated agency groups, since
    in a sentence the words before a code are not part of it: a group joined by spaces only
    must contain a digit ("h31 29 260115 0001" is a code, in "hs 260115 0001" the "hs" is not
    an agency) and is taken only while the agency has no letter yet ("hs h31.29 260115 0001"
    gives H31.29).
    """
    normalized = unicodedata.normalize("NFKC", text)
    words = list(_WORD.finditer(normalized))
    for chain in _chains(normalized, words):
        for index in range(1, len(chain.words) - 1):
            code = _code_with_date_at(chain, index)
            if code is not None:
                return code
    return None


@dataclass
class _Chain:
    """Consecutive words joined by separators only; ``strong[i]`` tells whether the gap after
    word ``i`` holds a dot or a dash rather than white space alone."""

    words: list[str] = field(default_factory=list)
    strong: list[bool] = field(default_factory=list)


def _chains(text: str, words: Sequence[re.Match[str]]) -> list[_Chain]:
    chains: list[_Chain] = []
    previous_end: int | None = None
    for word in words:
        gap = text[previous_end : word.start()] if previous_end is not None else None
        if gap is None or not _SEPARATOR_RUN.fullmatch(gap):
            chains.append(_Chain())
        else:
            chains[-1].strong.append(not gap.isspace())
        chains[-1].words.append(word.group())
        previous_end = word.end()
    return chains


def _code_with_date_at(chain: _Chain, date_index: int) -> str | None:
    """The code whose date is word ``date_index`` of ``chain``, walking back for its agency."""
    words = chain.words
    serial = words[date_index + 1]
    if _receipt_date(words[date_index]) is None or not _is_serial(serial):
        return None
    agency: list[str] = []
    index = date_index - 1
    while index >= 0 and len(agency) < MAX_AGENCY_GROUPS:
        group = words[index]
        if not _is_group(group):
            break
        if not chain.strong[index] and (not _has_digit(group) or _has_letter(agency)):
            break
        agency.insert(0, group)
        index -= 1
    # A fifth dotted group means a longer identifier, not a dossier code.
    if index >= 0 and chain.strong[index] and _is_group(words[index]):
        return None
    return _canonical(agency, words[date_index], serial)


def _canonical(agency: Sequence[str], receipt: str, serial: str) -> str | None:
    if not 1 <= len(agency) <= MAX_AGENCY_GROUPS or not _has_letter(agency):
        return None
    if _receipt_date(receipt) is None or not _is_serial(serial):
        return None
    return f"{'.'.join(agency).upper()}-{receipt}-{serial}"


def _receipt_date(group: str) -> date | None:
    if len(group) != 6 or not _is_ascii_digits(group):
        return None
    try:
        return date(2000 + int(group[:2]), int(group[2:4]), int(group[4:]))
    except ValueError:
        return None


def _is_serial(group: str) -> bool:
    return len(group) == 4 and _is_ascii_digits(group)


def _is_group(group: str) -> bool:
    return len(group) <= MAX_GROUP_LENGTH and group.isascii() and group.isalnum()


def _is_ascii_digits(group: str) -> bool:
    return group.isascii() and group.isdigit()


def _has_digit(group: str) -> bool:
    return any(char.isdigit() for char in group)


def _has_letter(groups: Sequence[str]) -> bool:
    return any(char.isalpha() for group in groups for char in group)
