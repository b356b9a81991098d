"""Numbers and rates from the environment: one reading, one error naming the variable."""

from __future__ import annotations

import pytest

from knowledge.shared.settings import (
    Rate,
    SettingError,
    env_int,
    env_positive,
    env_rate,
    parse_rate,
)


def test_a_rate_is_n_per_seconds_or_n_per_the_default_window() -> None:
    assert parse_rate("3/10", "X_RATE") == Rate(3, 10.0)
    assert parse_rate(" 2 ", "X_RATE", default_window_s=600) == Rate(2, 600.0)
    assert env_rate({}, "X_RATE", Rate(30, 60.0)) == Rate(30, 60.0)
    assert env_rate({"X_RATE": "5"}, "X_RATE", Rate(10, 600.0)) == Rate(5, 600.0)


@pytest.mark.parametrize("raw", ["0/60", "-1", "ba mươi", "30/", "30/0", "30/inf", "30/60/2"])
def test_a_wrong_rate_names_its_variable(raw: str) -> None:
    with pytest.raises(SettingError, match="X_RATE"):
        parse_rate(raw, "X_RATE")


def test_whole_numbers_default_when_blank_and_are_bounded() -> None:
    assert env_int({"PORT": " "}, "PORT", 8000) == 8000
    assert env_int({"PORT": "8443"}, "PORT", 8000, minimum=1, maximum=65535) == 8443
    for wrong in ("http", "0", "70000", "1.5"):
        with pytest.raises(SettingError, match="PORT"):
            env_int({"PORT": wrong}, "PORT", 8000, minimum=1, maximum=65535)


def test_positive_numbers_refuse_zero_nan_and_words() -> None:
    assert env_positive({"T": "2.5"}, "T", 10.0) == 2.5
    assert env_positive({}, "T", 10.0) == 10.0
    for wrong in ("ten", "0", "-3", "nan", "inf"):
        with pytest.raises(SettingError, match="T"):
            env_positive({"T": wrong}, "T", 10.0)
