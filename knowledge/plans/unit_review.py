"""The unit registry grows without hand-editing ``units.yaml``.

A build keeps the unit names a document uses that the registry cannot resolve ("unlisted").
:func:`propose_units` groups them by similarity within their locality and offers each group as
"same as <a declared unit>" (another spelling of it) or as a new unit; an official's answer is
stored in ``unit_decisions.yaml`` beside ``units.yaml`` (:func:`record_decision`), and the next
build reads it through :func:`knowledge.plans.units.load_registry`.

Run ``python -m knowledge.plans.unit_review pending`` to see the proposals, and
``python -m knowledge.plans.unit_review accept "<locality>" "<name>" --same-as "<unit>"`` or
``... accept "<locality>" "<name>" --new --level commune`` to answer one.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from knowledge.plans.units import (
    DECISIONS_YAML,
    LEVELS,
    CanonicalUnit,
    UnitRegistry,
    load_registry,
    unit_key,
)
from knowledge.shared.text import fold_vi

# Two unresolved names this alike (token sort ratio of their folded, expanded spellings) are
# one unit written two ways ("CC VP-TK", "CC VP - TK"); "Các sở, ngành" and "các sở, ngành
# liên quan và UBND các xã" stay apart.
GROUP_SCORE = 90.0
# A declared unit this alike is offered as "same as"; below it, "new unit".
SAME_AS_SCORE = 85.0


@dataclass(frozen=True)
class UnitProposal:
    """One group of unresolved names of a locality and what to do with it."""

    locality: str
    names: tuple[str, ...]  # as written in the documents, most frequent first
    suggestion: str  # "same_as" or "new"
    nearest_id: str | None  # the most similar declared unit, whatever the suggestion
    nearest_name: str | None
    score: float  # similarity to it, 0-100
    level: str | None  # for a new unit: the level most units of the locality have


def propose_units(
    unresolved: Mapping[str, Iterable[str]], registry: UnitRegistry
) -> list[UnitProposal]:
    """Proposals for the names each locality's documents use that ``registry`` lacks, sorted
    by locality then name. Pure: nothing is read or written."""
    proposals = []
    for locality in sorted(unresolved):
        counts = Counter(name for name in unresolved[locality] if unit_key(name))
        declared = [unit for unit in registry.units if unit.locality == locality]
        for group in _groups(counts):
            proposals.append(_proposal(locality, group, declared))
    return proposals


def _groups(counts: Counter[str]) -> list[tuple[str, ...]]:
    """Names grouped by similarity, each group's most frequent name first."""
    groups: list[list[str]] = []
    for name, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        for group in groups:
            if _alike(name, group[0]) >= GROUP_SCORE:
                group.append(name)
                break
        else:
            groups.append([name])
    return [tuple(group) for group in groups]


def _proposal(
    locality: str, names: tuple[str, ...], declared: Sequence[CanonicalUnit]
) -> UnitProposal:
    best: tuple[float, CanonicalUnit | None] = (0.0, None)
    for name in names:
        for unit in declared:
            score = max(_alike(name, alias) for alias in unit.aliases)
            if score > best[0]:
                best = (score, unit)
    score, nearest = best
    levels = Counter(unit.level for unit in declared)
    return UnitProposal(
        locality=locality,
        names=names,
        suggestion="same_as" if nearest is not None and score >= SAME_AS_SCORE else "new",
        nearest_id=nearest.id if nearest else None,
        nearest_name=nearest.name if nearest else None,
        score=round(score, 1),
        level=levels.most_common(1)[0][0] if levels else None,
    )


def _alike(a: str, b: str) -> float:
    """How alike two unit names are, 0-100: their folded spellings compared word by word, or
    100 when one abbreviates the other ("Sở KH&CN", "Sở Khoa học và Công nghệ")."""
    if _abbreviates(a, b) or _abbreviates(b, a):
        return 100.0
    return float(fuzz.token_sort_ratio(unit_key(a), unit_key(b)))


