"""The officials' desk without any channel: the masked view of a complaint, marking handled,
and a reply taken to the citizen's channel by that channel's courier."""

from __future__ import annotations

from sqlalchemy import Engine

from knowledge.feedback import FeedbackReply
from knowledge.officials import Delivery, OfficialsDesk, channel_of, complaint_view
from knowledge.officials.accounts import AccountView
from tests.fakes import FakeClock
from tests.unit.officials.officials_fakes import complaint


class Courier:
    """Stands in for a channel that can push a reply to its citizens."""

    def __init__(self, delivery: Delivery = Delivery.SENT) -> None:
        self.delivery = delivery
        self.replies: list[FeedbackReply] = []

    async def __call__(self, reply: FeedbackReply) -> Delivery:
        self.replies.append(reply)
        return self.delivery


def test_a_sender_id_names_its_channel() -> None:
    assert channel_of("telegram:4242") == "telegram"
    assert channel_of("5f2c9a1e0b7d4c3e") == "web"  # the web chat's socket.io session
    assert channel_of("zalo:8f1") == "zalo"  # a later channel needs no change here
    assert channel_of(":4242") == "web"


async def test_the_inbox_shows_every_channel_the_same_masked_complaint(
    engine: Engine, clock: FakeClock
) -> None:
    desk = OfficialsDesk(engine, clock=clock)
    code = desk.feedback.submit(complaint("telegram:4242"))
    (view,) = await desk.inbox()
    assert view == complaint_view(desk.feedback.inbox()[0])
    assert (view.code, view.channel, view.channel_label) == (code, "telegram", "Telegram")
    assert (view.citizen_name, view.phone) == ("Nguyễn V** A*", "0912***678")
    assert view.content.endswith("không giải thích lý do. Gọi tôi: 0987***321.")
    assert not view.closed


async def test_mark_handled_closes_the_complaint_in_the_officials_name(
    engine: Engine, clock: FakeClock, admin: AccountView
) -> None:
    desk = OfficialsDesk(engine, clock=clock)
    code = desk.feedback.submit(complaint("5f2c9a1e0b7d4c3e"))
    view = await desk.mark_handled(code, admin)
    assert view.closed and view.status_label == "Đã đóng"
    assert desk.feedback.inbox(status="closed")[0].handled_by == admin.name
    assert await desk.inbox() == []


async def test_a_reply_goes_through_the_citizens_channel_courier(
    engine: Engine, clock: FakeClock, admin: AccountView
) -> None:
    telegram = Courier()
    desk = OfficialsDesk(engine, clock=clock, couriers={"telegram": telegram})
    by_telegram = desk.feedback.submit(complaint("telegram:4242"))
    by_web = desk.feedback.submit(complaint("5f2c9a1e0b7d4c3e"))
    sent = await desk.reply(by_telegram, "Đã chuyển Phòng Tài nguyên.", admin)
    assert sent.delivery is Delivery.SENT
    assert (
        sent.message == f"đã lưu trả lời phản ánh {by_telegram} và gửi tới người dân qua Telegram."
    )
    kept = await desk.reply(by_web, "Đã xử lý.", admin)
    assert kept.delivery is Delivery.ON_REQUEST  # the web chat cannot be written to
    assert [r.code for r in telegram.replies] == [by_telegram]


async def test_a_channel_without_a_courier_fails_but_keeps_the_reply(
    engine: Engine, clock: FakeClock, admin: AccountView
) -> None:
    desk = OfficialsDesk(engine, clock=clock)  # e.g. the web page without the bot's token
    code = desk.feedback.submit(complaint("telegram:4242"))
    outcome = await desk.reply(code, "Đã xử lý.", admin)
    assert outcome.delivery is Delivery.FAILED
    assert "chưa gửi được tới người dân qua Telegram" in outcome.message
    status = desk.feedback.status(code)
    assert status is not None and status.reply == "Đã xử lý."
