"""An official's reply on a complaint filed over Zalo reaches the citizen's Zalo chat, sent
with the token the Zalo channel keeps, never refreshing it from another process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.officials.zalo_courier import zalo_courier, zalo_couriers
from bot.zalo.config import Settings
from knowledge.feedback import FeedbackReply
from knowledge.officials import Delivery
from knowledge.shared.db import get_engine
from knowledge.shared.wording import say
from knowledge.zalo.tokens import Tokens, TokenStore
from tests.fake_zalo import FakeZaloApi

USER = "8009876543210"
NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def reply(sender: str = f"zalo:{USER}") -> FeedbackReply:
    return FeedbackReply("PAKN-2026-7KQ3XM9D", sender, "Đã xử lý xong.", NOW, "can_bo")


def store_token(settings: Settings, access: str) -> None:
    store = TokenStore(settings.oa_id, get_engine(settings.database_url))
    store.load(Tokens("", settings.refresh_token, None), NOW)
    store.save(Tokens(access, "refresh-x", datetime.now(UTC) + timedelta(hours=20)), NOW)


async def test_zalo_official_reply_reaches_the_citizen(
    settings: Settings, zalo_api: FakeZaloApi
) -> None:
    store_token(settings, "access-kept")
    zalo_api.valid_tokens = {"access-kept"}
    assert await zalo_courier(settings)(reply()) == Delivery.SENT
    expected = say("officials.citizen_reply", code="PAKN-2026-7KQ3XM9D", text="Đã xử lý xong.")
    assert zalo_api.texts_to(USER) == [expected]


async def test_zalo_official_reply_fails_without_refreshing_the_channel_token(
    settings: Settings, zalo_api: FakeZaloApi
) -> None:
    courier = zalo_courier(settings)
    assert await courier(reply()) == Delivery.FAILED  # the channel has stored no token yet
    store_token(settings, "access-revoked")
    assert await courier(reply()) == Delivery.FAILED  # refused by Zalo
    assert zalo_api.refreshes == 0 and zalo_api.sent == []
    assert await courier(reply("telegram:4242")) == Delivery.FAILED


def test_zalo_courier_exists_only_when_zalo_is_configured() -> None:
    assert zalo_couriers({}) == {}
    configured = {
        "ZALO_OA_ID": "1",
        "ZALO_APP_ID": "2",
        "ZALO_APP_SECRET": "3",
        "ZALO_OA_SECRET_KEY": "4",
        "ZALO_REFRESH_TOKEN": "5",
    }
    assert list(zalo_couriers(configured)) == ["zalo"]
