"""The Zalo channel end to end against fake Zalo and fake Rasa: what a citizen gets, what a
forged or replayed request gets."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.zalo.config import Settings
from bot.zalo.files import ReceivedFile
from knowledge.inbox import Inbox
from knowledge.inbox.models import InboxUpdate
from knowledge.shared.db import get_engine, session_scope
from knowledge.shared.wording import say, text
from knowledge.zalo.tokens import Tokens, TokenStore, ZaloToken
from tests.fake_zalo import (
    Channel,
    FakeZaloApi,
    file_event,
    image_event,
    running_channel,
    sign,
    text_event,
    user_event,
)
from tests.unit.telegram.telegram_fakes import FakeRasa

USER = "8001234567890"


def stored_events(settings: Settings) -> int:
    with session_scope(get_engine(settings.database_url)) as session:
        return session.scalar(select(func.count()).select_from(InboxUpdate)) or 0


async def test_zalo_text_is_answered_through_rasa(
    channel: Channel, rasa: FakeRasa, zalo_api: FakeZaloApi
) -> None:
    rasa.answers["xin chào"] = [{"text": "Dạ, em chào Anh/chị ạ."}]
    assert await channel.post(text_event(USER, "xin chào")) == 200
    await channel.settle()
    assert rasa.received == [{"sender": f"zalo:{USER}", "message": "xin chào"}]
    assert zalo_api.texts_to(USER) == ["Dạ, em chào Anh/chị ạ."]


async def test_zalo_unsigned_event_is_refused_and_never_handled(
    channel: Channel, rasa: FakeRasa, zalo_api: FakeZaloApi, settings: Settings
) -> None:
    assert await channel.post(text_event(USER, "xin chào"), signature=None) == 401
    await channel.settle()
    assert rasa.received == [] and zalo_api.sent == []
    assert stored_events(settings) == 0


async def test_zalo_event_signed_with_another_secret_is_refused(
    channel: Channel, rasa: FakeRasa, settings: Settings
) -> None:
    event = text_event(USER, "xin chào")
    forged = sign(b"{}", event["timestamp"], secret="not-our-oa")
    assert await channel.post(event, signature=forged) == 403
    await channel.settle()
    assert rasa.received == [] and stored_events(settings) == 0


async def test_zalo_event_changed_after_signing_is_refused(
    channel: Channel, rasa: FakeRasa
) -> None:
    event = text_event(USER, "xin chào")
    signature = sign(json.dumps(event, ensure_ascii=False).encode(), event["timestamp"])
    event["message"]["text"] = "/restart"
    assert await channel.post(event, signature=signature) == 403
    await channel.settle()
    assert rasa.received == []


async def test_zalo_stale_event_is_refused(
    channel: Channel, rasa: FakeRasa, settings: Settings
) -> None:
    three_hours_ago = time.time() - 3 * 3600
    assert await channel.post(text_event(USER, "xin chào", sent_at_s=three_hours_ago)) == 403
    await channel.settle()
    assert rasa.received == [] and stored_events(settings) == 0


async def test_zalo_retry_of_an_event_is_answered_once(
    channel: Channel, rasa: FakeRasa, zalo_api: FakeZaloApi
) -> None:
    rasa.answers["xin chào"] = [{"text": "Dạ, em chào Anh/chị ạ."}]
    event = text_event(USER, "xin chào")
    assert await channel.post(event) == 200
    assert await channel.post(event) == 200  # Zalo retries when our 200 was lost
    await channel.settle()
    assert rasa.messages() == ["xin chào"]
    assert zalo_api.texts_to(USER) == ["Dạ, em chào Anh/chị ạ."]


async def test_zalo_events_that_are_not_messages_are_acknowledged_and_ignored(
    channel: Channel, rasa: FakeRasa, settings: Settings
) -> None:
    follow = {"app_id": "x", "event_name": "follow", "timestamp": str(int(time.time() * 1000))}
    follow["follower"] = {"id": USER}
    assert await channel.post(follow) == 200
    await channel.settle()
    assert rasa.received == [] and stored_events(settings) == 0


async def test_zalo_buttons_are_sent_as_zalo_buttons_and_a_press_relays_the_payload(
    channel: Channel, rasa: FakeRasa, zalo_api: FakeZaloApi
) -> None:
    choices = [
        {"title": f"Kế hoạch {n}", "payload": f'/choose_plan{{"plan": "{n}"}}'} for n in range(7)
    ]
    rasa.answers["hạn báo cáo"] = [{"text": "Anh/chị hỏi kế hoạch nào ạ?", "buttons": choices}]
    await channel.post(text_event(USER, "hạn báo cáo"))
    await channel.settle()
    first, second = zalo_api.buttons_sent()
    assert [b["title"] for b in first + second] == [c["title"] for c in choices]
    assert len(first) == 5  # at most five per message; the rest follow in a second one
    assert {b["type"] for b in first + second} == {"oa.query.hide"}
    assert zalo_api.texts_to(USER) == ["Anh/chị hỏi kế hoạch nào ạ?", text("zalo.more_choices")]

    pressed = second[0]  # Zalo sends the payload back as the user's text
    await channel.post(text_event(USER, pressed["payload"]))
    await channel.settle()
    assert rasa.messages()[-1] == choices[5]["payload"]
    assert zalo_api.texts_to(USER)[-1] == say("zalo.chosen", title="Kế hoạch 5")


async def test_zalo_long_reply_is_split_within_zalo_limit(
    channel: Channel, rasa: FakeRasa, zalo_api: FakeZaloApi
) -> None:
    paragraph = "Dạ, nhiệm vụ số hóa hồ sơ do Văn phòng HĐND và UBND chủ trì. " * 20
    long_text = "\n\n".join([paragraph.strip()] * 5)  # about 6,000 characters
    rasa.answers["chi tiết"] = [
        {"text": long_text, "buttons": [{"title": "Xem thêm", "payload": "/more"}]}
    ]
    await channel.post(text_event(USER, "chi tiết"))
    await channel.settle()
    sent = zalo_api.texts_to(USER)
    assert len(sent) >= 3 and all(len(piece) <= 2000 for piece in sent)
    assert "".join(sent).replace("\n", "") == long_text.replace("\n", "")
    assert "attachment" in zalo_api.sent[-1]["message"]  # the buttons come with the last piece
    assert all("attachment" not in m["message"] for m in zalo_api.sent[:-1])


async def test_zalo_rate_limit_is_waited_out_and_the_reply_delivered_once(
    channel: Channel, rasa: FakeRasa, zalo_api: FakeZaloApi
) -> None:
    rasa.answers["xin chào"] = [{"text": "Dạ, em chào Anh/chị ạ."}]
    limited = (200, {"error": -32, "message": "Your application reached limit call api"})
    zalo_api.send_failures = [limited, (429, {}), (503, {})]
    await channel.post(text_event(USER, "xin chào"))
    await channel.settle()
    assert zalo_api.attempts == 4
    assert zalo_api.texts_to(USER) == ["Dạ, em chào Anh/chị ạ."]


async def test_zalo_reply_that_never_gets_through_is_kept_for_the_next_start(
    settings: Settings, rasa: FakeRasa, zalo_api: FakeZaloApi
) -> None:
    rasa.answers["xin chào"] = [{"text": "Dạ, em chào Anh/chị ạ."}]
    async with running_channel(settings) as channel:
        zalo_api.send_failures = [(503, {})] * settings.max_tries
        await channel.post(text_event(USER, "xin chào"))
        await channel.settle()
        assert zalo_api.sent == []
    async with running_channel(settings) as channel:  # the next start
        await channel.settle()
    assert zalo_api.texts_to(USER) == ["Dạ, em chào Anh/chị ạ."]


async def test_zalo_event_stored_but_not_answered_is_answered_after_a_restart(
    settings: Settings, rasa: FakeRasa, zalo_api: FakeZaloApi
) -> None:
    rasa.answers["xin chào"] = [{"text": "Dạ, em chào Anh/chị ạ."}]
    event = text_event(USER, "xin chào")
    # What a crash right after the 200 leaves behind: the event stored, no answer sent.
    Inbox(get_engine(settings.database_url)).accept("zalo", event["message"]["msg_id"], USER, event)
    async with running_channel(settings) as channel:
        await channel.settle()
        assert await channel.post(event) == 200  # and Zalo's late retry is not answered again
        await channel.settle()
    assert zalo_api.texts_to(USER) == ["Dạ, em chào Anh/chị ạ."]


async def test_zalo_token_from_the_environment_is_refreshed_and_the_new_one_kept(
    channel: Channel, rasa: FakeRasa, zalo_api: FakeZaloApi, settings: Settings
) -> None:
    rasa.answers["xin chào"] = [{"text": "Dạ, em chào Anh/chị ạ."}]
    await channel.post(text_event(USER, "xin chào"))
    await channel.settle()
    assert zalo_api.refreshes == 1
    assert zalo_api.texts_to(USER) == ["Dạ, em chào Anh/chị ạ."]
    with session_scope(get_engine(settings.database_url)) as session:
        row = session.get(ZaloToken, settings.oa_id)
        assert row is not None
        # The single-use refresh token Zalo issued is what the next start will use.
        assert (row.access_token, row.refresh_token) == ("access-1", "refresh-1")
        assert row.expires_at is not None
        assert row.expires_at - datetime.now(UTC) > timedelta(hours=24)


async def test_zalo_token_is_refreshed_before_it_expires(
    settings: Settings, rasa: FakeRasa, zalo_api: FakeZaloApi
) -> None:
    rasa.answers["xin chào"] = [{"text": "Dạ, em chào Anh/chị ạ."}]
    store = TokenStore(settings.oa_id, get_engine(settings.database_url))
    now = datetime.now(UTC)
    configured = Tokens("", settings.refresh_token, None)
    store.load(configured, now)
    # A token that still works but expires in 30 minutes, stored by an earlier run.
    zalo_api.valid_tokens = {"access-old"}
    store.save(Tokens("access-old", settings.refresh_token, now + timedelta(minutes=30)), now)
    async with running_channel(settings) as channel:
        await channel.post(text_event(USER, "xin chào"))
        await channel.settle()
    assert zalo_api.refreshes == 1
    assert zalo_api.attempts == 1  # sent once, with the new token: never refused
    assert zalo_api.texts_to(USER) == ["Dạ, em chào Anh/chị ạ."]


async def test_zalo_token_refused_as_invalid_is_refreshed_and_the_message_sent_again(
    settings: Settings, rasa: FakeRasa, zalo_api: FakeZaloApi
) -> None:
    rasa.answers["xin chào"] = [{"text": "Dạ, em chào Anh/chị ạ."}]
    async with running_channel(settings) as channel:
        await channel.post(text_event(USER, "xin chào"))
        await channel.settle()
        zalo_api.valid_tokens = set()  # revoked on Zalo's side before it expired
        await channel.post(text_event(USER, "xin chào"))
        await channel.settle()
    assert zalo_api.refreshes == 2
    assert zalo_api.texts_to(USER) == ["Dạ, em chào Anh/chị ạ."] * 2


async def test_zalo_citizen_gets_a_polite_note_when_the_assistant_is_down(
    channel: Channel, rasa: FakeRasa, zalo_api: FakeZaloApi
) -> None:
    rasa.status = 500
    await channel.post(text_event(USER, "hồ sơ của tôi"))
    await channel.settle()
    assert zalo_api.texts_to(USER) == [text("zalo.busy")]


async def test_zalo_photo_is_handed_to_the_file_hook_with_its_address(
    settings: Settings, rasa: FakeRasa, zalo_api: FakeZaloApi
) -> None:
    received: list[ReceivedFile] = []

    async def hook(file: ReceivedFile) -> str:
        received.append(file)
        return "Dạ, em đã nhận ảnh."

    async with running_channel(settings, receive_file=hook) as channel:
        await channel.post(image_event(USER, "https://photo.zalo.me/receipt.jpg"))
        await channel.settle()
    assert received == [ReceivedFile(f"zalo:{USER}", "image", "https://photo.zalo.me/receipt.jpg")]
    assert zalo_api.texts_to(USER) == ["Dạ, em đã nhận ảnh."]
    assert rasa.received == []


@pytest.mark.parametrize(
    ("event", "answer"),
    [
        (image_event(USER, "https://photo.zalo.me/p.jpg"), "zalo.photo_received"),
        (file_event(USER, "https://f.zalo.me/d.pdf", "don.pdf"), "zalo.file_received"),
    ],
)
async def test_zalo_photo_or_file_gets_a_request_to_type_the_code(
    channel: Channel, zalo_api: FakeZaloApi, event: dict[str, object], answer: str
) -> None:
    await channel.post(event)
    await channel.settle()
    assert zalo_api.texts_to(USER) == [text(answer)]


async def test_zalo_sticker_gets_a_request_to_type(
    channel: Channel, rasa: FakeRasa, zalo_api: FakeZaloApi
) -> None:
    sticker = {"attachments": [{"type": "sticker", "payload": {"id": "1", "url": "https://s"}}]}
    await channel.post(user_event(USER, "user_send_sticker", sticker))
    await channel.settle()
    assert zalo_api.texts_to(USER) == [text("zalo.text_only")]
    assert rasa.received == []


async def test_zalo_messages_of_one_user_are_answered_in_the_order_sent(
    channel: Channel, rasa: FakeRasa, zalo_api: FakeZaloApi
) -> None:
    rasa.answers["một"] = [{"text": "trả lời một"}]
    rasa.answers["hai"] = [{"text": "trả lời hai"}]
    rasa.delays["một"] = 0.3  # the first turn is slow; the second must still wait for it
    await channel.post(text_event(USER, "một"))
    await channel.post(text_event(USER, "hai"))
    await channel.settle()
    assert rasa.messages() == ["một", "hai"]
    assert zalo_api.texts_to(USER) == ["trả lời một", "trả lời hai"]


async def test_zalo_access_token_from_the_environment_serves_while_refresh_fails(
    settings: Settings, rasa: FakeRasa, zalo_api: FakeZaloApi
) -> None:
    rasa.answers["xin chào"] = [{"text": "Dạ, em chào Anh/chị ạ."}]
    zalo_api.refresh_token = "not-the-one-configured"  # every refresh is refused
    zalo_api.valid_tokens = {"access-env"}
    async with running_channel(replace(settings, access_token="access-env")) as channel:
        await channel.post(text_event(USER, "xin chào"))
        await channel.settle()
    assert zalo_api.refreshes == 0
    assert zalo_api.texts_to(USER) == ["Dạ, em chào Anh/chị ạ."]


async def test_zalo_oversized_request_is_refused(channel: Channel, rasa: FakeRasa) -> None:
    assert await channel.post(text_event(USER, "x" * 100_000)) == 413
    await channel.settle()
    assert rasa.received == []


async def test_zalo_reply_cut_short_by_zalo_going_down_is_finished_once_after_a_restart(
    settings: Settings, rasa: FakeRasa, zalo_api: FakeZaloApi
) -> None:
    first, second = ("Dạ, phần một. " * 142).strip(), "Dạ, phần hai."  # 1,987 + 2 + 13 > 2,000
    rasa.answers["chi tiết"] = [{"text": f"{first}\n\n{second}"}]
    async with running_channel(settings) as channel:
        zalo_api.down_after = 1  # the first piece gets through, then Zalo is down
        await channel.post(text_event(USER, "chi tiết"))
        await channel.settle()
    zalo_api.down_after = None
    async with running_channel(settings) as channel:  # the next start replays the event
        await channel.settle()
    assert rasa.messages() == ["chi tiết"]  # Rasa's answer was kept, not asked again
    assert zalo_api.texts_to(USER) == [first, second]  # the first piece is not sent twice
