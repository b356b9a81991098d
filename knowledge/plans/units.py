"""Canonical units per locality, their many spellings, and splitting of unit lists.

Plans spell one unit many ways ("VP HĐND-UBND", "Văn phòng HĐND- UBND thành phố",
"Văn phòng UBNDTP") and the same spelling can mean different units in different localities,
so every alias is keyed by (locality, folded spelling). ``units.yaml`` is the only place
units are declared; a name a document uses that is missing there is kept as written by the
build (``Unit.listed = False``), never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from knowledge.shared.text import expand_abbreviations, fold_vi, normalize_vi

UNITS_YAML = Path(__file__).resolve().parent / "units.yaml"
# Officials' answers for names units.yaml lacks (see ``unit_review``), read with it.
DECISIONS_YAML = UNITS_YAML.with_name("unit_decisions.yaml")
LEVELS = ("central", "province", "district", "commune")

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Items of a unit cell or phrase are separated by ";" or new lines and often bulleted with "-"
# or "+". " và " separates two items only when a new collective ("các ...") or "UBND ..." name
# follows; "Văn phòng HĐND và UBND", "Phòng Văn hóa và Thông tin" are single names.
_ITEM_SEPARATOR = re.compile(r"[;\n]|(?<!HĐND)\s+và\s+(?=(?:[Cc]ác|UBND)\s)")
_BULLET = re.compile(r"^[-+•*–]\s*")
_EDGE_PUNCTUATION = " .,:;-–"
# Words that introduce a unit in prose ("Đề nghị Ủy ban MTTQ ...", "Giao Phòng Nội vụ ...").
_LEADING_VERB = re.compile(r"^(đề nghị|giao)\s+", re.IGNORECASE)
# "Các Sở: Kế hoạch và Đầu tư; Xây dựng; ..." distributes "Sở" over the following items.
_DISTRIBUTIVE = re.compile(r"^(?:các\s+)?(?P<head>sở|phòng)\s*:\s*(?P<rest>.+)$", re.IGNORECASE)
# Tokens of an item: words, with commas as tokens of their own.
_TOKEN = re.compile(r"[^\s,]+|,")
_CONNECTORS = frozenset({",", "và", "-", "–", "&"})
# A part of an item that matches no known unit costs this many known parts, so a cell is
# split into unknown pieces only where nothing known explains it.
_UNKNOWN_COST = 10


def unit_key(name: str) -> str:
    """Folded spelling used to compare unit names: no case, marks, punctuation or
    abbreviations ("VP HĐND- UBND TP" and "Văn phòng HĐND-UBND thành phố" meet)."""
    return expand_abbreviations(name)


def slug(text: str) -> str:
    """ASCII slug of a Vietnamese name, stable across builds."""
    return _NON_ALNUM.sub("-", fold_vi(text)).strip("-")


def unit_id(locality: str, name: str) -> str:
    return f"{slug(locality)}/{slug(unit_key(name))}"


# fuzz.ratio of a misspelt unit name to its spelling: one or two letters off in a name.
_TYPO_SCORE = 93


@dataclass(frozen=True)
class CanonicalUnit:
    id: str
    locality: str
    name: str
    level: str
    collective: bool = False
    aliases: tuple[str, ...] = ()  # every spelling, the canonical name first


@dataclass(frozen=True)
class UnitRegistry:
    """All declared units, indexed by (locality, key)."""

    units: tuple[CanonicalUnit, ...]
    by_key: Mapping[tuple[str, str], CanonicalUnit] = field(repr=False)
    known_keys: frozenset[str] = field(repr=False)

    @classmethod
    def from_units(cls, units: Iterable[CanonicalUnit]) -> UnitRegistry:
        units = tuple(units)
        by_key: dict[tuple[str, str], CanonicalUnit] = {}
        for unit in units:
            for alias in unit.aliases:
                index = (unit.locality, unit_key(alias))
                other = by_key.setdefault(index, unit)
                if other.id != unit.id:
                    raise ValueError(f"alias {alias!r} names both {other.id} and {unit.id}")
        return cls(units, by_key, frozenset(key for _, key in by_key))

    def resolve(self, name: str, locality: str) -> CanonicalUnit | None:
        """The unit ``name`` means in ``locality``, or None when it is not declared."""
        return self.by_key.get((locality, unit_key(_clean_item(name))))

    def is_known(self, name: str) -> bool:
        """Whether ``name`` spells a declared unit in any locality."""
        return unit_key(name) in self.known_keys

    def find(self, query: str, locality: str | None = None) -> list[CanonicalUnit]:
        """Units a user's ``query`` most likely names, best first; several when the same
        spelling exists in several localities. Typos and missing diacritics are tolerated."""
        key = unit_key(query)
        if not key:
            return []
        candidates = {
            (loc, alias_key): unit
            for (loc, alias_key), unit in self.by_key.items()
            if locality is None or loc == locality
        }
        exact = [unit for (_, alias_key), unit in candidates.items() if alias_key == key]
        if exact:
            return _unique(exact)
        keys = sorted({alias_key for _, alias_key in candidates})
        # A typo, not another unit: "Sở Ngoại vụ" is no "Sở Nội vụ", "Phòng Y tế" no "Phòng
        # Nội vụ" (WRatio's partial matching took them for the same).
        scored = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=_TYPO_SCORE, limit=None)
        if not scored:
            return []
        best = scored[0][1]
        good = {choice for choice, score, _ in scored if score >= best - 2}
        return _unique(unit for (_, alias_key), unit in candidates.items() if alias_key in good)


def _unique(units: Iterable[CanonicalUnit]) -> list[CanonicalUnit]:
    seen: dict[str, CanonicalUnit] = {}
    for unit in units:
        seen.setdefault(unit.id, unit)
    return list(seen.values())


def parse_units_yaml(data: Mapping[str, list[Mapping[str, object]]]) -> UnitRegistry:
    """Registry from the ``units.yaml`` mapping locality → list of units."""
    units = []
    for locality, entries in data.items():
        for entry in entries:
            name = normalize_vi(str(entry["name"]))
            level = str(entry["level"])
            if level not in LEVELS:
                raise ValueError(f"unit {name!r}: level {level!r} not in {LEVELS}")
            listed = entry.get("aliases") or []
            if not isinstance(listed, list):
                raise ValueError(f"unit {name!r}: aliases must be a list, not {listed!r}")
            aliases = [name, *(normalize_vi(str(a)) for a in listed)]
            units.append(
                CanonicalUnit(
                    id=unit_id(locality, name),
                    locality=locality,
                    name=name,
                    level=level,
                    collective=bool(entry.get("collective", False)),
                    aliases=tuple(dict.fromkeys(aliases)),
                )
            )
    return UnitRegistry.from_units(units)


@lru_cache(maxsize=4)
def load_registry(path: Path = UNITS_YAML, decisions: Path | None = None) -> UnitRegistry:
    """The declared units of ``path`` with the decisions stored beside it
    (``unit_decisions.yaml``) applied."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    decisions = decisions or path.with_name(DECISIONS_YAML.name)
    if decisions.exists():
        with decisions.open(encoding="utf-8") as handle:
            data = apply_decisions(data, yaml.safe_load(handle) or {})
    return parse_units_yaml(data)


