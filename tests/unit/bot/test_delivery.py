"""The web widget's messages are answered once however often they arrive (bot/delivery.py)."""

from __future__ import annotations

import pytest

from bot.delivery import CLIENT_ID_MAX, Turns, client_id_of

SESSION = "3f2a9c"


def test_a_new_message_is_processed_and_a_repeat_gets_the_replies_sent_for_it() -> None:
    turns = Turns()
    assert turns.begin(SESSION, "m1") is None  # new: process it
    first = turns.record(SESSION, "m1", {"text": "Dạ, không có gì ạ."})
    second = turns.record(SESSION, "m1", {"text": "Anh/chị cần gì thêm ạ?", "quick_replies": []})
    assert first == {"text": "Dạ, không có gì ạ.", "reply_to": "m1", "seq": 0}
    assert second["reply_to"] == "m1" and second["seq"] == 1
    assert turns.begin(SESSION, "m1") == [first, second]  # a repeat: not processed again
    assert turns.begin(SESSION, "m1") == [first, second]


def test_a_repeat_while_its_turn_still_runs_gets_what_was_sent_so_far() -> None:
    turns = Turns()
    assert turns.begin(SESSION, "m1") is None
    assert turns.begin(SESSION, "m1") == []
    turns.record(SESSION, "m1", {"text": "Dạ"})
    assert [reply["text"] for reply in turns.begin(SESSION, "m1") or []] == ["Dạ"]


def test_the_same_client_id_in_another_session_is_another_message() -> None:
    turns = Turns()
    assert turns.begin(SESSION, "m1") is None
    assert turns.begin("another-session", "m1") is None


def test_the_oldest_turns_are_forgotten_beyond_the_capacity() -> None:
    turns = Turns(capacity=2)
    for client_id in ("m1", "m2", "m3"):
        assert turns.begin(SESSION, client_id) is None
    assert turns.begin(SESSION, "m3") == []
    assert turns.begin(SESSION, "m1") is None  # forgotten: processed as new


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"client_id": "7b1c-42"}, "7b1c-42"),
        ({}, None),
        (None, None),
        ("client_id", None),
        ({"client_id": 42}, None),
        ({"client_id": ""}, None),
        ({"client_id": "x" * (CLIENT_ID_MAX + 1)}, None),
    ],
)
def test_only_a_short_text_client_id_counts(metadata: object, expected: str | None) -> None:
    assert client_id_of(metadata) == expected
