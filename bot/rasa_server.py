"""Rasa's own command line with two reliability patches: ``python -m bot.rasa_server run ...``.

Run by the engine environment's Python instead of its ``rasa`` script (bot/launcher.py).

1. Rasa waits up to 300 s for the action server (``DEFAULT_REQUEST_TIMEOUT``, imported by name
   into ``rasa.core.actions.action``); a hung action server would hold the user that long.
   ``ACTION_TIMEOUT_S`` (default 10) replaces it there, for action calls only.
2. When an action fails (action server down, timed out, or answering 500), Rasa logs it and
   says nothing, so the user waits for an answer that never comes. Here the user is told the
   system is busy and the turn ends, so the next message starts afresh (and works once the
   action server is back). ``ActionExecutionRejection`` still reaches Rasa untouched: forms
   reject themselves with it to let another policy predict.

3. Rasa checks every action server reply with ``jsonschema.validate(result, schema)``, which
   validates the large, constant events schema against its meta-schema and builds a new
   validator on every call: profiled under load, about a third of Rasa's CPU time. Here the
   schema is checked once and its validator kept; each reply is still validated in full and an
   invalid one still raises the ``ValidationError`` Rasa expects (with Rasa's hint appended).
4. Rasa's SQLite tracker store (the embedded default) runs on SQLAlchemy 1.4, which opens a new
   SQLite connection for every query session and commits in rollback-journal mode with a full
   sync. Here its connections are pooled and get the knowledge base's pragmas
   (``knowledge.shared.db.sqlite_pragmas``: WAL, ``synchronous=NORMAL``, and foreign keys,
   which Rasa's one table does not have): a committed message still survives the processes
   being killed; only an operating-system crash may lose the last ones.

Each patch checks that Rasa still has what it replaces and stops the start if not, rather
than silently doing nothing after a Rasa upgrade. Phone numbers are masked in the server's logs
(bot/log_masking.py).
"""

from __future__ import annotations

import inspect
import logging
import sqlite3
import sys
from typing import Any

import rasa.core.actions.action as rasa_action
import rasa.core.tracker_store as rasa_tracker_store
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.__main__ import main as rasa_main
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import BotUttered, Event, FollowupAction
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import QueuePool

# Imported here so that a broken import stops the start: Rasa would silently fall back to an
# in-memory tracker store, losing conversations on restart.
import bot.tracker_store  # noqa: F401
from bot.guard import BUSY_NOTE
from bot.log_masking import mask_phones_in_logs
from knowledge.shared.db import sqlite_pragmas
from knowledge.shared.settings import configure

# Not __name__: run with -m, this module is __main__.
logger = logging.getLogger("bot.rasa_server")


# The parameters of the processor method the second patch wraps, as Rasa 3.6 defines it.
RUN_ACTION_PARAMETERS = ["self", "action", "tracker", "output_channel", "nlg", "prediction"]
VALIDATE_RESULT_PARAMETERS = ["self", "result"]
VALIDATION_HINT = (
    ". Failed to validate Action server response from API, make sure your response from the "
    "Action endpoint is valid. For more information about the format visit "
    f"{rasa_action.DOCS_BASE_URL}/custom-actions"
)


class PatchTargetMissing(RuntimeError):
    """Rasa no longer has what a patch replaces: the patch must be revisited."""


class PoliteOnFailure:
    """An action that, instead of failing, tells the user the system is busy and listens.

    Stands in for the action during one ``_run_action`` call; everything but ``run`` is the
    action's own.
    """

    def __init__(self, action: rasa_action.Action) -> None:
        self._action = action

    def __getattr__(self, name: str) -> Any:
        return getattr(self._action, name)

    async def run(self, *args: Any, **kwargs: Any) -> list[Event]:
        try:
            return await self._action.run(*args, **kwargs)
        except rasa_action.ActionExecutionRejection:
            raise
        except Exception:
            logger.exception("Action %r failed; the user is asked to retry", self._action.name())
            # Listening at once: predicting on would only run more actions that fail alike.
            return [BotUttered(BUSY_NOTE), FollowupAction(ACTION_LISTEN_NAME)]


def patch_action_timeout(timeout_s: float) -> None:
    if not hasattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT"):
        raise PatchTargetMissing("rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT is gone")
    rasa_action.DEFAULT_REQUEST_TIMEOUT = timeout_s  # type: ignore[attr-defined]


def patch_failing_actions() -> None:
    original = getattr(MessageProcessor, "_run_action", None)
    if original is None or list(inspect.signature(original).parameters) != RUN_ACTION_PARAMETERS:
        raise PatchTargetMissing("rasa.core.processor.MessageProcessor._run_action changed")

    async def run_action(
        self: MessageProcessor, action: rasa_action.Action, *args: Any, **kwargs: Any
    ) -> bool:
        return await original(self, PoliteOnFailure(action), *args, **kwargs)

    MessageProcessor._run_action = run_action  # type: ignore[method-assign]


def patch_action_result_validation() -> None:
    remote = rasa_action.RemoteAction
    original = getattr(remote, "_validate_action_result", None)
    spec = getattr(remote, "action_response_format_spec", None)
    if original is None or spec is None:
        raise PatchTargetMissing("rasa.core.actions.action.RemoteAction validation is gone")
    if list(inspect.signature(original).parameters) != VALIDATE_RESULT_PARAMETERS:
        raise PatchTargetMissing("RemoteAction._validate_action_result changed")
    schema = spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def validate_action_result(self: rasa_action.RemoteAction, result: dict[str, Any]) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is not None:
            error.message += VALIDATION_HINT
            raise error
        return True

    remote._validate_action_result = validate_action_result  # type: ignore[method-assign]


def tune_sqlite_tracker_store() -> None:
    original = getattr(rasa_tracker_store, "create_engine_kwargs", None)
    if original is None:
        raise PatchTargetMissing("rasa.core.tracker_store.create_engine_kwargs is gone")

    def engine_kwargs(url: Any) -> dict[str, Any]:
        if make_url(url).get_backend_name() != "sqlite":
            return original(url)
        return {"poolclass": QueuePool, "connect_args": {"check_same_thread": False}}

    rasa_tracker_store.create_engine_kwargs = engine_kwargs
    event.listen(Engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
    # Listening on every engine of the process: SQLite connections only.
    if isinstance(dbapi_connection, sqlite3.Connection):
        sqlite_pragmas(dbapi_connection, record)


def main(args: list[str]) -> None:
    # Also gives Rasa's endpoints.yml the variables it names (${RASA_TRACKER_DB}, ...).
    settings = configure()
    # At INFO Rasa still logs a user's text when handling it fails (the REST channel's
    # "rest.message.received.failure"), and a complaint's text may hold a phone number.
    mask_phones_in_logs()
    patch_action_timeout(settings.action_timeout_s)
    patch_failing_actions()
    patch_action_result_validation()
    tune_sqlite_tracker_store()
    # Rasa's CLI parses sys.argv itself.
    sys.argv = ["rasa", *args]
    rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
