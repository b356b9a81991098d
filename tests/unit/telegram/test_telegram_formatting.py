"""Pure shaping of Rasa replies for Telegram: message splitting and keyboards (callback data
longer than Telegram takes is the library's: see test_telegram_bot)."""

from __future__ import annotations

import pytest

from bot.rasa_client import RasaButton, RasaUnavailable, parse_replies
from bot.telegram.formatting import MESSAGE_LIMIT, button_title, keyboard_for, split_message
from tests.paths import SOURCES


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_short_reply_is_one_piece_unchanged() -> None:
    text = "Dạ, chào Anh/chị. Chúc Anh/chị một ngày tốt lành!"
    assert split_message(text) == [text]


def test_whole_plan_document_splits_into_telegram_sized_pieces_losing_nothing() -> None:
    text = (SOURCES / "hanoi-cchc-2021.txt").read_text(encoding="utf-8").strip()
    pieces = split_message(text)
    assert len(pieces) >= len(text) // MESSAGE_LIMIT + 1
    assert all(0 < utf16_len(piece) <= MESSAGE_LIMIT for piece in pieces)
    # Only whitespace at the cuts may go; every word stays, in order.
    assert " ".join(pieces).split() == text.split()
    # The document has blank-line paragraphs, so no cut falls inside a line.
    lines = {line.strip() for line in text.splitlines()}
    assert all(piece.splitlines()[-1].strip() in lines for piece in pieces)


def test_split_prefers_paragraph_then_line_then_space() -> None:
    para = "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."
    assert split_message(f"{para}\n\n{para} Thêm", limit=len(para) + 10) == [para, f"{para} Thêm"]
    assert split_message(f"{para}\n{para}", limit=len(para) + 10) == [para, para]
    assert split_message("một hai ba bốn", limit=8) == ["một hai", "ba bốn"]


def test_split_cuts_a_run_without_spaces_and_counts_emoji_as_two_units() -> None:
    assert split_message("x" * 10, limit=4) == ["xxxx", "xxxx", "xx"]
    # Telegram counts UTF-16 code units: 👍 takes two, so only two fit in 4.
    assert split_message("👍" * 3, limit=4) == ["👍👍", "👍"]


@pytest.mark.parametrize(
    ("titles", "row_sizes"),
    [
        (["Tra cứu hồ sơ", "Nộp phí", "Phản ánh"], [2, 1]),
        (["Tra cứu hồ sơ", "Ai chủ trì nhiệm vụ trong kế hoạch CCHC"], [1, 1]),
    ],
)
def test_keyboard_puts_short_titles_two_per_row(titles: list[str], row_sizes: list[int]) -> None:
    buttons = [RasaButton(title, f"/p{i}") for i, title in enumerate(titles)]
    markup = keyboard_for(buttons)
    assert markup is not None
    assert [len(row) for row in markup.inline_keyboard] == row_sizes
    flat = [button for row in markup.inline_keyboard for button in row]
    assert [(b.text, b.callback_data) for b in flat] == [(b.title, b.payload) for b in buttons]
    assert button_title(markup, "/p1") == titles[1]
    assert button_title(markup, "/missing") is None


def test_no_buttons_means_no_keyboard() -> None:
    assert keyboard_for([]) is None


def test_rasa_replies_parsed_with_title_as_payload_fallback_and_custom_dropped() -> None:
    body = [
        {"recipient_id": "telegram:1", "text": "  Mời chọn  ", "buttons": [{"title": "Có"}]},
        {"recipient_id": "telegram:1", "custom": {"kind": "map"}},
        {"recipient_id": "telegram:1", "buttons": [{"title": "Không", "payload": "/deny"}]},
    ]
    replies = parse_replies(body)
    assert [(r.text, r.buttons) for r in replies] == [
        ("Mời chọn", (RasaButton("Có", "Có"),)),
        ("", (RasaButton("Không", "/deny"),)),
    ]


def test_rasa_answer_that_is_not_a_list_counts_as_unavailable() -> None:
    with pytest.raises(RasaUnavailable):
        parse_replies({"error": "model not loaded"})
