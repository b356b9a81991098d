"""The action server's /healthz, /readyz and /metrics, on rasa-sdk's own app with our
extensions attached: the counters move when an action answers, abstains or fails."""

from __future__ import annotations

import asyncio
import json
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.endpoint import create_app
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic
from sqlalchemy import Engine

from actions.services import ActionAnswerFaq
from bot import actions_server
from knowledge import migrations
from knowledge.faq import FaqIndex
from tests.metrics_reading import metric_value

ACTION_TOKEN = "test-action-token-0123456789"


class Abstaining(Action):
    def name(self) -> str:
        return "action_test_abstain"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text="Dạ, em chưa tìm thấy.")
        return [SlotSet("answer_outcome", "abstain"), SlotSet("answer_reference", "")]


class Failing(Action):
    def name(self) -> str:
        return "action_test_fail"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        raise RuntimeError("the database went away")


def action_call(action: str, text: str, intent: str, *, message_id: str) -> dict[str, Any]:
    """What Rasa 3.6 posts to /webhook for a user message typed in Telegram."""
    user = {"event": "user", "text": text, "message_id": message_id, "timestamp": 1.0}
    return {
        "next_action": action,
        "sender_id": "telegram:42",
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": "telegram:42",
            "slots": {},
            "latest_message": {"text": text, "intent": {"name": intent}, "entities": []},
            "events": [{"event": "action", "name": "action_listen"}, user],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
            "latest_input_channel": "telegram",
        },
    }


@pytest.fixture
async def server(
    kb_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    """rasa-sdk's app as its factory builds it, started (ASGI lifespan), behind a client."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ACTION_SERVER_TOKEN", ACTION_TOKEN)
    monkeypatch.setattr(Sanic, "test_mode", True)  # several apps named rasa_sdk in one process
    executor = ActionExecutor()
    executor.register_action(ActionAnswerFaq(FaqIndex.load(), kb_engine, {}))
    executor.register_action(Abstaining())
    executor.register_action(Failing())
    actions_server.register_extensions()
    app = create_app(executor)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)  # as create_app_for_serve does
    inbox: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await inbox.put({"type": "lifespan.startup"})
    lifespan = asyncio.create_task(app({"type": "lifespan"}, inbox.get, outbox.put))
    assert (await outbox.get())["type"] == "lifespan.startup.complete"
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {ACTION_TOKEN}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://actions", headers=headers
    ) as client:
        yield client
    await inbox.put({"type": "lifespan.shutdown"})
    await outbox.get()
    await lifespan


async def metrics_page(client: httpx.AsyncClient) -> str:
    response = await client.get("/metrics")
    assert response.status_code == 200
    return response.text


async def test_action_server_metrics_count_answers_abstentions_errors_and_messages(
    server: httpx.AsyncClient,
) -> None:
    before = await metrics_page(server)

    answered = await server.post(
        "/webhook",
        json=action_call(
            "action_answer_faq", "dvc toan trinh la gi", "ask_online_service", message_id="m1"
        ),
    )
    assert answered.status_code == 200
    abstained = await server.post(
        "/webhook", json=action_call("action_test_abstain", "xyz", "nlu_fallback", message_id="m2")
    )
    assert abstained.status_code == 200
    # A second action in the turn of message m2: still one message.
    failed = await server.post(
        "/webhook", json=action_call("action_test_fail", "xyz", "nlu_fallback", message_id="m2")
    )
    assert failed.status_code == 500

    after = await metrics_page(server)

    def moved(name: str, **labels: str) -> float:
        return metric_value(after, name, **labels) - metric_value(before, name, **labels)

    assert moved("assistant_answers_total", action="action_answer_faq", outcome="answer") == 1
    assert moved("assistant_answers_total", action="action_test_abstain", outcome="abstain") == 1
    assert moved("assistant_answers_total", action="action_answer_faq", outcome="abstain") == 0
    assert moved("assistant_action_errors_total", action="action_test_fail", status="500") == 1
    assert moved("assistant_action_errors_total", action="action_answer_faq", status="500") == 0
    assert moved("assistant_messages_total", channel="telegram") == 2
    assert moved("assistant_action_seconds_count", action="action_answer_faq") == 1


async def test_action_server_metrics_do_not_take_unknown_action_names_as_labels(
    server: httpx.AsyncClient,
) -> None:
    before = await metrics_page(server)
    call = action_call("action_made_up_by_a_caller", "x", "greet", message_id="m3")
    assert (await server.post("/webhook", json=call)).status_code == 404
    after = await metrics_page(server)
    assert "action_made_up_by_a_caller" not in after
    errors = "assistant_action_errors_total"
    labels = {"action": "unregistered", "status": "404"}
    assert metric_value(after, errors, **labels) - metric_value(before, errors, **labels) == 1


async def test_action_server_healthz_and_readyz_follow_the_database(
    server: httpx.AsyncClient,
) -> None:
    assert (await server.get("/healthz")).json() == {"status": "ok"}
    assert (await server.get("/health")).status_code == 200  # rasa-sdk's own stays
    not_ready = await server.get("/readyz")
    assert not_ready.status_code == 503  # a new database, not migrated yet
    assert not_ready.json()["schema"].startswith("at none")

    migrations.upgrade(actions_server.get_engine())

    ready = await server.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "schema": "ok"}


async def test_action_server_metrics_read_a_compressed_action_call(
    server: httpx.AsyncClient,
) -> None:
    # Rasa compresses its calls when COMPRESS_ACTION_SERVER_REQUEST is set.
    before = await metrics_page(server)
    call = action_call("action_test_abstain", "xyz", "nlu_fallback", message_id="m4")
    body = zlib.compress(json.dumps(call).encode())
    headers = {"Content-Encoding": "deflate", "Content-Type": "application/json"}
    assert (await server.post("/webhook", content=body, headers=headers)).status_code == 200
    after = await metrics_page(server)
    answers = "assistant_answers_total"
    labels = {"action": "action_test_abstain", "outcome": "abstain"}
    assert metric_value(after, answers, **labels) - metric_value(before, answers, **labels) == 1
