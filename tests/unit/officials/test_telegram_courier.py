"""Taking a reply to a Telegram citizen from a process that has only the bot's token (the web
page), against the fake Bot API."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.officials.telegram_courier import telegram_chat_id, token_courier
from knowledge.feedback import FeedbackService
from knowledge.officials import Delivery
from tests.fakes import FakeClock
from tests.unit.officials.officials_fakes import complaint
from tests.unit.telegram.telegram_fakes import TOKEN, FakeBotApi, closed_port_url

CITIZEN_CHAT = 777_001


def test_a_telegram_sender_names_its_chat() -> None:
    assert telegram_chat_id(f"telegram:{CITIZEN_CHAT}") == CITIZEN_CHAT
    assert telegram_chat_id("telegram:abc") is None
    assert telegram_chat_id("5f2c9a1e0b7d4c3e") is None


async def test_a_reply_given_on_the_web_page_reaches_the_telegram_citizen_too(
    engine: Engine, clock: FakeClock, bot_api: FakeBotApi
) -> None:
    # The web page runs without the bot: it reaches Telegram with the bot's token alone.
    service = FeedbackService(engine, clock)
    code = service.submit(complaint(f"telegram:{CITIZEN_CHAT}"))
    reply = service.reply(code, "Đã chuyển Phòng Tài nguyên và Môi trường.", by="web:can-bo")
    delivery = await token_courier(TOKEN, bot_api.base_url)(reply)
    assert delivery is Delivery.SENT
    assert bot_api.texts_to(CITIZEN_CHAT) == [
        f"Dạ, cơ quan chức năng đã trả lời phản ánh {code} của Anh/chị:\n\n"
        "Đã chuyển Phòng Tài nguyên và Môi trường."
    ]
    unreachable = await token_courier(TOKEN, closed_port_url() + "/bot")(reply)
    assert unreachable is Delivery.FAILED
