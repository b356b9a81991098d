"""The web page's /healthz, /readyz and /metrics: readiness follows the database, and the
officials' handling of complaints moves the counters it exposes."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient

from knowledge.feedback import FeedbackService
from knowledge.migrations import head
from tests.metrics_reading import metric_value
from tests.unit.officials.officials_fakes import complaint
from tests.unit.web.web_fakes import ClientFactory, post_form


async def test_web_healthz_and_readyz_answer_on_a_migrated_database(client: TestClient) -> None:
    assert (await client.get("/healthz")).status == 200
    ready = await client.get("/readyz")
    assert ready.status == 200
    assert await ready.json() == {"status": "ok", "database": "ok", "schema": "ok"}


async def test_web_readyz_is_503_on_a_database_not_migrated(
    make_client: ClientFactory, tmp_path: Path
) -> None:
    client = await make_client(DATABASE_URL=f"sqlite:///{tmp_path / 'old.db'}")
    assert (await client.get("/healthz")).status == 200  # alive, but not ready
    ready = await client.get("/readyz")
    assert ready.status == 503
    assert (await ready.json())["schema"] == f"at none, newest is {head()}"


async def test_web_readyz_is_503_when_the_database_does_not_answer(
    make_client: ClientFactory,
) -> None:
    client = await make_client(DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:9/none")
    ready = await client.get("/readyz")
    assert ready.status == 503
    body = await ready.json()
    assert body["status"] == "unavailable" and body["database"].startswith("unavailable")
    assert "nobody" not in str(body)  # the URL stays out of the answer


async def test_web_metrics_count_complaints_opened_and_handled(
    logged_in: TestClient, feedback: FeedbackService
) -> None:
    async def counts() -> tuple[float, float, float]:
        page = await (await logged_in.get("/metrics")).text()
        return (
            metric_value(page, "assistant_complaints_opened_total", category="cham_tre"),
            metric_value(page, "assistant_complaints_handled_total", status="closed"),
            metric_value(page, "assistant_complaints_handled_total", status="answered"),
        )

    opened, closed, answered = await counts()
    code = feedback.submit(complaint("telegram:555"))
    await post_form(logged_in, f"/can-bo/phan-anh/{code}/tra-loi", noi_dung="Đã chuyển Tư pháp.")
    await post_form(logged_in, f"/can-bo/phan-anh/{code}/xong", trang_thai="new")
    assert await counts() == (opened + 1, closed + 1, answered + 1)
    response = await logged_in.get("/metrics")
    assert response.headers["Content-Type"].startswith("text/plain")
