"""Vietnamese mobile numbers as people type them, reduced to one national form ("0912345678").

Pure standard library on purpose, like knowledge.shared.text: the Rasa engine environment may
import it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

# Mobile numbers are 10 digits: 0, a block digit (3, 5, 7, 8, 9), 8 digits; landlines are 02x, 11.
# Checked by block only: operators move between prefixes and numbers port between operators.
_NATIONAL = re.compile(r"0[35789][0-9]{8}")
# Digits and the separators people put between groups; "+" only in front (international form).
_PHONE_TEXT = re.compile(r"\(?\+?[0-9][0-9 .\-()]*", re.ASCII)
# A run of digits and group separators, not the tail of a longer run of digits.
_PIECE = re.compile(r"(?<![0-9])\(?\+?[0-9][0-9.\-()]*", re.ASCII)
# The most groups people split a number into ("+84 91 234 56 78"); fewer windows to try.
_MAX_PIECES = 6
# What may stand between two groups of one number.
_GROUP_GAP = " \t\u00a0"


class PhoneSpan(NamedTuple):
    """A mobile number found in free text: where it is written and its national form."""

    start: int
    end: int
    phone: str


def normalize_phone(text: str) -> str | None:
    """The national form "0XXXXXXXXX" of a Vietnamese mobile number, or None.

    Accepts "0912345678", "0912.345.678", "0912 345 678", "+84 912 345 678", "84912345678",
    "+84 (0) 912 345 678", "0084912345678"; rejects landlines, short codes and any text with
    other characters than digits and group separators.
    """
    text = re.sub(r"\s", " ", text).strip().rstrip(".")
    if not _PHONE_TEXT.fullmatch(text):
        return None
    digits = re.sub(r"[^0-9]", "", text)
    national = _national_digits(digits, international=text.lstrip("(").startswith("+"))
    if national is None or not _NATIONAL.fullmatch(national):
        return None
    return national


def _national_digits(digits: str, *, international: bool) -> str | None:
    """Digits with the country code replaced by the trunk prefix 0, None if there is no prefix."""
    if digits.startswith("0084"):
        subscriber = digits[4:]
    elif digits.startswith("84") and (international or len(digits) > 10):
        # Without "+", "84..." is international only when too long for a national number:
        # "0849..." would have the 0 and "8491234567" (10 digits) is no valid number either way.
        subscriber = digits[2:]
    elif digits.startswith("0") and not international:
        return digits
    else:
        return None
    # "+84 0912 345 678": people often keep the trunk 0 after the country code.
    if len(subscriber) == 10 and subscriber.startswith("0"):
        subscriber = subscriber[1:]
    return "0" + subscriber


def phone_spans(text: str) -> Iterator[PhoneSpan]:
    """Every mobile number written in ``text``, left to right, without overlaps.

    A number may be split by spaces ("0912 345 678"), so consecutive runs of digits separated
    only by spaces are tried together, shortest window first from each start.
    """
    pieces = list(_PIECE.finditer(text))
    index = 0
    while index < len(pieces):
        found = _phone_from(text, pieces, index)
        if found is None:
            index += 1
            continue
        span, used = found
        yield span
        index += used


def _phone_from(text: str, pieces: list[re.Match[str]], first: int) -> tuple[PhoneSpan, int] | None:
    start = pieces[first].start()
    for last in range(first, min(first + _MAX_PIECES, len(pieces))):
        if last > first and text[pieces[last - 1].end() : pieces[last].start()].strip(_GROUP_GAP):
            return None  # a word or punctuation between the runs: not one number
        end = pieces[last].end()
        phone = normalize_phone(text[start:end])
        if phone is not None:
            return _tight_span(text, start, end, phone), last - first + 1
    return None


def _tight_span(text: str, start: int, end: int, phone: str) -> PhoneSpan:
    """The span from the "+" or first digit to the last digit: brackets and a sentence's
    closing punctuation around the number ("(0912 345 678).") stay outside it."""
    while text[start] == "(":
        start += 1
    while not text[end - 1].isdigit():
        end -= 1
    return PhoneSpan(start, end, phone)


def find_phone(text: str) -> str | None:
    """The first mobile number written in ``text``, in national form, or None."""
    return next((span.phone for span in phone_spans(text)), None)
