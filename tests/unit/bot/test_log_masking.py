"""Phone numbers masked in what our processes log, whichever handler writes the record."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.log_masking import mask_phones_in_logs


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """A handler set up after the masking, as rasa-sdk and Rasa set theirs up."""
    factory = logging.getLogRecordFactory()
    mask_phones_in_logs()
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("tests.log_masking")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield output
    finally:
        logger.removeHandler(handler)
        logging.setLogRecordFactory(factory)


def test_a_phone_in_the_message_is_written_masked(log_output: io.StringIO) -> None:
    logging.getLogger("tests.log_masking").info("feedback from 0912345678 received")
    assert log_output.getvalue() == "INFO tests.log_masking: feedback from 0912***678 received\n"


def test_a_phone_in_the_arguments_of_a_child_logger_is_written_masked(
    log_output: io.StringIO,
) -> None:
    logging.getLogger("tests.log_masking.child").warning("text=%r", "gọi +84 912 345 678 nhé")
    assert "0912***678" in log_output.getvalue()
    assert "912 345 678" not in log_output.getvalue()


def test_a_phone_in_a_traceback_is_written_masked(log_output: io.StringIO) -> None:
    try:
        raise ValueError("INSERT failed, parameters ('Nguyễn Văn An', '0912345678')")
    except ValueError:
        logging.getLogger("tests.log_masking").exception("store failed")
    written = log_output.getvalue()
    assert "Traceback" in written and "0912***678" in written
    assert "0912345678" not in written


def test_installing_twice_masks_once_and_keeps_the_previous_factory(
    log_output: io.StringIO,
) -> None:
    installed = logging.getLogRecordFactory()
    mask_phones_in_logs()
    assert logging.getLogRecordFactory() is installed
    logging.getLogger("tests.log_masking").info("0912345678")
    assert log_output.getvalue().endswith(": 0912***678\n")
