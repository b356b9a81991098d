"""Subscribing and unsubscribing in the conversation: the button under a status answer, the
words of the button under an update, typed requests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Engine

from actions.notify import ActionSubscribeDossier, ActionUnsubscribeDossier
from knowledge.dossiers.models import Dossier
from knowledge.dossiers.store import SqlDossierStore
from knowledge.notify.service import SubscriptionStore
from knowledge.shared.ratelimit import SlidingWindowLimiter
from tests.fakes import FakeClock

AddDossier = Callable[..., Dossier]
CODE = "H31.31.01-260115-0001"
CLOCK = FakeClock(datetime(2026, 12, 4, 2, 0, tzinfo=UTC))


def tracker(text: str, intent: str, sender: str, code: str | None = None) -> Tracker:
    entities = [{"entity": "dossier_code", "value": code}] if code else []
    latest = {"text": text, "intent": {"name": intent}, "entities": entities}
    return Tracker(sender, {}, latest, [], False, None, {}, "action_listen")


async def run(action: Any, t: Tracker) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, t, {})
    (message,) = dispatcher.messages
    return message


def subscribe_action(engine: Engine, limit: int = 10) -> ActionSubscribeDossier:
    lookup = SqlDossierStore(engine, today=lambda: date(2026, 12, 4))
    return ActionSubscribeDossier(
        lookup, engine, limiter=SlidingWindowLimiter(limit, 600), clock=CLOCK
    )


def button_payload(code: str) -> str:
    return f'/subscribe_dossier{{"dossier_code":"{code}"}}'


async def test_notify_the_status_button_subscribes_the_chat_and_offers_to_stop(
    engine: Engine, add_dossier: AddDossier
) -> None:
    add_dossier(status="processing", due_on=date(2026, 12, 10))
    action = subscribe_action(engine)
    t = tracker(button_payload(CODE), "subscribe_dossier", "telegram:4242", CODE)
    message = await run(action, t)
    assert f"em sẽ nhắn Anh/chị ngay khi hồ sơ {CODE} có thay đổi" in message["text"]
    assert "hiện tại: Đang giải quyết" in message["text"]
    assert [b["title"] for b in message["buttons"]] == ["Hủy nhận thông báo"]
    assert SubscriptionStore(engine).active("telegram:4242") == [CODE]
    again = await run(action, t)
    assert "đã đăng ký nhận thông báo về hồ sơ" in again["text"]


async def test_notify_on_the_web_the_citizen_is_told_updates_show_while_the_page_is_open(
    engine: Engine, add_dossier: AddDossier
) -> None:
    add_dossier(status="processing", due_on=date(2026, 12, 10))
    message = await run(
        subscribe_action(engine),
        tracker(f"nhận thông báo hồ sơ {CODE}", "subscribe_dossier", "a1b2"),
    )
    assert "trong khung trò chuyện này" in message["text"]
    assert SubscriptionStore(engine).active("a1b2") == [CODE]


async def test_notify_a_finished_or_unknown_dossier_is_not_subscribed(
    engine: Engine, add_dossier: AddDossier
) -> None:
    add_dossier(status="returned", due_on=date(2026, 1, 16), finished_on=date(2026, 1, 16))
    finished = await run(
        subscribe_action(engine),
        tracker(button_payload(CODE), "subscribe_dossier", "telegram:1", CODE),
    )
    assert "đã hoàn tất (Đã trả kết quả)" in finished["text"] and not finished["buttons"]
    unknown = await run(
        subscribe_action(engine),
        tracker("nhận thông báo hồ sơ H31.29-260115-0999", "subscribe_dossier", "telegram:1"),
    )
    assert "không tìm thấy hồ sơ có mã H31.29-260115-0999" in unknown["text"]
    assert SubscriptionStore(engine).active("telegram:1") == []


async def test_notify_subscribing_shares_the_lookup_limit_against_probing_codes(
    engine: Engine, add_dossier: AddDossier
) -> None:
    add_dossier(status="processing", due_on=date(2026, 12, 10))
    action = subscribe_action(engine, limit=1)
    await run(action, tracker(button_payload(CODE), "subscribe_dossier", "telegram:1", CODE))
    refused = await run(
        action,
        tracker("nhận thông báo hồ sơ H31.29-260115-0999", "subscribe_dossier", "telegram:1"),
    )
    assert "thử lại sau khoảng" in refused["text"]


async def test_notify_the_unsubscribe_button_words_stop_that_dossier_only(
    engine: Engine, add_dossier: AddDossier
) -> None:
    store = SubscriptionStore(engine)
    store.subscribe("telegram:4242", CODE, "processing", CLOCK())
    store.subscribe("telegram:4242", "H31.29-260115-0002", "processing", CLOCK())
    action = ActionUnsubscribeDossier(engine, CLOCK)
    # The button under an update sends its words; the NLU finds the code in them.
    message = await run(
        action, tracker(f"Hủy nhận thông báo hồ sơ {CODE}", "unsubscribe_dossier", "telegram:4242")
    )
    assert message["text"] == f"Dạ, em đã dừng gửi thông báo về hồ sơ {CODE} ạ."
    assert store.active("telegram:4242") == ["H31.29-260115-0002"]
    # Typed without a code (or Telegram's /huythongbao): every dossier of the chat.
    message = await run(
        action, tracker("hủy nhận thông báo", "unsubscribe_dossier", "telegram:4242")
    )
    assert "H31.29-260115-0002" in message["text"]
    nothing = await run(
        action, tracker("hủy nhận thông báo", "unsubscribe_dossier", "telegram:4242")
    )
    assert "không nhận thông báo về hồ sơ nào" in nothing["text"]
