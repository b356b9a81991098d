"""The Telegram channel end to end against a fake Bot API and a fake Rasa, both on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.telegram import handlers
from bot.telegram.config import Settings
from bot.telegram.formatting import CALLBACK_DATA_LIMIT, MESSAGE_LIMIT
from bot.telegram.handlers import (
    BUSY,
    CANCELLED,
    CHOOSE,
    EXPIRED,
    HELP,
    MENU_REQUEST,
    TEXT_ONLY,
    WELCOME,
)
from knowledge.shared.settings import Rate
from tests.unit.telegram.telegram_fakes import (
    CHAT_ID,
    FakeBotApi,
    FakeRasa,
    button_data,
    closed_port_url,
    message_update,
    press_update,
    running,
    text_update,
    with_rasa_at,
)

SENDER = f"telegram:{CHAT_ID}"
MENU = [
    {
        "text": "Dạ, em có thể hỗ trợ Anh/chị:",
        "buttons": [
            {"title": "Tra cứu hồ sơ", "payload": "/tra_cuu_ho_so"},
            {"title": "Nộp phí trực tuyến", "payload": "/nop_phi"},
            {"title": "Gửi phản ánh", "payload": "/phan_anh"},
        ],
    }
]
TOO_MANY_REQUESTS = {
    "ok": False,
    "error_code": 429,
    "description": "Too Many Requests: retry after 1",
    "parameters": {"retry_after": 1},
}
BAD_GATEWAY = {"ok": False, "error_code": 502, "description": "Bad Gateway"}


def keyboard(params: dict) -> list[list[tuple[str, str]]]:
    rows = params["reply_markup"]["inline_keyboard"]
    return [[(b["text"], b["callback_data"]) for b in row] for row in rows]


def titles(params: dict) -> list[list[str]]:
    return [[title for title, _ in row] for row in keyboard(params)]


async def test_text_is_relayed_with_chat_sender_and_reply_follows_typing(
    application: Application, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    rasa.answers["ai chu tri nhiem vu so hoa ho so"] = [{"text": "Dạ, Sở Nội vụ chủ trì ạ."}]
    await application.process_update(text_update(application, "ai chu tri nhiem vu so hoa ho so"))
    assert rasa.received == [{"sender": SENDER, "message": "ai chu tri nhiem vu so hoa ho so"}]
    assert bot_api.methods()[-2:] == ["sendChatAction", "sendMessage"]
    assert bot_api.calls("sendChatAction")[-1] == {"chat_id": str(CHAT_ID), "action": "typing"}
    sent = bot_api.calls("sendMessage")
    assert [(m["chat_id"], m["text"]) for m in sent] == [(str(CHAT_ID), "Dạ, Sở Nội vụ chủ trì ạ.")]


async def test_typing_is_kept_up_while_rasa_thinks_and_stops_with_the_reply(
    application: Application, bot_api: FakeBotApi, rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handlers, "TYPING_REFRESH_S", 0.05)
    rasa.answers["hồ sơ của tôi"] = [{"text": "Dạ, hồ sơ đang được xử lý."}]
    rasa.delays["hồ sơ của tôi"] = 0.3
    await application.process_update(text_update(application, "hồ sơ của tôi"))
    await asyncio.sleep(0.2)  # time for a refresher that failed to stop to show itself
    methods = bot_api.methods()
    assert methods.count("sendChatAction") >= 3
    assert methods[-1] == "sendMessage"


async def test_rasa_buttons_become_an_inline_keyboard_carrying_payloads(
    application: Application, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    rasa.answers["menu"] = MENU
    await application.process_update(text_update(application, "menu"))
    (sent,) = bot_api.calls("sendMessage")
    assert sent["text"] == "Dạ, em có thể hỗ trợ Anh/chị:"
    assert titles(sent) == [["Tra cứu hồ sơ", "Nộp phí trực tuyến"], ["Gửi phản ánh"]]
    # Telegram gets keys within its limit; a press brings back the button's own payload.
    assert all(
        len(data.encode()) <= CALLBACK_DATA_LIMIT for row in keyboard(sent) for _, data in row
    )
    (menu,) = bot_api.delivered
    await application.process_update(
        press_update(application, menu, button_data(menu, "Gửi phản ánh"))
    )
    assert rasa.messages() == ["menu", "/phan_anh"]


async def test_button_press_echoes_title_removes_keyboard_and_relays_payload(
    application: Application, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    rasa.answers["menu"] = MENU
    rasa.answers["/tra_cuu_ho_so"] = [{"text": "Anh/chị cho em xin mã hồ sơ ạ."}]
    await application.process_update(text_update(application, "menu"))
    (menu,) = bot_api.delivered
    await application.process_update(
        press_update(application, menu, button_data(menu, "Tra cứu hồ sơ"))
    )
    assert rasa.messages() == ["menu", "/tra_cuu_ho_so"]
    assert len(bot_api.calls("answerCallbackQuery")) == 1
    (edit,) = bot_api.calls("editMessageReplyMarkup")
    assert edit["message_id"] == str(menu["message_id"])
    assert "reply_markup" not in edit  # no markup = keyboard removed
    assert bot_api.texts()[1:] == [
        "Anh/chị đã chọn: Tra cứu hồ sơ",
        "Anh/chị cho em xin mã hồ sơ ạ.",
    ]


async def test_second_tap_on_the_same_keyboard_is_relayed_once_and_is_no_error(
    application: Application, bot_api: FakeBotApi, rasa: FakeRasa, caplog: pytest.LogCaptureFixture
) -> None:
    rasa.answers["menu"] = MENU
    await application.process_update(text_update(application, "menu"))
    (menu,) = bot_api.delivered
    for _ in range(2):
        await application.process_update(
            press_update(application, menu, button_data(menu, "Nộp phí trực tuyến"))
        )
    assert rasa.messages() == ["menu", "/nop_phi"]
    assert len(bot_api.calls("answerCallbackQuery")) == 2  # every tap stops the spinner
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_reply_with_buttons_only_gets_a_prompt_to_carry_them(
    application: Application, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    rasa.answers["phi"] = [{"buttons": [{"title": "Có", "payload": "/affirm"}]}]
    await application.process_update(text_update(application, "phi"))
    (sent,) = bot_api.calls("sendMessage")
    assert (sent["text"], titles(sent)) == (CHOOSE, [["Có"]])


async def test_payload_longer_than_callback_data_limit_round_trips_through_chat_data(
    application: Application, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    payload = '/chon_ke_hoach{"so": "5743/QĐ-UBND", "ngay": "29 tháng 12 năm 2020"}'
    button = {"title": "5743/QĐ-UBND", "payload": payload}
    rasa.answers["ke hoach cchc"] = [{"text": "Anh/chị hỏi kế hoạch nào ạ?", "buttons": [button]}]
    await application.process_update(text_update(application, "ke hoach cchc"))
    (menu,) = bot_api.delivered
    [[(_, data)]] = keyboard(menu)
    assert len(data.encode()) <= CALLBACK_DATA_LIMIT < len(payload.encode())
    await application.process_update(press_update(application, menu, data))
    assert rasa.messages()[-1] == payload


async def test_a_button_the_library_no_longer_keeps_answers_expired(
    settings: Settings, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    rasa.answers["menu"] = MENU
    async with running(replace(settings, keyboards_kept=1)) as application:
        for _ in range(2):
            await application.process_update(text_update(application, "menu"))
        first, second = bot_api.delivered
        await application.process_update(
            press_update(application, first, button_data(first, "Nộp phí trực tuyến"))
        )
        assert bot_api.texts()[2:] == ["Anh/chị đã chọn: Nộp phí trực tuyến", EXPIRED]
        await application.process_update(
            press_update(application, second, button_data(second, "Nộp phí trực tuyến"))
        )
    assert rasa.messages() == ["menu", "menu", "/nop_phi"]


async def test_buttons_sent_before_a_restart_still_work_after_it(
    settings: Settings, bot_api: FakeBotApi, rasa: FakeRasa, tmp_path: Path
) -> None:
    kept = replace(settings, var_dir=str(tmp_path / "var"))  # created on start
    rasa.answers["menu"] = MENU
    async with running(kept) as application:
        await application.process_update(text_update(application, "menu"))
    (menu,) = bot_api.delivered
    async with running(kept) as restarted:
        await restarted.process_update(
            press_update(restarted, menu, button_data(menu, "Gửi phản ánh"))
        )
    assert rasa.messages() == ["menu", "/phan_anh"]


async def test_outgoing_messages_are_throttled_to_the_send_rate(
    settings: Settings, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    rasa.answers["danh sach"] = [{"text": f"Mục {n}"} for n in range(4)]
    async with running(replace(settings, send_rate=Rate(2, 1.0))) as application:
        started = time.monotonic()
        await application.process_update(text_update(application, "danh sach"))
        elapsed = time.monotonic() - started
    # "typing…" and four messages at two a second: the fifth request waits about 1.5 s.
    assert elapsed >= 1.2
    assert [m["text"] for m in bot_api.delivered] == [f"Mục {n}" for n in range(4)]


async def test_long_reply_is_split_into_messages_within_telegram_limit(
    application: Application, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    line = "- Sở Nội vụ chủ trì, phối hợp với các sở, ban, ngành thực hiện nhiệm vụ."
    long_text = "\n\n".join(f"{n}. {line}" for n in range(1, 200))
    rasa.answers["danh sach"] = [{"text": long_text, "buttons": [{"title": "Xem thêm"}]}]
    await application.process_update(text_update(application, "danh sach"))
    sent = bot_api.calls("sendMessage")
    assert len(sent) == -(-len(long_text) // MESSAGE_LIMIT)
    assert all(len(m["text"]) <= MESSAGE_LIMIT for m in sent)
    assert "\n\n".join(m["text"] for m in sent) == long_text
    # The keyboard rides on the last piece only, under the end of the text.
    assert ["reply_markup" in m for m in sent] == [False] * (len(sent) - 1) + [True]


# PTB's own RetryAfter warns that its int retry_after will become a timedelta.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_429_is_waited_out_then_the_reply_is_delivered(
    application: Application, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    rasa.answers["xin chào"] = [{"text": "Dạ, xin chào Anh/chị!"}]
    bot_api.failures["sendMessage"].append((429, TOO_MANY_REQUESTS))
    started = time.monotonic()
    await application.process_update(text_update(application, "xin chào"))
    assert time.monotonic() - started >= 1.0  # retry_after honoured
    assert bot_api.texts() == ["Dạ, xin chào Anh/chị!"] * 2  # refused once, then accepted
    assert [m["text"] for m in bot_api.delivered] == ["Dạ, xin chào Anh/chị!"]


async def test_network_errors_are_retried_a_bounded_number_of_times(
    application: Application, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    rasa.answers["xin chào"] = [{"text": "Dạ, xin chào Anh/chị!"}]
    bot_api.failures["sendMessage"].extend([(502, BAD_GATEWAY)] * 5)
    await application.process_update(text_update(application, "xin chào"))
    assert len(bot_api.calls("sendMessage")) == 3
    assert bot_api.delivered == []


async def test_a_refused_request_is_not_retried(
    application: Application, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    rasa.answers["xin chào"] = [{"text": "Dạ, xin chào Anh/chị!"}]
    bad_request = {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
    bot_api.failures["sendMessage"].append((400, bad_request))
    await application.process_update(text_update(application, "xin chào"))
    assert len(bot_api.calls("sendMessage")) == 1


@pytest.mark.parametrize("failure", ["refused", "server error", "timeout"])
async def test_rasa_trouble_gets_a_polite_vietnamese_message(
    settings: Settings, bot_api: FakeBotApi, rasa: FakeRasa, failure: str
) -> None:
    if failure == "refused":
        settings = with_rasa_at(settings, closed_port_url())
    elif failure == "server error":
        rasa.status = 500
    else:
        rasa.delays["xin chào"] = settings.rasa_timeout_s + 0.3
    async with running(settings) as application:
        await application.process_update(text_update(application, "xin chào"))
    assert bot_api.texts() == [BUSY]


async def test_start_welcomes_then_shows_the_menu_from_rasa(
    application: Application, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    rasa.answers[MENU_REQUEST] = MENU
    await application.process_update(text_update(application, "/start"))
    assert rasa.received == [{"sender": SENDER, "message": "bạn làm được gì"}]
    assert bot_api.texts() == [WELCOME, MENU[0]["text"]]
    assert len(keyboard(bot_api.calls("sendMessage")[1])) == 2


async def test_help_lists_the_commands_registered_with_telegram_without_asking_rasa(
    application: Application, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    await application.process_update(text_update(application, "/help"))
    assert bot_api.texts() == [HELP]
    assert rasa.received == []
    # The menu every chat sees (officials' chats get theirs with a scope of their own).
    (registered,) = [c for c in bot_api.calls("setMyCommands") if "scope" not in c]
    commands = [c["command"] for c in registered["commands"]]
    assert commands == ["start", "help", "huy", "huythongbao"]
    assert all(f"/{command}" in HELP for command in commands)


async def test_unknown_command_gets_help_rather_than_reaching_rasa(
    application: Application, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    await application.process_update(text_update(application, "/dangky"))
    assert bot_api.texts() == [HELP]
    assert rasa.received == []


async def test_huy_sends_cancel_to_rasa_and_shows_its_reply(
    application: Application, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    rasa.answers["/cancel"] = [{"text": "Dạ, em đã dừng việc ghi nhận phản ánh."}]
    await application.process_update(text_update(application, "/huy"))
    assert rasa.received == [{"sender": SENDER, "message": "/cancel"}]
    assert bot_api.texts() == ["Dạ, em đã dừng việc ghi nhận phản ánh."]


async def test_huy_confirms_itself_when_rasa_says_nothing(
    application: Application, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    await application.process_update(text_update(application, "/huy"))
    assert rasa.messages() == ["/cancel"]
    assert bot_api.texts() == [CANCELLED]


STICKER = {
    "file_id": "CAACAgIAAxkBAAE",
    "file_unique_id": "AgADBAADc",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
    "type": "regular",
}
VOICE = {"file_id": "AwACAgUAAxkBAAI", "file_unique_id": "AgADv", "duration": 3}


# Photos and documents are read (test_telegram_attach_and_receipt.py).
@pytest.mark.parametrize("content", [{"sticker": STICKER}, {"voice": VOICE}])
async def test_non_text_message_gets_a_text_only_note(
    application: Application, bot_api: FakeBotApi, rasa: FakeRasa, content: dict
) -> None:
    await application.process_update(message_update(application, **content))
    assert bot_api.texts() == [TEXT_ONLY]
    assert rasa.received == []


async def test_turns_of_one_chat_are_answered_in_order_even_when_processed_concurrently(
    application: Application, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    rasa.answers = {"một": [{"text": "trả lời một"}], "hai": [{"text": "trả lời hai"}]}
    rasa.delays["một"] = 0.3  # the first turn is the slow one
    await asyncio.gather(
        application.process_update(text_update(application, "một")),
        application.process_update(text_update(application, "hai")),
    )
    assert rasa.messages() == ["một", "hai"]
    assert [m["text"] for m in bot_api.delivered] == ["trả lời một", "trả lời hai"]
