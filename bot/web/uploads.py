"""POST /api/upload: a photo or PDF from the web chat (multipart fields ``sender_id``, the
widget's session id, and ``file``). The file is checked and stored like one sent on Telegram,
then handed to Rasa, whose replies come back as ``{"replies": [...]}``; a refused file gets an
HTTP error with ``{"error": "<Vietnamese text>"}``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping

from aiohttp import BodyPartReader, web

from bot.rasa_client import RasaClient, RasaReply, RasaUnavailable
from knowledge.feedback.attachments import Uploads, attachment_limits
from knowledge.shared.db import get_engine
from knowledge.shared.settings import load_settings as load_knowledge_settings
from knowledge.shared.uploads import UploadRejected, mb_text
from knowledge.shared.wording import say

log = logging.getLogger(__name__)

ROUTE = "/api/upload"
UPLOADS = web.AppKey("uploads", Uploads)
RASA = web.AppKey("upload_rasa", RasaClient)
SENDER_ID_MAX = 200
RASA_TIMEOUT_S = 60.0  # reading a receipt may take tesseract a while
CHUNK = 64 * 1024
# HTTP status of each refusal; any other reason is a file of a kind not taken.
STATUS = {"too_big": 413, "rate_limited": 429, "empty": 400}


def setup(app: web.Application, environ: Mapping[str, str]) -> None:
    engine = get_engine(load_knowledge_settings(environ).database_url)
    app[UPLOADS] = Uploads(engine, attachment_limits(environ))
    rasa_url = environ.get("RASA_URL") or f"http://127.0.0.1:{environ.get('RASA_PORT', '5005')}"

    async def rasa_client(app: web.Application) -> AsyncIterator[None]:
        app[RASA] = RasaClient(rasa_url, RASA_TIMEOUT_S)
        yield
        await app[RASA].close()

    app.cleanup_ctx.append(rasa_client)
    app.router.add_post(ROUTE, upload)


async def upload(request: web.Request) -> web.Response:
    uploads = request.app[UPLOADS]
    limit = uploads.limits.upload.max_bytes
    sender, data = "", None
    try:
        if request.content_type.startswith("multipart/"):
            sender, data = await _read_form(request, limit)
    except UploadRejected as rejected:
        return _refused(rejected)
    except ValueError:  # a broken multipart body
        sender, data = "", None
    if not sender or data is None:
        return web.json_response({"error": say("uploads.bad_request")}, status=400)
    try:
        message = await asyncio.to_thread(uploads.receive, data, sender)
    except UploadRejected as rejected:
        return _refused(rejected)
    try:
        replies = await request.app[RASA].send(sender, message)
    except RasaUnavailable as error:
        log.warning("Rasa unavailable for an upload: %s", error)
        return web.json_response({"error": say("uploads.busy")}, status=503)
    return web.json_response({"replies": [_reply_json(reply) for reply in replies]})


async def _read_form(request: web.Request, limit: int) -> tuple[str, bytes | None]:
    """The sender id and the file, each read no further than its limit."""
    sender, data = "", None
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "sender_id":
            sender = (await _read_part(part, SENDER_ID_MAX + 1)).decode("utf-8", "replace")
            sender = "" if len(sender) > SENDER_ID_MAX else sender.strip()
        elif part.name == "file":
            data = await _read_part(part, limit + 1)
            if len(data) > limit:
                raise UploadRejected.of("too_big", limit=mb_text(limit))
    return sender, data


async def _read_part(part: BodyPartReader, most: int) -> bytes:
    """The part's bytes, stopping once ``most`` are read."""
    chunks = bytearray()
    while len(chunks) < most and (chunk := await part.read_chunk(CHUNK)):
        chunks += chunk
    return bytes(chunks[:most])


def _refused(rejected: UploadRejected) -> web.Response:
    return web.json_response({"error": str(rejected)}, status=STATUS.get(rejected.reason, 415))


def _reply_json(reply: RasaReply) -> dict[str, object]:
    return {
        "text": reply.text,
        "buttons": [{"title": b.title, "payload": b.payload} for b in reply.buttons],
    }