def apply_decisions(
    data: Mapping[str, list[Mapping[str, object]]],
    decisions: Mapping[str, list[Mapping[str, object]]],
) -> dict[str, list[Mapping[str, object]]]:
    """``units.yaml`` data with the decisions applied: a ``same_as`` decision adds its names as
    spellings of that unit, a ``level`` decision declares a new unit."""
    merged: dict[str, list[Mapping[str, object]]] = {
        locality: [dict(entry) for entry in entries] for locality, entries in data.items()
    }
    for locality, answers in decisions.items():
        entries = merged.setdefault(locality, [])
        for answer in answers:
            names = [str(answer["name"]), *(str(a) for a in _listed(answer.get("aliases")))]
            target = answer.get("same_as")
            if target is None:
                entries.append({"name": names[0], "level": answer["level"], "aliases": names[1:]})
                continue
            key = unit_key(str(target))
            unit = next(
                (
                    entry
                    for entry in entries
                    if key
                    in {unit_key(str(n)) for n in [entry["name"], *_listed(entry.get("aliases"))]}
                ),
                None,
            )
            if unit is None:
                raise ValueError(f"decision for {names[0]!r}: no unit {target!r} in {locality}")
            unit_entry = dict(unit)
            unit_entry["aliases"] = [*_listed(unit.get("aliases")), *names]
            entries[entries.index(unit)] = unit_entry
    return merged


