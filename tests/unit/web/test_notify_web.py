"""Dossier updates on the web chat: the web server's watcher keeps them in the outbox and the
widget fetches them with GET /api/notifications while the conversation is open."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import update

from bot.web.server import create_app
from knowledge.dossiers.models import Dossier, create_dossier_tables
from knowledge.notify.service import SubscriptionStore
from knowledge.shared.db import get_engine, session_scope

CODE = "H31.31.01-260115-0001"
SESSION = "5c1e9a7e0d4b4a35"
NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)


def dossier() -> Dossier:
    return Dossier(
        code=CODE,
        procedure="Đăng ký khai sinh",
        field="Hộ tịch",
        receiving_unit="UBND phường Lam Sơn",
        locality="phường Lam Sơn, thành phố Hưng Yên",
        applicant_name="Nguyễn Văn An",
        applicant_phone="0912345678",
        channel="online",
        received_on=date(2026, 11, 30),
        due_on=date(2026, 12, 20),
        status="processing",
        finished_on=None,
        fee_vnd=0,
        paid_online=False,
        result_by_post=False,
    )


async def fetch(client: TestClient, after: int = 0) -> list[dict]:
    response = await client.get("/api/notifications", params={"sender_id": SESSION, "after": after})
    assert response.status == 200
    return (await response.json())["notifications"]


async def test_notify_the_web_widget_gets_one_update_per_change_until_it_confirms_it(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = get_engine(url)
    create_dossier_tables(engine)
    with session_scope(engine) as session:
        session.add(dossier())
    SubscriptionStore(engine).subscribe(SESSION, CODE, "processing", NOW)
    environ = {"DATABASE_URL": url, "NOTIFY_POLL_S": "0.1", "VAR_DIR": str(tmp_path)}
    client = TestClient(TestServer(create_app(environ, watch_dossiers=True), host="127.0.0.1"))
    await client.start_server()
    try:
        assert await fetch(client) == []
        with session_scope(engine) as session:
            session.execute(update(Dossier).values(status="supplement_required"))
        for _ in range(50):
            if shown := await fetch(client):
                break
            await asyncio.sleep(0.1)
        (update_,) = shown
        assert "Tình trạng mới: Cần bổ sung hồ sơ" in update_["text"]
        assert update_["buttons"] == [
            {"title": "Hủy nhận thông báo", "payload": f"Hủy nhận thông báo hồ sơ {CODE}"}
        ]
        await asyncio.sleep(0.3)  # more rounds of the watcher: still one update
        assert await fetch(client) == shown  # not confirmed yet: kept
        assert await fetch(client, after=update_["id"]) == []  # confirmed: forgotten
        assert await fetch(client) == []
    finally:
        await client.close()


async def test_notify_the_endpoint_wants_a_sender_id_and_a_number(tmp_path: Path) -> None:
    environ = {"DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}"}
    client = TestClient(TestServer(create_app(environ), host="127.0.0.1"))
    await client.start_server()
    try:
        assert (await client.get("/api/notifications")).status == 400
        bad = await client.get("/api/notifications", params={"sender_id": SESSION, "after": "x"})
        assert bad.status == 400
    finally:
        await client.close()
