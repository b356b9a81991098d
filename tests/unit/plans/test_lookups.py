"""NLU lookup tables generated from the unit registry and the plan manifests."""

from __future__ import annotations

from pathlib import Path

import yaml

from knowledge.plans.lookups import (
    HEADER,
    locality_names,
    lookup_entries,
    unit_names,
    write_lookups,
)
from knowledge.plans.manifest import load_manifests
from knowledge.plans.units import load_registry
from knowledge.shared.text import fold_vi


def test_every_unit_spelling_is_listed_as_written_and_folded() -> None:
    names = unit_names(load_registry())
    for unit in load_registry().units:
        for alias in unit.aliases:
            assert alias in names and fold_vi(alias) in names, alias
    # Hưng Yên city's office, with the PAPI table's typo kept as an alias.
    assert "Văn phòng UBND- UBND thành phố" in names
    assert "van phong hdnd va ubnd thanh pho" in names


def test_localities_are_named_as_people_name_them() -> None:
    names = locality_names(load_manifests())
    for name in ("Hà Nội", "ha noi", "Long Điền A", "long dien a", "Hưng Yên", "hung yen"):
        assert name in names
    for qualified in ("thành phố Hưng Yên", "thanh pho hung yen", "tỉnh Hưng Yên"):
        assert qualified in names
    assert not any("(" in name for name in names)


def test_entries_are_unique_and_a_longer_name_comes_before_its_start() -> None:
    entries = lookup_entries(["Phòng Nội vụ", "Phòng Nội vụ thành phố", "Phòng Nội vụ"])
    assert entries == [
        "phong noi vu thanh pho",
        "Phòng Nội vụ thành phố",
        "phong noi vu",
        "Phòng Nội vụ",
    ]
    names = unit_names(load_registry())
    assert len(names) == len(set(names))
    position = {name: index for index, name in enumerate(names)}
    for name in names:
        for other in names:
            if len(other) > len(name) and other.casefold().startswith(name.casefold()):
                assert position[other] < position[name], (other, name)


def test_written_files_are_rasa_lookup_tables(tmp_path: Path) -> None:
    registry, manifests = load_registry(), load_manifests()
    paths = write_lookups(tmp_path / "lookups", registry, manifests)
    assert [path.name for path in paths] == ["units.yml", "localities.yml"]
    expected = {"unit": unit_names(registry), "locality": locality_names(manifests)}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert text.startswith(HEADER + "\n")
        data = yaml.safe_load(text)
        assert data["version"] == "3.1"
        (table,) = data["nlu"]
        listed = [line.removeprefix("- ") for line in table["examples"].splitlines()]
        assert listed == expected[table["lookup"]]


def test_writing_again_leaves_unchanged_files_untouched(tmp_path: Path) -> None:
    registry, manifests = load_registry(), load_manifests()
    first = {path: path.stat().st_mtime_ns for path in write_lookups(tmp_path, registry, manifests)}
    for path in first:
        path.touch()  # an mtime of its own, to tell a rewrite from none
    touched = {path: path.stat().st_mtime_ns for path in first}
    write_lookups(tmp_path, registry, manifests)
    assert {path: path.stat().st_mtime_ns for path in first} == touched
