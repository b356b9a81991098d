"""The screening of user messages before Rasa: cleaning, limits, and typed Rasa commands."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.guard import (
    CHANNEL_COMMANDS,
    EMPTY_NOTE,
    KEPT_CONTROLS,
    clean,
    in_form,
    message_limit,
    needs_tracker,
    offered_payloads,
    screen,
)

LIMIT = 1000
NOTHING_OFFERED: frozenset[str] = frozenset()
# Payloads the bot really sends (actions/plans/answers.py, actions/feedback.py).
CHOOSE_PLAN = '/choose_plan{"plan_document":"hungyen-tp-cchc-2024"}'
MENU_PAYLOAD = "Tôi muốn tra cứu tình trạng hồ sơ"


def _invisible(char: str) -> bool:
    return char not in KEPT_CONTROLS and unicodedata.category(char) in ("Cc", "Cf", "Cs")


def test_control_and_invisible_characters_are_removed_from_a_real_question() -> None:
    typed = "\u200bAi chủ trì\x00 nhiệm vụ\x1b số hóa\u202e hồ sơ?\ufeff"
    assert clean(typed) == "Ai chủ trì nhiệm vụ số hóa hồ sơ?"


def test_line_breaks_and_tabs_stay_other_whitespace_controls_become_spaces() -> None:
    assert clean("Nội dung:\n\tđường hỏng\rchưa sửa") == "Nội dung:\n\tđường hỏng chưa sửa"


def test_what_is_not_a_string_is_no_text() -> None:
    assert clean(None) == ""
    assert clean(12345) == ""


@given(st.text())
def test_clean_leaves_no_invisible_character_and_is_stable(raw: str) -> None:
    cleaned = clean(raw)
    assert not any(_invisible(char) for char in cleaned)
    assert clean(cleaned) == cleaned


@given(st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs"))))
def test_clean_keeps_visible_text_as_written(raw: str) -> None:
    assert clean(raw) == raw.strip()


@pytest.mark.parametrize("typed", ["", "   ", "\n\t", "\x00\x07", "\u200b\u200b", "/", "// "])
def test_empty_messages_get_a_note_instead_of_processing(typed: str) -> None:
    assert screen(clean(typed), offered=NOTHING_OFFERED, limit=LIMIT).note == EMPTY_NOTE


def test_a_message_over_the_limit_is_answered_with_the_limit_written_the_vietnamese_way() -> None:
    assert screen("a" * LIMIT, offered=NOTHING_OFFERED, limit=LIMIT).text == "a" * LIMIT
    too_long = screen("hồ sơ " * 4000, offered=NOTHING_OFFERED, limit=LIMIT)
    assert too_long.text is None
    assert too_long.note is not None and "1.000 ký tự" in too_long.note


@pytest.mark.parametrize(
    ("typed", "read_as"),
    [
        ("/restart", "restart"),
        ("//restart", "restart"),
        ('/ask_dossier_status{"dossier_code":"X"}', 'ask_dossier_status{"dossier_code":"X"}'),
        ("/ tra cứu hồ sơ", "tra cứu hồ sơ"),
    ],
)
def test_typed_rasa_commands_are_read_as_plain_text(typed: str, read_as: str) -> None:
    assert screen(typed, offered=frozenset({CHOOSE_PLAN}), limit=LIMIT).text == read_as


def test_a_button_payload_the_bot_offered_goes_through_unchanged() -> None:
    assert screen(CHOOSE_PLAN, offered=frozenset({CHOOSE_PLAN}), limit=LIMIT).text == CHOOSE_PLAN
    assert screen(CHOOSE_PLAN, offered=NOTHING_OFFERED, limit=LIMIT).text == CHOOSE_PLAN[1:]


def test_telegrams_cancel_command_needs_no_button() -> None:
    assert "/cancel" in CHANNEL_COMMANDS
    assert screen("/cancel", offered=NOTHING_OFFERED, limit=LIMIT).text == "/cancel"


@pytest.mark.parametrize(
    "typed", ["😀🙏👍", "<script>alert(1)</script>", "'; DROP TABLE x; --", "Xin chào ạ"]
)
def test_odd_but_harmless_text_passes_as_written(typed: str) -> None:
    assert screen(clean(typed), offered=NOTHING_OFFERED, limit=LIMIT).text == typed


@given(
    st.text(),
    st.frozensets(st.sampled_from([CHOOSE_PLAN, "/affirm", MENU_PAYLOAD])),
    st.integers(min_value=1, max_value=50),
)
def test_screening_answers_or_passes_and_never_lets_an_unoffered_command_through(
    raw: str, offered: frozenset[str], limit: int
) -> None:
    result = screen(clean(raw), offered=offered, limit=limit)
    assert (result.text is None) != (result.note is None)
    if result.text is not None:
        assert 0 < len(result.text) <= limit
        assert not result.text.startswith("/") or result.text in offered | CHANNEL_COMMANDS


def _bot(*payloads: str) -> dict[str, object]:
    buttons = [{"title": f"nút {i}", "payload": p} for i, p in enumerate(payloads)]
    return {"event": "bot", "text": "Dạ", "data": {"buttons": buttons}}


USER = {"event": "user", "text": "kế hoạch cải cách hành chính"}
ACTION = {"event": "action", "name": "action_listen"}


def test_offered_payloads_are_the_buttons_of_the_bots_latest_turn() -> None:
    events = [USER, _bot("/affirm"), ACTION, USER, _bot(CHOOSE_PLAN), _bot(), ACTION]
    assert offered_payloads(events) == {CHOOSE_PLAN}


def test_buttons_answered_by_the_user_are_no_longer_offered() -> None:
    assert offered_payloads([_bot(CHOOSE_PLAN), USER]) == frozenset()


def test_buttons_without_payload_and_bot_messages_without_data_offer_nothing() -> None:
    events = [
        {"event": "bot", "text": "Dạ", "data": {"buttons": [{"title": "Gửi", "payload": ""}]}},
        {"event": "bot", "text": "Dạ"},
    ]
    assert offered_payloads(events) == frozenset()


def test_message_limit_is_a_whole_number_of_characters() -> None:
    assert message_limit({}) == 4000
    assert message_limit({"MAX_MESSAGE_CHARS": "2000"}) == 2000


def test_a_complaint_description_of_4000_characters_passes_whole_by_default() -> None:
    sentence = "Đường vào trụ sở xã bị ngập, người dân không vào làm thủ tục được. "
    description = (sentence * 60)[:4000]
    assert screen(description, offered=NOTHING_OFFERED, limit=message_limit({})).text == description


def test_inside_a_form_a_too_long_answer_is_never_told_to_be_split_up() -> None:
    outside = screen("a" * (LIMIT + 1), offered=NOTHING_OFFERED, limit=LIMIT).note
    inside = screen("a" * (LIMIT + 1), offered=NOTHING_OFFERED, limit=LIMIT, form_open=True).note
    assert outside is not None and "chia thành từng ý" in outside
    assert inside is not None and "1.000 ký tự" in inside
    assert "chia" not in inside


FORM_OPENED = {"event": "active_loop", "name": "feedback_form"}
FORM_CLOSED = {"event": "active_loop", "name": None}


@pytest.mark.parametrize(
    ("events", "open_"),
    [
        ([], False),
        ([USER, FORM_OPENED, ACTION], True),
        ([FORM_OPENED, USER, FORM_CLOSED], False),
        ([FORM_OPENED, {"event": "restart"}], False),
        ([FORM_OPENED, {"event": "session_started"}, USER], False),
        ([FORM_OPENED, FORM_CLOSED, FORM_OPENED], True),
    ],
)
def test_a_form_is_open_after_its_loop_started_until_it_ends_or_the_session_does(
    events: list[dict[str, object]], open_: bool
) -> None:
    assert in_form(events) is open_


def test_the_conversation_is_read_only_for_commands_and_over_long_messages() -> None:
    assert not needs_tracker("Tôi muốn gửi phản ánh", LIMIT)
    assert needs_tracker("/affirm", LIMIT)
    assert needs_tracker("a" * (LIMIT + 1), LIMIT)
