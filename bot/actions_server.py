"""The action server: rasa-sdk's own command line with phone numbers masked in its logs, and
health and metrics routes beside rasa-sdk's /webhook.

``python -m bot.actions_server --actions actions --port 5055`` (bot/launcher.py). Sanic serves
from worker processes it spawns afresh, which import this module as ``__mp_main__`` with the
parent's command line: rasa-sdk sets logging up in the parent only, so without the set-up below
a worker would drop every INFO record and print warnings through Python's last-resort handler,
unmasked. (Forking instead is no way out: the forked worker would re-create rasa-sdk's Sanic app
under a name its inherited registry already holds.)

The routes are attached through rasa-sdk's own plugin hook (``attach_sanic_app_extensions``),
which its app factory calls in the parent and in every worker:

- ``/healthz``: the process answers; ``/readyz``: the database answers and is migrated
  (503 otherwise); ``/metrics``: Prometheus metrics (knowledge/shared/metrics.py).
- Every /webhook call is measured: latency and errors by action, the answer outcome the action
  set (slot ``answer_outcome``), and the user message it served, by channel.
- Only Rasa may run actions: /webhook and /actions need ``Authorization: Bearer <token>`` with
  the shared ``ACTION_SERVER_TOKEN`` (endpoints.yml sends it; the launcher makes one when unset),
  else 401. The server does not start without the token.
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import json
import os
import time
import zlib
from typing import Any

import pluggy
from rasa_sdk.__main__ import main_from_args
from rasa_sdk.endpoint import create_argument_parser
from rasa_sdk.plugin import plugin_manager
from rasa_sdk.utils import configure_colored_logging
from sanic import Request, Sanic, response
from sanic.exceptions import SanicException
from sanic.response import BaseHTTPResponse, HTTPResponse

from bot.log_masking import mask_phones_in_logs
from knowledge.shared.db import get_engine
from knowledge.shared.health import is_ready, readiness
from knowledge.shared.metrics import count_message, exposition, observe_action
from knowledge.shared.settings import SettingError, configure, env_token

hookimpl = pluggy.HookimplMarker("rasa_sdk")
WEBHOOK = "/webhook"
# What runs or lists actions; health and metrics stay open (they bind to BIND_HOST).
GUARDED_PATHS = frozenset({WEBHOOK, "/actions"})
TOKEN_VARIABLE = "ACTION_SERVER_TOKEN"


def configure_logging(args: argparse.Namespace) -> None:
    """What rasa-sdk's main does for logging, behind the masking of phone numbers."""
    mask_phones_in_logs()
    configure_colored_logging(args.loglevel)


async def healthz(_request: Request) -> HTTPResponse:
    return response.json({"status": "ok"})


async def readyz(_request: Request) -> HTTPResponse:
    checks = await asyncio.to_thread(readiness, get_engine())
    ready = is_ready(checks)
    return response.json(
        {"status": "ok" if ready else "unavailable", **checks}, 200 if ready else 503
    )


async def metrics(_request: Request) -> HTTPResponse:
    body, content_type = exposition()
    return response.raw(body, content_type=content_type)


async def start_clock(request: Request) -> None:
    if request.path == WEBHOOK:
        request.ctx.started = time.perf_counter()


async def measure(request: Request, answer: BaseHTTPResponse) -> None:
    """Record the action call ``request`` that ``answer`` replied to."""
    started = getattr(request.ctx, "started", None)
    if started is None:
        return
    call = _action_call(request)
    tracker = call.get("tracker") or {}
    channel = tracker.get("latest_input_channel")
    count_message(_message_key(tracker), channel if isinstance(channel, str) else None)
    # An unregistered name is whatever the caller sent: not a label, or labels could grow
    # without bound.
    name = call.get("next_action")
    action = name if isinstance(name, str) and answer.status != 404 else "unregistered"
    events: list[Any] = []
    if answer.status == 200 and answer.body:
        try:
            events = (json.loads(answer.body) or {}).get("events") or []
        except ValueError:
            events = []
    observe_action(action, answer.status, time.perf_counter() - started, events)


def _action_call(request: Request) -> dict[str, Any]:
    """The action call as rasa-sdk read it: Sanic keeps the parsed JSON, so a plain call is
    not parsed twice (it holds the whole domain); a compressed one is read again."""
    try:
        if request.headers.get("Content-Encoding") == "deflate":
            call = json.loads(zlib.decompress(request.body))
        else:
            call = request.json
    except (ValueError, zlib.error, SanicException):
        return {}
    return call if isinstance(call, dict) else {}


def _message_key(tracker: dict[str, Any]) -> str | None:
    """What identifies the user message this turn answers: Rasa's message id, or failing
    that the conversation and the message's time."""
    for event in reversed(tracker.get("events") or []):
        if isinstance(event, dict) and event.get("event") == "user":
            message_id = event.get("message_id")
            sender = tracker.get("sender_id")
            return message_id or f"{sender}@{event.get('timestamp')}"
    return None


def require_token(token: str) -> Any:
    """A request middleware refusing action calls that lack ``Authorization: Bearer <token>``."""
    expected = f"Bearer {token}".encode()

    async def check_token(request: Request) -> HTTPResponse | None:
        if request.path not in GUARDED_PATHS:
            return None
        given = request.headers.get("Authorization", "").encode()
        if hmac.compare_digest(given, expected):
            return None
        return response.json({"error": "unauthorized"}, 401)

    return check_token


def attach(app: Sanic) -> None:
    """Add the token check, the health and metrics routes and the measuring of action calls to
    ``app``. Raises SettingError when ``ACTION_SERVER_TOKEN`` is unset or too short."""
    token = env_token(os.environ, TOKEN_VARIABLE)
    if token is None:
        raise SettingError(f"{TOKEN_VARIABLE} must be set: Rasa sends it with every action call")
    # First, so that a refused call is neither run nor measured.
    app.register_middleware(require_token(token), "request")
    app.add_route(healthz, "/healthz", methods=["GET"])
    app.add_route(readyz, "/readyz", methods=["GET"])
    app.add_route(metrics, "/metrics", methods=["GET"])
    app.register_middleware(start_clock, "request")
    app.register_middleware(measure, "response")


class Extensions:
    """rasa-sdk plugin: its app factory calls this for the app of each process."""

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        attach(app)


_EXTENSIONS = Extensions()


def register_extensions() -> None:
    """Have rasa-sdk's app factory attach our routes (in this process; idempotent)."""
    manager = plugin_manager()
    if not manager.is_registered(_EXTENSIONS):
        manager.register(_EXTENSIONS)


def main() -> None:
    args = create_argument_parser().parse_args()
    configure()  # the workers inherit the environment it prepares
    mask_phones_in_logs()
    register_extensions()
    main_from_args(args)


if __name__ == "__mp_main__":
    configure_logging(create_argument_parser().parse_known_args()[0])
    register_extensions()
elif __name__ == "__main__":
    main()
