"""Dossier codes as citizens type them, alone and inside their messages."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from knowledge.dossiers.codes import find_dossier_code, normalize_dossier_code


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("H31.29-260115-0001", "H31.29-260115-0001"),
        ("h31.29 260115 0001", "H31.29-260115-0001"),
        ("H31.29.260115.0001", "H31.29-260115-0001"),
        ("h31 29 260115 0001", "H31.29-260115-0001"),
        ("000.00.31.H31-260301-0042", "000.00.31.H31-260301-0042"),
        ("000.00.31.h31 - 260301 - 0042", "000.00.31.H31-260301-0042"),
        # phones turn "-" into en or em dashes; copied text ends with a full stop
        ("H31.29 – 260115 — 0001.", "H31.29-260115-0001"),
        # full-width digits from some Vietnamese keyboards
        ("Ｈ３１.２９-260115-0001", "H31.29-260115-0001"),
        ("H31.31.01-240229-0007", "H31.31.01-240229-0007"),  # 2024 is a leap year
    ],
)
def test_typed_codes_normalise_to_canonical(typed: str, canonical: str) -> None:
    assert normalize_dossier_code(typed) == canonical


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "H31.29-260230-0001",  # 30 February
        "H31.29-251301-0001",  # month 13
        "H31.29-260115-001",  # 3-digit serial
        "H31.29-260115-00001",  # 5-digit serial
        "000.00.31-260301-0042",  # agency without a letter
        "1.2.3.4.H31-260301-0042",  # five agency groups
        "260115-0001",  # no agency
        "PAKN-2026-000123",  # a complaint code, not a dossier code
        "0912345678",
        "hosothutuc-260115-0001",  # a word, longer than any agency group
        "H31.29-260115-0001 ạ",  # trailing words: not a bare code
        "H31_29-260115-0001",
    ],
)
def test_other_text_is_not_a_code(typed: str) -> None:
    assert normalize_dossier_code(typed) is None


@pytest.mark.parametrize(
    ("message", "canonical"),
    [
        ("hồ sơ H31.29-260115-0001 đến đâu rồi", "H31.29-260115-0001"),
        ("cho em hỏi hs h31.29 260115 0001 đến đâu rồi ạ", "H31.29-260115-0001"),
        ("tra cuu ho so h31 29 260115 0001 giup em", "H31.29-260115-0001"),
        ("mã hồ sơ:000.00.31.H31-260301-0042.", "000.00.31.H31-260301-0042"),
        (
            "Mã hồ sơ của tôi là 000.00.31.H31-260301-0042, nộp ở thành phố",
            "000.00.31.H31-260301-0042",
        ),
        ("ma hs H31.29.260115.0001 sdt 0912345678", "H31.29-260115-0001"),
        # the first code has an impossible date, the second is taken whole
        ("H31.29-260230-0001 hay H31.29-260116-0002", "H31.29-260116-0002"),
    ],
)
def test_code_found_in_message(message: str, canonical: str) -> None:
    assert find_dossier_code(message) == canonical


@pytest.mark.parametrize(
    "message",
    [
        "hồ sơ của tôi đến đâu rồi",
        "hs 260115 0001 đến đâu rồi",  # "hs" is a word, not an agency
        "số điện thoại 0912 345 678",
        "kiểm tra phản ánh PAKN-2026-000123",
        "1.2.3.4.H31-260301-0042",
    ],
)
def test_no_code_in_message(message: str) -> None:
    assert find_dossier_code(message) is None


_GROUP = st.text(alphabet="ABCDEFGHKLMNPQSTXY0123456789", min_size=1, max_size=4)
_AGENCY = st.lists(_GROUP, min_size=1, max_size=4).filter(
    lambda groups: any(char.isalpha() for group in groups for char in group)
)


@st.composite
def canonical_codes(draw: st.DrawFn) -> str:
    agency = ".".join(draw(_AGENCY))
    received = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
    serial = draw(st.integers(min_value=0, max_value=9999))
    return f"{agency}-{received:%y%m%d}-{serial:04d}"


@given(st.text())
@example("H31.29-260115-0001")
@example("-- . --")
def test_any_text_is_safe_and_normalisation_is_idempotent(text: str) -> None:
    canonical = normalize_dossier_code(text)
    if canonical is not None:
        assert normalize_dossier_code(canonical) == canonical
    found = find_dossier_code(text)
    assert found is None or normalize_dossier_code(found) == found


@given(canonical_codes())
def test_canonical_codes_are_fixed_points(code: str) -> None:
    assert normalize_dossier_code(code) == code
    assert find_dossier_code(code) == code


@given(
    canonical_codes(),
    st.lists(st.sampled_from([" ", ".", "-", " - ", "–"]), min_size=6, max_size=6),
)
def test_any_separators_and_case_give_the_same_code(code: str, separators: list[str]) -> None:
    groups = code.replace("-", ".").split(".")
    typed = groups[0] + "".join(
        separator + group for separator, group in zip(separators, groups[1:], strict=False)
    )
    assert normalize_dossier_code(typed.lower()) == code


@given(canonical_codes(), st.sampled_from(["hồ sơ {} đến đâu rồi ạ", "tra cứu hs {}", "{}"]))
def test_code_is_found_in_a_sentence(code: str, sentence: str) -> None:
    assert find_dossier_code(sentence.format(code.lower())) == code