def _abbreviates(short: str, long: str) -> bool:
    """ "Sở TN&MT" abbreviates "Sở Tài nguyên và Môi trường": the same words up to a last word
    in capitals whose letters are the initials of the other's remaining words ("và" aside)."""
    short_words, long_words = short.split(), long.split()
    if not short_words:
        return False
    last = short_words[-1]
    letters = re.sub(r"[^a-z]", "", fold_vi(last))
    if len(letters) < 2 or last.upper() != last:
        return False
    at = len(short_words) - 1
    if [fold_vi(w) for w in short_words[:at]] != [fold_vi(w) for w in long_words[:at]]:
        return False
    rest = [re.sub(r"[^a-z]", "", fold_vi(w)) for w in long_words[at:]]
    initials = "".join(w[0] for w in rest if w and w != "va")
    return initials == letters


def record_decision(
    locality: str,
    names: Sequence[str],
    *,
    same_as: str | None = None,
    level: str | None = None,
    path: Path = DECISIONS_YAML,
) -> None:
    """Store an official's answer: ``names`` are spellings of the declared unit ``same_as``,
    or (``same_as`` None) a new unit of ``level`` named by the first of them."""
    if not names:
        raise ValueError("no name to decide on")
    if same_as is None and level not in LEVELS:
        raise ValueError(f"a new unit needs a level among {LEVELS}, got {level!r}")
    data = _read(path)
    entries = data.setdefault(locality, [])
    entry: dict[str, object] = {"name": names[0]}
    if len(names) > 1:
        entry["aliases"] = list(names[1:])
    if same_as is not None:
        entry["same_as"] = same_as
    else:
        entry["level"] = level
    entries[:] = [e for e in entries if e.get("name") != names[0]] + [entry]
    header = (
        "# Answers of the unit review (python -m knowledge.plans.unit_review): names the plan\n"
        "# documents use that units.yaml lacks, per locality. `same_as` makes them spellings of\n"
        "# a declared unit; `level` makes them a new unit. Read by every build.\n"
    )
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=True)
    path.write_text(header + text, encoding="utf-8")
    load_registry.cache_clear()


def _read(path: Path) -> dict[str, list[dict[str, object]]]:
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def unresolved_names() -> dict[str, list[str]]:
    """Names the shipped documents use that the registry lacks, per locality (a build's rows,
    without a database)."""
    from knowledge.plans.build import collect
    from knowledge.plans.ingest import PARSERS
    from knowledge.plans.manifest import load_manifests

    rows = collect(load_manifests(), load_registry(), PARSERS)
    names: dict[str, list[str]] = {}
    for unit in rows.units:
        if not unit.listed:
            names.setdefault(unit.locality, []).append(unit.name)
    return names


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge.plans.unit_review")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("pending", help="proposals for the names the registry lacks")
    accept = commands.add_parser("accept", help="store the answer for one name")
    accept.add_argument("locality")
    accept.add_argument("names", nargs="+", help="the name, then other spellings of it")
    choice = accept.add_mutually_exclusive_group(required=True)
    choice.add_argument("--same-as", help="the declared unit these names spell")
    choice.add_argument("--new", action="store_true", help="a new unit")
    accept.add_argument("--level", choices=LEVELS)
    args = parser.parse_args(argv)
    if args.command == "pending":
        proposals = propose_units(unresolved_names(), load_registry())
        for p in proposals:
            names = " | ".join(p.names)
            if p.suggestion == "same_as":
                print(f"[{p.locality}] {names}  ->  same as '{p.nearest_name}' ({p.score:.0f})")
            else:
                near = f"; nearest '{p.nearest_name}' ({p.score:.0f})" if p.nearest_name else ""
                print(f"[{p.locality}] {names}  ->  new unit, level {p.level}{near}")
        print(f"{len(proposals)} group(s) of names the unit registry lacks.")
        return 0
    same_as = args.same_as
    if same_as is not None and load_registry().resolve(same_as, args.locality) is None:
        print(f"no declared unit '{same_as}' in {args.locality}", file=sys.stderr)
        return 2
    try:
        record_decision(args.locality, args.names, same_as=same_as, level=args.level)
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 2
    print(f"saved: {', '.join(args.names)} ({args.locality})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