def _listed(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


def resolve(name: str, locality: str) -> CanonicalUnit | None:
    """The declared unit ``name`` means in ``locality`` (see ``UnitRegistry.resolve``)."""
    return load_registry().resolve(name, locality)


def split_units(raw: str, registry: UnitRegistry | None = None) -> list[str]:
    """Unit names listed in one cell or phrase, each as written.

    Items separated by ";", new lines or bullets are split; inside an item, commas and "và"
    separate units only where the parts are known units, so collective names such as
    "UBND các phường, xã", "Sở, Ban, Ngành" or "các cơ quan, đơn vị có liên quan" stay whole,
    while "Sở Nội vụ Văn phòng UBND Thành phố" (a missing separator) is still split in two.
    """
    registry = registry or load_registry()
    names: list[str] = []
    for item in list_items(raw):
        names.extend(_split_item(item, registry))
    return list(dict.fromkeys(names))


def _clean_item(text: str) -> str:
    text = _BULLET.sub("", normalize_vi(text)).strip(_EDGE_PUNCTUATION)
    return _LEADING_VERB.sub("", text).strip(_EDGE_PUNCTUATION)


def list_items(raw: str) -> list[str]:
    """The items of a cell or phrase, as written but cleaned of bullets, split only where the
    split needs no knowledge of the units; a "Các Sở:" head is put back on the items it
    distributes over ("Xây dựng" → "Sở Xây dựng") so each resolves on its own.

    Commas stay: "các sở, ban, ngành" is one collective name, and telling it from a list is
    for :func:`split_units` and its registry.
    """
    items: list[str] = []
    head = ""
    for piece in _ITEM_SEPARATOR.split(raw):
        item = _clean_item(piece)
        if not item:
            continue
        distributive = _DISTRIBUTIVE.match(item)
        if distributive:
            head = distributive.group("head").capitalize()
            item = distributive.group("rest").strip()
        elif _starts_with_unit_word(item):
            head = ""  # a full unit name ends the distributed list
        items.append(f"{head} {item}" if head else item)
    return items


_UNIT_WORDS = (
    "ubnd", "uy ban", "so", "phong", "van phong", "ban", "trung tam", "thanh tra", "cong an",
    "chi cuc", "kho bac", "cac", "vien", "truong", "dai", "bao", "bo phan", "cong chuc", "cc",
)  # fmt: skip


def _starts_with_unit_word(item: str) -> bool:
    folded = fold_vi(item)
    return any(folded == word or folded.startswith(word + " ") for word in _UNIT_WORDS)


def _split_item(item: str, registry: UnitRegistry) -> list[str]:
    """Cheapest partition of ``item`` into known units (cost 1 each) and unknown remainders
    (cost ``_UNKNOWN_COST``, cut only at commas or "và")."""
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(item)]
    count = len(tokens)
    # Each reachable cut: (cost of the best partition up to it, previous cut).
    best: dict[int, tuple[int, int]] = {0: (0, 0)}
    for end in range(1, count + 1):
        for start in range(end):
            if start not in best:
                continue
            cost = _part_cost(item, tokens, start, end, registry)
            if cost is None:
                continue
            total = best[start][0] + cost
            if end not in best or total < best[end][0]:
                best[end] = (total, start)
    if count not in best:
        return [item]
    parts: list[str] = []
    end = count
    while end > 0:
        step = best[end]
        assert step is not None  # every cut on the cheapest path was reached
        start = step[1]
        text = _part_text(item, tokens, start, end)
        if text:
            parts.append(text)
        end = start
    return parts[::-1]


def _part_text(item: str, tokens: list[tuple[str, int, int]], start: int, end: int) -> str:
    words = tokens[start:end]
    while words and words[0][0].lower() in _CONNECTORS:
        words = words[1:]
    while words and words[-1][0].lower() in _CONNECTORS:
        words = words[:-1]
    return item[words[0][1] : words[-1][2]].strip(_EDGE_PUNCTUATION) if words else ""


def _part_cost(
    item: str, tokens: list[tuple[str, int, int]], start: int, end: int, registry: UnitRegistry
) -> int | None:
    text = _part_text(item, tokens, start, end)
    if not text:
        return 0 if all(t[0].lower() in _CONNECTORS for t in tokens[start:end]) else None
    if registry.is_known(text):
        return 1
    at_separator = (start == 0 or tokens[start - 1][0].lower() in {",", "và"}) and (
        end == len(tokens) or tokens[end][0].lower() in {",", "và"}
    )
    return _UNKNOWN_COST if at_separator else None


def declared_localities(path: Path = UNITS_YAML) -> dict[str, int]:
    """The localities ``units.yaml`` declares, with their number of units."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return {str(locality): len(entries or ()) for locality, entries in data.items()}
