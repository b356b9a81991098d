"""Masking of phone numbers and names wherever they leave the officials' inbox."""

from __future__ import annotations

import io
import logging
import unicodedata
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge.feedback import (
    PhoneMaskingFilter,
    find_phone,
    mask_name,
    mask_phone,
    mask_phones_in_text,
)
from tests.paths import SOURCES


@pytest.mark.parametrize("phone", ["0912345678", "0912.345.678", "+84 912 345 678"])
def test_phone_keeps_the_block_and_the_last_three_digits(phone: str) -> None:
    assert mask_phone(phone) == "0912***678"


def test_text_that_is_no_mobile_number_is_hidden_whole() -> None:
    assert mask_phone("02213812345") == "***"


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Nguyễn Văn An", "Nguyễn V** A*"),
        ("Trần Thị Ngọc Ánh", "Trần T** N*** Á**"),
        ("  Lê   Hoa ", "Lê H**"),
        ("", ""),
        (unicodedata.normalize("NFD", "Đặng Thị Ước"), "Đặng T** Ư**"),
    ],
)
def test_name_keeps_the_family_name_and_initials(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_a_lone_word_is_kept_when_taken_for_the_family_name() -> None:
    assert mask_name("Phương", keep_lone_word=True) == "Phương"


@given(
    st.builds(
        lambda block, rest: f"0{block}{rest}",
        st.sampled_from("35789"),
        st.text(alphabet="0123456789", min_size=8, max_size=8),
    )
)
def test_a_masked_message_holds_no_phone_number(national: str) -> None:
    message = f"Tôi tên An, số {national[:4]} {national[4:7]} {national[7:]}, gọi lại giúp tôi"
    masked = mask_phones_in_text(message)
    assert find_phone(masked) is None
    assert masked == f"Tôi tên An, số {national[:4]}***{national[-3:]}, gọi lại giúp tôi"


def test_masking_leaves_the_plan_documents_unchanged() -> None:
    text = (SOURCES / "hanoi-cchc-2021.txt").read_text()
    assert mask_phones_in_text(text) == text


@pytest.fixture
def log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PhoneMaskingFilter())
    logger = logging.getLogger("tests.feedback.masking")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def test_filter_masks_arguments_of_a_log_record(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    logger.info("citizen %s called from %s", "Nguyễn Văn An", "+84 912 345 678")
    assert stream.getvalue() == "citizen Nguyễn Văn An called from 0912***678\n"


def test_filter_masks_exception_text(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    try:
        # What a database error looks like: it quotes the statement's parameters.
        raise RuntimeError("[parameters: ('cham_tre', 'Nguyễn Văn An', '0912345678')]")
    except RuntimeError:
        logger.exception("insert failed")
    output = stream.getvalue()
    assert "0912***678" in output
    assert "0912345678" not in output
