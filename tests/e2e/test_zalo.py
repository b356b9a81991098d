"""A citizen on Zalo, through the real Rasa and action servers: the channel runs in the test
against the local fake of Zalo's OA API, on the stack's database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from knowledge.dossiers.models import STATUS_LABELS, Dossier
from knowledge.shared.db import make_engine, session_scope
from tests.e2e.conftest import RunningStack
from tests.fake_zalo import (
    Channel,
    FakeZaloApi,
    channel_settings,
    running_channel,
    serving_fake_zalo,
    text_event,
)

USER = "7001234567890123"
ASK_CODE = "Anh/chị cho em xin mã hồ sơ"


@pytest.fixture
async def zalo_api() -> AsyncIterator[FakeZaloApi]:
    async with serving_fake_zalo() as fake:
        yield fake


@pytest.fixture
async def zalo(stack: RunningStack, zalo_api: FakeZaloApi) -> AsyncIterator[Channel]:
    settings = channel_settings(zalo_api, stack.rasa_url, stack.settings["DATABASE_URL"])
    async with running_channel(settings) as channel:
        yield channel


def open_dossier(stack: RunningStack) -> Dossier:
    with session_scope(make_engine(stack.settings["DATABASE_URL"])) as session:
        query = select(Dossier).where(Dossier.status == "processing").order_by(Dossier.code)
        dossier = session.scalars(query).first()
    assert dossier is not None, "no demo dossier in processing: was the demo data seeded?"
    return dossier


async def test_zalo_citizen_looks_up_a_dossier_by_typed_code(
    stack: RunningStack, zalo: Channel, zalo_api: FakeZaloApi
) -> None:
    dossier = open_dossier(stack)

    async def say(message: str) -> list[str]:
        before = len(zalo_api.sent)
        assert await zalo.post(text_event(USER, message)) == 200
        await zalo.settle()
        return [m["message"].get("text", "") for m in zalo_api.sent[before:]]

    await say("bạn làm được gì")
    (menu, *_) = zalo_api.buttons_sent()
    lookup = next(b for b in menu if b["title"] == "Tra cứu hồ sơ")
    assert lookup["type"] == "oa.query.hide"

    asked = await say(lookup["payload"])  # the button pressed: Zalo sends its payload back
    assert asked[0] == "Anh/chị đã chọn: Tra cứu hồ sơ"
    assert any(ASK_CODE in t for t in asked)

    answer = "\n".join(await say(dossier.code))
    assert dossier.code in answer and STATUS_LABELS[dossier.status] in answer
    assert dossier.applicant_phone not in answer
    assert all(len(m["message"].get("text", "")) <= 2000 for m in zalo_api.sent)
