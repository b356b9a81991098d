"""Every fact read by hand into tests/gold/*.yaml must come out of the built knowledge base.

A task fact holds when the top search hit for its query within its document has each expected
lead and support unit (compared through the unit resolver) and the due time as written; a
target when the top target hit for its query carries the figure; a deadline when the top
deadline hit falls on the date or states the rule. At least 97% must hold; misses are printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
import yaml

from knowledge.plans.search import Catalog, TaskFilter, UnitRef
from knowledge.plans.units import split_units
from knowledge.shared.text import fold_vi
from tests.paths import GOLD

REQUIRED_SHARE = 0.97


@dataclass(frozen=True)
class Fact:
    document: str
    kind: str  # task / target / deadline
    spec: dict

    def __str__(self) -> str:
        return f"{self.document} {self.kind}: {self.spec['query']!r}"


def gold_facts() -> Iterator[Fact]:
    for path in sorted(GOLD.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for kind, key in (("task", "tasks"), ("target", "targets"), ("deadline", "deadlines")):
            for spec in data.get(key) or ():
                yield Fact(data["document"], kind, spec)


def _same(a: str, b: str) -> bool:
    return re.sub(r"\W+", "", fold_vi(a)) == re.sub(r"\W+", "", fold_vi(b))


def _contains(text: str, part: str) -> bool:
    return re.sub(r"\W+", "", fold_vi(part)) in re.sub(r"\W+", "", fold_vi(text))


def _has_units(kb: Catalog, names: list[str], locality: str, found: tuple[UnitRef, ...]) -> bool:
    """Each name (possibly a list such as "A và B") means units all present in ``found``."""
    found_ids = {unit.id for unit in found}
    for name in names:
        for part in split_units(name, kb.registry):
            unit = kb.registry.resolve(part, locality)
            if unit is None or unit.id not in found_ids:
                return False
    return True


def check(kb: Catalog, fact: Fact) -> str | None:
    """Why ``fact`` does not hold, or None when it does."""
    spec, slug = fact.spec, fact.document
    locality = kb.documents[slug].locality
    if fact.kind == "task":
        hits = kb.search_tasks(spec["query"], TaskFilter(document=slug), limit=1)
        if not hits:
            return "no task found"
        task = hits[0][0]
        if not _has_units(kb, spec.get("lead") or [], locality, task.lead):
            found = [u.name for u in task.lead]
            return f"lead {spec.get('lead')} not in {found} ({task.text[:60]!r})"
        if not _has_units(kb, spec.get("support") or [], locality, task.support):
            return f"support {spec.get('support')} not in {[u.name for u in task.support]}"
        if "due" in spec and not _same(spec["due"], task.due_text):
            return f"due {spec['due']!r} != {task.due_text!r}"
        return None
    if fact.kind == "target":
        hits = kb.search_targets(spec["query"], document=slug, limit=1)
        if not hits or not _contains(hits[0][0].text, str(spec["figure"])):
            return f"figure {spec['figure']!r} not in {hits[0][0].text if hits else None!r}"
        return None
    hits = kb.search_deadlines(spec["query"], document=slug, limit=1)
    if not hits:
        return "no deadline found"
    deadline = hits[0][0]
    if "date" in spec:
        expected: date = spec["date"]
        return None if deadline.due_date == expected else f"{deadline.due_date} != {expected}"
    if deadline.rule_day is None or not _contains(deadline.rule_description, spec["rule"]):
        return f"rule {spec['rule']!r} != {deadline.rule_description!r}"
    return None


def test_gold_covers_every_document(kb: Catalog) -> None:
    documents = {fact.document for fact in gold_facts()}
    assert documents == set(kb.documents)


def test_gold_facts_are_reproduced(kb: Catalog) -> None:
    facts = list(gold_facts())
    misses = [(fact, reason) for fact in facts if (reason := check(kb, fact)) is not None]
    for fact, reason in misses:
        print(f"MISS {fact}: {reason}")
    share = 1 - len(misses) / len(facts)
    print(f"gold: {len(facts) - len(misses)}/{len(facts)} facts reproduced ({share:.1%})")
    assert share >= REQUIRED_SHARE


@pytest.mark.parametrize("kind", ["task", "target", "deadline"])
def test_gold_has_facts_of_each_kind(kind: str) -> None:
    assert any(fact.kind == kind for fact in gold_facts())
