"""Only Rasa may run actions: the action server refuses calls without the shared token, and the
launcher gives Rasa and the action server one when none is configured."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic

from bot import actions_server
from bot.launcher import ROOT, resolve_settings
from knowledge.shared.settings import SettingError

TOKEN = "rasa-only-token-0123456789"


class Greeting(Action):
    def name(self) -> str:
        return "action_test_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text="Dạ, em chào Anh/chị.")
        return []


CALL = {
    "next_action": "action_test_greet",
    "sender_id": "rest:1",
    "version": "3.6.21",
    "domain": {},
    "tracker": {"sender_id": "rest:1", "slots": {}, "latest_message": {}, "events": []},
}


@pytest.fixture
async def client(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("ACTION_SERVER_TOKEN", TOKEN)
    monkeypatch.setattr(Sanic, "test_mode", True)
    executor = ActionExecutor()
    executor.register_action(Greeting())
    actions_server.register_extensions()
    app = create_app(executor)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    inbox: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await inbox.put({"type": "lifespan.startup"})
    lifespan = asyncio.create_task(app({"type": "lifespan"}, inbox.get, outbox.put))
    assert (await outbox.get())["type"] == "lifespan.startup.complete"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://actions") as http:
        yield http
    await inbox.put({"type": "lifespan.shutdown"})
    await outbox.get()
    await lifespan


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-token-0123456789"}, {"Authorization": TOKEN}],
    ids=["no token", "wrong token", "not a bearer"],
)
async def test_action_call_without_the_token_is_refused(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    refused = await client.post("/webhook", json=CALL, headers=headers)
    assert refused.status_code == 401
    listing = await client.get("/actions", headers=headers)
    assert listing.status_code == 401


async def test_action_call_with_the_token_runs_the_action(client: httpx.AsyncClient) -> None:
    answer = await client.post("/webhook", json=CALL, headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200
    assert answer.json()["responses"][0]["text"] == "Dạ, em chào Anh/chị."


async def test_health_stays_open_without_the_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health")).status_code == 200
    assert (await client.get("/healthz")).status_code == 200


@pytest.mark.parametrize("value", ["", "short"])
def test_action_server_token_missing_or_short_stops_the_start(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("ACTION_SERVER_TOKEN", value)
    monkeypatch.setattr(Sanic, "test_mode", True)
    with pytest.raises(SettingError, match="ACTION_SERVER_TOKEN"):
        actions_server.attach(Sanic("token_test"))


def test_launcher_makes_an_action_server_token_when_unset_and_keeps_a_given_one() -> None:
    first = resolve_settings({}, None)["ACTION_SERVER_TOKEN"]
    second = resolve_settings({}, None)["ACTION_SERVER_TOKEN"]
    assert len(first) >= 32 and first != second  # random, never a fixed default
    given = resolve_settings({"ACTION_SERVER_TOKEN": TOKEN}, None)
    assert given["ACTION_SERVER_TOKEN"] == TOKEN


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "endpoints.scale.yml"])
def test_rasa_sends_the_action_server_token(endpoints: str) -> None:
    config = yaml.safe_load((ROOT / endpoints).read_text(encoding="utf-8"))
    headers = config["action_endpoint"]["headers"]
    assert headers == {"Authorization": "Bearer ${ACTION_SERVER_TOKEN}"}
