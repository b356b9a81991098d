"""Vietnamese mobile numbers: the forms people type, the numbers that are not mobiles, and
finding a number inside a message."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge.feedback import find_phone, normalize_phone, phone_spans
from tests.paths import SOURCES

NATIONAL = re.compile(r"0[35789][0-9]{8}")

digits = st.text(alphabet="0123456789", min_size=8, max_size=8)
mobiles = st.builds(lambda block, rest: f"0{block}{rest}", st.sampled_from("35789"), digits)


def _written(national: str, style: int) -> str:
    """``national`` the way people write it: grouped, dotted, with or without country code."""
    subscriber = national[1:]
    a, b, c = subscriber[:3], subscriber[3:6], subscriber[6:]
    return [
        national,
        f"{national[:4]}.{national[4:7]}.{national[7:]}",
        f"{national[:4]} {national[4:7]} {national[7:]}",
        f"{national[:4]}-{national[4:7]}-{national[7:]}",
        f"+84 {a} {b} {c}",
        f"+84{subscriber}",
        f"84{subscriber}",
        f"0084{subscriber}",
        f"+84 (0) {a} {b} {c}",
        f"(+84) {a}.{b}.{c}",
        f"+84 {national}",
    ][style]


STYLES = st.integers(min_value=0, max_value=10)
# Message text around a number: Vietnamese letters and punctuation, no digit.
WORDS = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệ ,:?!", max_size=30)


@pytest.mark.parametrize(
    "written",
    [
        "0912345678",
        "0912.345.678",
        "0912 345 678",
        "+84 912 345 678",
        "84912345678",
        "+84912345678",
        "+84 (0) 912 345 678",
        " 0912345678 ",
    ],
)
def test_the_forms_of_the_brief_give_the_national_number(written: str) -> None:
    assert normalize_phone(written) == "0912345678"


@pytest.mark.parametrize(
    "written",
    [
        "02213812345",  # Hưng Yên landline (0221)
        "024 3825 3536",  # Hà Nội landline
        "0212345678",  # 02 block, ten digits: no mobile
        "0112345678",
        "0612345678",
        "091234567",  # one digit short
        "09123456789",  # one digit long
        "8491234567",  # "84" with a subscriber one digit short
        "+0912345678",  # "+" needs a country code
        "+1 912 345 678",
        "1900 1234",  # hotline short number
        "113",
        "0912345678a",
        "sđt 0912345678",  # a sentence is not a number; find_phone reads sentences
        "0912+345678",
        "",
    ],
)
def test_landlines_and_other_text_are_not_mobiles(written: str) -> None:
    assert normalize_phone(written) is None


@given(mobiles, STYLES)
def test_every_written_form_normalizes_to_the_national_number(national: str, style: int) -> None:
    assert normalize_phone(_written(national, style)) == national


@given(st.text(max_size=40))
def test_any_result_is_a_national_mobile_number_and_stable(text: str) -> None:
    phone = normalize_phone(text)
    if phone is not None:
        assert NATIONAL.fullmatch(phone)
        assert normalize_phone(phone) == phone


@given(st.sampled_from("0124"), digits, st.sampled_from(["", "0", "00"]))
def test_numbers_outside_the_mobile_blocks_are_refused(block: str, rest: str, extra: str) -> None:
    assert normalize_phone(f"0{block}{rest}{extra}") is None
    if block != "0":  # "+84 0912…" is a mobile written with its trunk 0
        assert normalize_phone(f"+84{block}{rest}{extra}") is None


@given(mobiles, st.sampled_from(["", "0", "12"]))
def test_mobile_numbers_of_the_wrong_length_are_refused(national: str, extra: str) -> None:
    assert normalize_phone(national[:-1]) is None
    if extra:
        assert normalize_phone(national + extra) is None


@given(WORDS, mobiles, STYLES, WORDS)
def test_a_number_is_found_inside_a_message(before: str, national: str, style: int, after: str):
    message = f"{before} {_written(national, style)} {after}"
    assert find_phone(message) == national


@given(mobiles, mobiles)
def test_two_numbers_side_by_side_are_two_numbers(first: str, second: str) -> None:
    found = [span.phone for span in phone_spans(f"gọi {first} hoặc {second}")]
    assert found == [first, second]


def test_spans_cover_the_number_as_written_without_surrounding_punctuation() -> None:
    message = "Số của tôi (0912 345 678), hoặc +84 987.654.321."
    spans = list(phone_spans(message))
    assert [message[s.start : s.end] for s in spans] == ["0912 345 678", "+84 987.654.321"]
    assert [s.phone for s in spans] == ["0912345678", "0987654321"]


@pytest.mark.parametrize(
    "message",
    [
        "hồ sơ H31.29-260115-0001 đến đâu rồi",
        "tra cứu hs 000.00.31.H31-260301-0042",
        "kiểm tra phản ánh PAKN-2026-000123",
        "tỷ lệ đạt 95% năm 2024, quý 3",
    ],
)
def test_codes_dates_and_figures_are_not_phone_numbers(message: str) -> None:
    assert find_phone(message) is None


def test_no_line_of_the_plan_documents_holds_a_mobile_number() -> None:
    # Dates, plan numbers ("5743/QĐ-UBND"), figures and table rows: thousands of digit runs.
    lines = [
        line for path in sorted(SOURCES.glob("*.txt")) for line in path.read_text().splitlines()
    ]
    assert len(lines) > 1000
    assert [line for line in lines if find_phone(line)] == []
