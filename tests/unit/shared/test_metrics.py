"""knowledge.shared.metrics: what is counted from an action call, and the sample Grafana
dashboard asking only for metrics that exist."""

from __future__ import annotations

import json
import re

from prometheus_client import REGISTRY

from knowledge.shared import metrics
from tests.paths import ROOT


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metric_outcome_is_counted_from_the_slot_the_action_set() -> None:
    labels = {"action": "action_metric_test", "outcome": "clarify"}
    before = value("assistant_answers_total", **labels)
    events = [
        {"event": "slot", "name": "answer_reference", "value": "plan:x"},
        {"event": "slot", "name": "answer_outcome", "value": "clarify"},
        {"event": "slot", "name": "answer_outcome", "value": "not-an-outcome"},
        {"event": "bot", "text": "answer_outcome"},
    ]
    metrics.observe_action("action_metric_test", 200, 0.02, events)
    assert value("assistant_answers_total", **labels) == before + 1
    assert value("assistant_answers_total", action="action_metric_test", outcome="answer") == 0
    assert value("assistant_action_calls_total", action="action_metric_test") >= 1


def test_metric_failed_call_counts_an_error_and_no_outcome() -> None:
    before = value("assistant_action_errors_total", action="action_metric_fail", status="500")
    events = [{"event": "slot", "name": "answer_outcome", "value": "answer"}]
    metrics.observe_action("action_metric_fail", 500, 0.1, events)
    assert value("assistant_action_errors_total", action="action_metric_fail", status="500") == (
        before + 1
    )
    assert value("assistant_answers_total", action="action_metric_fail", outcome="answer") == 0


def test_metric_message_is_counted_once_however_many_actions_its_turn_runs() -> None:
    before = value("assistant_messages_total", channel="metric-test")
    for _ in range(3):
        metrics.count_message("metric-test-message-1", "metric-test")
    metrics.count_message("metric-test-message-2", "metric-test")
    metrics.count_message(None, "metric-test")  # no message: nothing to count
    assert value("assistant_messages_total", channel="metric-test") == before + 2


def test_metric_names_in_the_grafana_dashboard_all_exist() -> None:
    dashboard = json.loads((ROOT / "deploy" / "grafana-dashboard.json").read_text())
    asked = {
        re.sub(r"_(total|bucket|count|sum)$", "", name)
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"assistant_\w+", target["expr"])
    }
    defined = {family.name for family in REGISTRY.collect() if family.name.startswith("assistant_")}
    assert asked <= defined
    assert len(asked) >= 6
