"""Tracking codes: the canonical form and the ways citizens type them back."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge.feedback import (
    feedback_code,
    find_feedback_code,
    new_feedback_code,
    normalize_feedback_code,
)
from knowledge.feedback.codes import RANDOM_ALPHABET


def test_code_is_prefix_year_and_six_digit_serial() -> None:
    assert feedback_code(2026, 123) == "PAKN-2026-000123"
    assert feedback_code(2026, 1_234_567) == "PAKN-2026-1234567"  # grows, never wraps


@pytest.mark.parametrize(
    "typed",
    [
        "PAKN-2026-000123",
        "pakn 2026 123",
        "pakn-2026-123",
        "PAKN2026000123",
        "pakn/2026/000123",
        "Pakn 2026 - 000123",
        "  PAKN-2026-0000123 ",
    ],
)
def test_typed_codes_normalize_to_the_canonical_code(typed: str) -> None:
    assert normalize_feedback_code(typed) == "PAKN-2026-000123"


@pytest.mark.parametrize(
    "typed",
    [
        "PAKN-26-000123",  # two-digit year
        "PAKN-2026-000000",  # ids start at 1
        "PAKN-2026",
        "H31.29-260115-0001",  # a dossier code
        "2026-000123",
        "mã PAKN-2026-000123",  # a sentence: find_feedback_code reads those
        "",
    ],
)
def test_other_text_is_no_code(typed: str) -> None:
    assert normalize_feedback_code(typed) is None


@pytest.mark.parametrize(
    "message",
    [
        "kiểm tra phản ánh PAKN-2026-000123",
        "cho em hỏi pakn 2026 123 đã được trả lời chưa ạ",
        "mã:pakn2026000123.",
    ],
)
def test_a_code_is_found_in_a_message(message: str) -> None:
    assert find_feedback_code(message) == "PAKN-2026-000123"


def test_a_message_without_code_has_none() -> None:
    assert find_feedback_code("hồ sơ H31.29-260115-0001 đến đâu rồi") is None


@given(st.integers(min_value=2000, max_value=2099), st.integers(min_value=1, max_value=10**8))
def test_canonical_codes_are_fixed_points(year: int, serial: int) -> None:
    code = feedback_code(year, serial)
    assert normalize_feedback_code(code) == code
    assert normalize_feedback_code(code.lower().replace("-", " ")) == code


def test_new_codes_have_a_random_part_nobody_can_guess_or_misread() -> None:
    codes = {new_feedback_code(2026) for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert re.fullmatch(r"PAKN-2026-[2-9A-HJKMNP-TV-Z]{8}", code)
        assert normalize_feedback_code(code) == code
    # Every character of the alphabet turns up: the draw is not stuck on a few.
    assert set("".join(code[-8:] for code in codes)) == set(RANDOM_ALPHABET)


@pytest.mark.parametrize(
    "typed",
    ["pakn-2026-7kq3xm9d", "PAKN 2026 7KQ3XM9D", "PAKN20267KQ3XM9D", " Pakn/2026/7kq3xm9d "],
)
def test_a_random_code_is_read_however_it_is_typed(typed: str) -> None:
    assert normalize_feedback_code(typed) == "PAKN-2026-7KQ3XM9D"
    assert find_feedback_code(f"kiểm tra phản ánh {typed} giúp tôi") == "PAKN-2026-7KQ3XM9D"


@pytest.mark.parametrize(
    "typed",
    [
        "PAKN-2026-7KQ3XM9O",  # O is not in the alphabet (it reads as 0)
        "PAKN-2026-7KQ3XM9",  # one character short
        "PAKN-2026-7KQ3XM9DA",  # one too many
        "PAKN-2026-000123A",  # a serial with a letter stuck on
    ],
)
def test_a_code_of_neither_kind_is_no_code(typed: str) -> None:
    assert normalize_feedback_code(typed) is None
