"""Prometheus metrics of the assistant, one set per process, exposed at ``/metrics`` by the
action server and the web page (``prometheus-client``).

The counters are defined here once and moved where things happen: the action server counts
messages, answers, errors and latency from the action calls it serves; the feedback service
counts complaints opened and handled (in whichever process handles them); the dossier lookup
counts lookups. Each process exposes what it counted; Prometheus adds them up.

With several Sanic workers (``ACTION_SERVER_SANIC_WORKERS`` > 1) set ``PROMETHEUS_MULTIPROC_DIR``
to an empty directory so that /metrics reports every worker's counts, not one worker's.

Not imported by Rasa's environment (which has no prometheus-client).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

OUTCOME_SLOT = "answer_outcome"  # set by the actions: answer, clarify or abstain
OUTCOMES = ("answer", "clarify", "abstain")

MESSAGES = Counter(
    "assistant_messages",
    "User messages whose turn reached the action server, by channel",
    ["channel"],
)
ANSWERS = Counter(
    "assistant_answers",
    "Answers by action and outcome (answer, clarify, abstain)",
    ["action", "outcome"],
)
ACTION_CALLS = Counter("assistant_action_calls", "Action calls served, by action", ["action"])
ACTION_ERRORS = Counter(
    "assistant_action_errors",
    "Action calls that failed (HTTP status 400 or more), by action and status",
    ["action", "status"],
)
ACTION_SECONDS = Histogram(
    "assistant_action_seconds",
    "Time to run an action call, by action",
    ["action"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
COMPLAINTS_OPENED = Counter(
    "assistant_complaints_opened", "Complaints filed by citizens, by category", ["category"]
)
COMPLAINTS_HANDLED = Counter(
    "assistant_complaints_handled",
    "Officials' handling of complaints: replies and status changes, by the status set",
    ["status"],
)
DOSSIER_LOOKUPS = Counter(
    "assistant_dossier_lookups",
    "Dossier status lookups, by result (found, not_found, unavailable, rate_limited)",
    ["result"],
)
INBOX_ACCEPTED = Counter(
    "assistant_inbox_accepted", "Incoming updates committed to the inbox, by channel", ["channel"]
)
INBOX_DUPLICATES = Counter(
    "assistant_inbox_duplicates",
    "Second deliveries of an update already in the inbox, dropped, by channel",
    ["channel"],
)
INBOX_REPLAYED = Counter(
    "assistant_inbox_replayed",
    "Updates handed out again: left by a restart, retried after a failure, or hung, by channel",
    ["channel"],
)

# Rasa may call several actions for one message: each message is counted once, by its id.
_SEEN_LIMIT = 10_000
_seen_messages: OrderedDict[str, None] = OrderedDict()


def count_message(message_id: str | None, channel: str | None) -> None:
    """Count the user message ``message_id`` once, however many actions its turn runs."""
    if not message_id or message_id in _seen_messages:
        return
    _seen_messages[message_id] = None
    if len(_seen_messages) > _SEEN_LIMIT:
        _seen_messages.popitem(last=False)
    MESSAGES.labels(channel=channel or "unknown").inc()


def observe_action(
    action: str, status: int, seconds: float, events: Iterable[Mapping[str, Any]] = ()
) -> None:
    """Record one served action call: its latency, its failure, and the outcome it set."""
    ACTION_CALLS.labels(action=action).inc()
    ACTION_SECONDS.labels(action=action).observe(seconds)
    if status >= 400:
        ACTION_ERRORS.labels(action=action, status=str(status)).inc()
        return
    for event in events:
        if event.get("event") == "slot" and event.get("name") == OUTCOME_SLOT:
            outcome = event.get("value")
            if outcome in OUTCOMES:
                ANSWERS.labels(action=action, outcome=outcome).inc()


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, and its content type."""
    # prometheus-client's own variable, which the library reads from the environment itself.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
