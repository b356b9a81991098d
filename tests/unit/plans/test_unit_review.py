"""Names the unit registry lacks: grouped, offered as "same as X" or "new unit", the answer
stored and used by the next registry load."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.plans.unit_review import main, propose_units, record_decision
from knowledge.plans.units import load_registry, parse_units_yaml

UNITS = {
    "Long Điền A": [
        {"name": "UBND xã Long Điền A", "level": "commune", "aliases": ["UBND xã"]},
        {
            "name": "Công chức Văn phòng - Thống kê",
            "level": "commune",
            "aliases": ["CC VP - TK"],
        },
    ],
    "Lai Châu": [{"name": "Sở Tài chính", "level": "province"}],
}


@pytest.fixture
def units_file(tmp_path: Path) -> Path:
    path = tmp_path / "units.yaml"
    path.write_text(yaml.safe_dump(UNITS, allow_unicode=True), encoding="utf-8")
    return path


def test_spellings_of_one_name_are_grouped_and_offered_as_the_declared_unit() -> None:
    registry = parse_units_yaml(UNITS)
    unresolved = {
        "Long Điền A": ["Công chức Văn phòng Thống kê xã", "Công chức Văn phòng - Thống kê xã"]
    }
    (proposal,) = propose_units(unresolved, registry)
    assert proposal.suggestion == "same_as"
    assert proposal.nearest_name == "Công chức Văn phòng - Thống kê"
    assert set(proposal.names) == set(unresolved["Long Điền A"])


def test_an_unlike_name_is_offered_as_a_new_unit_of_the_localitys_usual_level() -> None:
    registry = parse_units_yaml(UNITS)
    (proposal,) = propose_units({"Long Điền A": ["Bộ phận một cửa"]}, registry)
    assert (proposal.suggestion, proposal.level) == ("new", "commune")
    assert proposal.nearest_name is not None  # shown to the official all the same


def test_names_are_compared_within_their_locality_only() -> None:
    registry = parse_units_yaml(UNITS)
    proposals = propose_units(
        {"Lai Châu": ["CC VP - TK xã"], "Long Điền A": ["Sở Tài chính"]}, registry
    )
    assert [(p.locality, p.suggestion) for p in proposals] == [
        ("Lai Châu", "new"),
        ("Long Điền A", "new"),
    ]


def test_a_list_is_not_grouped_with_one_of_its_names() -> None:
    registry = parse_units_yaml(UNITS)
    names = ["Các sở, ngành", "các sở, ngành liên quan và Ủy ban nhân dân các xã, phường"]
    assert len(propose_units({"Lai Châu": names}, registry)) == 2


def test_answers_are_stored_and_used_by_the_next_registry_load(units_file: Path) -> None:
    decisions = units_file.with_name("unit_decisions.yaml")
    assert load_registry(units_file).resolve("Bộ phận một cửa", "Long Điền A") is None
    record_decision(
        "Long Điền A", ["CC Văn phòng xã"], same_as="Công chức Văn phòng - Thống kê", path=decisions
    )
    record_decision(
        "Long Điền A", ["Bộ phận một cửa", "BP một cửa"], level="commune", path=decisions
    )
    registry = load_registry(units_file)
    same = registry.resolve("CC Văn phòng xã", "Long Điền A")
    assert same is not None and same.name == "Công chức Văn phòng - Thống kê"
    new = registry.resolve("BP một cửa", "Long Điền A")
    assert new is not None and (new.name, new.level) == ("Bộ phận một cửa", "commune")
    assert registry.resolve("Bộ phận một cửa", "Lai Châu") is None


def test_a_new_unit_needs_a_level(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="level"):
        record_decision("Lai Châu", ["Sở Nội vụ"], path=tmp_path / "unit_decisions.yaml")


def test_accept_refuses_a_unit_the_locality_does_not_declare(capsys) -> None:
    code = main(["accept", "Lai Châu", "Sở Nội vụ tỉnh", "--same-as", "Sở Không Có"])
    assert code == 2
    assert "no declared unit" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
        ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
        ("Sở VH-TT&DL", "Sở Văn hóa, Thể thao và Du lịch"),
    ],
)
def test_an_abbreviated_name_is_grouped_with_the_name_it_abbreviates(short, long) -> None:
    (proposal,) = propose_units({"Đồng Tháp": [long, short, long]}, parse_units_yaml({}))
    assert proposal.names == (long, short)


def test_initials_of_other_words_are_not_an_abbreviation() -> None:
    proposals = propose_units(
        {"Đồng Tháp": ["Sở KH&ĐT", "Sở Khoa học và Công nghệ"]}, parse_units_yaml({})
    )
    assert len(proposals) == 2
