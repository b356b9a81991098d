"""/config.js gives the chat widget what it must agree on with the servers: the message limit
the Rasa server enforces, the files the upload takes, and its words."""

from __future__ import annotations

import json

from aiohttp.test_utils import TestClient

from bot.guard import message_limit
from tests.unit.web.web_fakes import ClientFactory

PREFIX = "window.WIDGET_CONFIG = "


async def _config(client: TestClient) -> dict[str, object]:
    response = await client.get("/config.js")
    assert response.status == 200
    assert response.content_type == "application/javascript"
    body = await response.text()
    assert body.startswith(PREFIX) and body.endswith(";")
    config: dict[str, object] = json.loads(body[len(PREFIX) : -1])
    return config


async def test_the_widget_counts_up_to_the_limit_the_rasa_server_enforces(
    make_client: ClientFactory,
) -> None:
    assert (await _config(await make_client()))["maxMessageChars"] == message_limit({}) == 4000
    configured = await make_client(MAX_MESSAGE_CHARS="1500")
    assert (await _config(configured))["maxMessageChars"] == 1500


async def test_the_widget_gets_its_vietnamese_words_and_the_upload_types(
    client: TestClient,
) -> None:
    config = await _config(client)
    texts = config["texts"]
    assert isinstance(texts, dict)
    assert texts["restart"] == "Bắt đầu lại / xóa cuộc trò chuyện"
    assert "{count}" in texts["counter"] and "{limit}" in texts["counter"]
    assert config["uploadTypes"] == ["image/jpeg", "image/png", "image/webp", "application/pdf"]
