"""Dossier updates on Telegram: sent by the running bot with a working "Hủy nhận thông báo"
button, a blocked chat reported as such, and /huythongbao."""

from __future__ import annotations

from telegram.ext import Application

from bot.telegram.notify import TelegramSender
from knowledge.notify.messages import Notification, unsubscribe_button
from knowledge.notify.watcher import Sent
from tests.unit.telegram.telegram_fakes import (
    CHAT_ID,
    FakeBotApi,
    FakeRasa,
    button_data,
    press_update,
    text_update,
)

CODE = "H31.29-260115-0001"
UPDATE = Notification(
    f"telegram:{CHAT_ID}", "Dạ, hồ sơ vừa có cập nhật.", (unsubscribe_button(CODE),)
)
FORBIDDEN = {
    "ok": False,
    "error_code": 403,
    "description": "Forbidden: bot was blocked by the user",
}
BAD_GATEWAY = {"ok": False, "error_code": 502, "description": "Bad Gateway"}


async def test_notify_an_update_reaches_the_chat_and_its_button_stops_it(
    application: Application, bot_api: FakeBotApi, rasa: FakeRasa
) -> None:
    assert await TelegramSender(application.bot).send(UPDATE) is Sent.SENT
    (delivered,) = bot_api.delivered
    assert delivered["chat"]["id"] == CHAT_ID and delivered["text"] == UPDATE.text
    # The button was kept by this bot's callback-data cache: pressing it says its words.
    data = button_data(delivered, "Hủy nhận thông báo")
    await application.process_update(press_update(application, delivered, data))
    assert rasa.messages() == [f"Hủy nhận thông báo hồ sơ {CODE}"]


async def test_notify_a_chat_that_blocked_the_bot_is_reported_blocked(
    application: Application, bot_api: FakeBotApi
) -> None:
    bot_api.failures["sendMessage"].append((403, FORBIDDEN))
    assert await TelegramSender(application.bot).send(UPDATE) is Sent.BLOCKED
    assert bot_api.delivered == []


async def test_notify_telegram_down_is_a_failure_for_now_not_a_block(
    application: Application, bot_api: FakeBotApi
) -> None:
    bot_api.failures["sendMessage"].extend([(502, BAD_GATEWAY)] * 3)
    assert await TelegramSender(application.bot).send(UPDATE) is Sent.FAILED


async def test_notify_the_huythongbao_command_asks_to_stop_every_update(
    application: Application, rasa: FakeRasa
) -> None:
    await application.process_update(text_update(application, "/huythongbao"))
    assert rasa.messages() == ["Hủy nhận thông báo hồ sơ"]
