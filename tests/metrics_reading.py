"""Reading a counter's value out of a /metrics page, as Prometheus would."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def metric_value(page: str, name: str, **labels: str) -> float:
    """The value of sample ``name`` with ``labels`` in ``page``; 0 when it is not there yet
    (a labelled counter appears on its first increment)."""
    for family in text_string_to_metric_families(page):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0
