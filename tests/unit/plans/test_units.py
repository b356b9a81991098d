"""Unit names: splitting the cells and phrases of the plans, resolving spellings per locality."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.plans.manifest import load_manifests
from knowledge.plans.units import load_registry, parse_units_yaml, resolve, split_units, unit_key

HY_CITY = "Hưng Yên (thành phố)"
HANOI = "Hà Nội"
LONG_DIEN_A = "Long Điền A"


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        # PAPI appendix, TT 1.a: bulleted support cell
        (
            "- Ủy ban MTTQVN và các đoàn thể chính trị các cấp; - UBND các phường, xã; "
            "Trung tâm Văn hóa và truyền thanh thành phố",
            [
                "Ủy ban MTTQVN",
                "các đoàn thể chính trị các cấp",
                "UBND các phường, xã",
                "Trung tâm Văn hóa và truyền thanh thành phố",
            ],
        ),
        # PAPI appendix, TT 5.a: "Quản lý đô thị, Tài chính - KH" lists two phòng by field
        (
            "Phòng Tài nguyên và MT; Quản lý đô thị, Tài chính - KH; "
            "Văn phòng HĐND-UBND và UBND các phường, xã",
            [
                "Phòng Tài nguyên và MT",
                "Quản lý đô thị",
                "Tài chính - KH",
                "Văn phòng HĐND-UBND",
                "UBND các phường, xã",
            ],
        ),
        # PAPI appendix, TT 5.c: a known unit, then a collective with a comma inside
        (
            "Thanh tra thành phố, các cơ quan, đơn vị có thẩm quyền tuyển dụng",
            ["Thanh tra thành phố", "các cơ quan, đơn vị có thẩm quyền tuyển dụng"],
        ),
        # Hà Nội appendix: two bulleted collectives on separate lines
        (
            "- Sở, Ban, Ngành\n- UBND các quận, huyện, thị xã",
            ["Sở, Ban, Ngành", "UBND các quận, huyện, thị xã"],
        ),
        # Hà Nội appendix, I.5: the separator between two units is missing in the source
        ("- Sở Nội vụ Văn phòng UBND Thành phố", ["Sở Nội vụ", "Văn phòng UBND Thành phố"]),
        # Hà Nội appendix, III.6: "Các Sở:" distributes over the items that follow
        (
            "- Các Sở: Kế hoạch và Đầu tư; Xây dựng; Quy hoạch -Kiến trúc; Tài nguyên và Môi "
            "trường; Tài chính; Nội vụ; Lao động, Thương binh và xã hội.\n"
            "- UBND quận, huyện, thị xã",
            [
                "Sở Kế hoạch và Đầu tư",
                "Sở Xây dựng",
                "Sở Quy hoạch -Kiến trúc",
                "Sở Tài nguyên và Môi trường",
                "Sở Tài chính",
                "Sở Nội vụ",
                "Sở Lao động, Thương binh và xã hội",
                "UBND quận, huyện, thị xã",
            ],
        ),
        # Long Điền A: "Cơ quan thực hiện" line, odd spaces and dashes kept as written
        (
            "Công chức VP – TK ; các ngành liên quan, Ban điều hành CCHC cấp xã.",
            ["Công chức VP – TK", "các ngành liên quan", "Ban điều hành CCHC cấp xã"],
        ),
        # Hà Nội, V.3: the heading starts with "Đề nghị"
        (
            "Đề nghị Trường Đào tạo cán bộ Lê Hồng Phong Hà Nội và các Trung tâm bồi dưỡng "
            "chính trị quận, huyện, thị xã",
            [
                "Trường Đào tạo cán bộ Lê Hồng Phong Hà Nội",
                "các Trung tâm bồi dưỡng chính trị quận, huyện, thị xã",
            ],
        ),
    ],
)
def test_split_units_real_cells(raw: str, names: list[str]) -> None:
    assert split_units(raw) == names


@pytest.mark.parametrize(
    "name",
    [
        "Phòng Văn hóa và Thông tin thành phố",  # "và" inside a name
        "Văn phòng HĐND và UBND thành phố",
        "Sở Lao động - Thương binh và Xã hội",
        "Các phòng, ban, đơn vị, các đoàn thể, tổ chức chính trị xã hội các cấp",
        "các cơ quan, đơn vị có liên quan",
    ],
)
def test_split_units_keeps_single_names_whole(name: str) -> None:
    assert split_units(name) == [name]


def test_split_units_keeps_an_unknown_name_whole_rather_than_guessing() -> None:
    assert split_units("Hoàn thành trước tháng 10 hàng năm") == [
        "Hoàn thành trước tháng 10 hàng năm"
    ]


def test_every_declared_spelling_splits_to_itself() -> None:
    registry = load_registry()
    for unit in registry.units:
        for alias in unit.aliases:
            assert split_units(alias) == [alias], (unit.id, alias)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_list_of_distinct_units_splits_back(data: st.DataObject) -> None:
    registry = load_registry()
    locality = data.draw(st.sampled_from(sorted({u.locality for u in registry.units})))
    plain = [u for u in registry.units if u.locality == locality and "," not in u.name]
    units = data.draw(st.lists(st.sampled_from(plain), min_size=2, max_size=4, unique=True))
    separator = data.draw(st.sampled_from(["; ", ", ", "\n- "]))
    assert split_units(separator.join(u.name for u in units)) == [u.name for u in units]


@pytest.mark.parametrize(
    "spelling",
    [
        "Văn phòng HĐND và UBND thành phố",
        "VP HĐND-UBND",
        "Văn phòng HĐND- UBND thành phố",
        "Văn phòng HĐND-UBND thành phố",
        "Văn phòng UBND- UBND thành phố",  # the PAPI table's typo
        "Văn phòng UBNDTP",
        "van phong hdnd ubnd",
    ],
)
def test_spellings_of_the_city_office_resolve_to_one_unit(spelling: str) -> None:
    unit = resolve(spelling, HY_CITY)
    assert unit is not None
    assert unit.name == "Văn phòng HĐND và UBND thành phố"
    assert unit.level == "district"


def test_same_spelling_means_different_units_in_different_localities() -> None:
    city = resolve("Văn phòng UBNDTP", HY_CITY)
    hanoi = resolve("Văn phòng UBNDTP", HANOI)
    assert city is not None and hanoi is not None
    assert city.id != hanoi.id
    assert (city.locality, hanoi.locality) == (HY_CITY, HANOI)
    assert hanoi.level == "province"


def test_a_district_office_named_by_a_commune_plan_is_not_the_city_one() -> None:
    commune = resolve("phòng Nội Vụ", LONG_DIEN_A)
    city = resolve("Phòng Nội vụ", HY_CITY)
    assert commune is not None and city is not None
    assert commune.id != city.id
    assert commune.level == "district"


def test_resolve_unknown_name_or_wrong_locality_gives_none() -> None:
    assert resolve("Sở Ngoại vụ", HANOI) is None
    assert resolve("Công chức VP – TK", HANOI) is None


def test_collective_units_are_flagged() -> None:
    assert resolve("UBND các phường xã", HY_CITY).collective
    assert resolve("Sở, Ban, Ngành", HANOI).collective
    assert not resolve("Sở Nội vụ", HANOI).collective


def test_unit_key_ignores_case_marks_punctuation_and_abbreviations() -> None:
    assert unit_key("VP HĐND- UBND TP") == unit_key("Văn phòng HĐND-UBND thành phố")
    assert unit_key("Công chức VP – TK") == unit_key("cong chuc van phong - tk")


def test_find_tolerates_missing_diacritics_and_typos() -> None:
    registry = load_registry()
    assert [u.name for u in registry.find("so tu phap", HANOI)] == ["Sở Tư pháp"]
    assert [u.name for u in registry.find("Phong Tai chinh Ke hoach", HY_CITY)] == [
        "Phòng Tài chính - Kế hoạch thành phố"
    ]
    assert [u.name for u in registry.find("Sở Thông tin va Truyen thong", HANOI)] == [
        "Sở Thông tin và Truyền thông"
    ]


def test_find_takes_no_other_unit_for_a_misspelt_one() -> None:
    # Units the plans do not hold are not read as a near name: a wrong unit is worse than none.
    registry = load_registry()
    assert registry.find("Sở Ngoại vụ", HANOI) == []
    assert registry.find("Phòng Y tế thành phố", HY_CITY) == []
    assert [u.name for u in registry.find("So Noi vuu", HANOI)] == ["Sở Nội vụ"]  # a typo


def test_find_without_locality_returns_each_locality_meaning() -> None:
    localities = {u.locality for u in load_registry().find("Văn phòng UBNDTP")}
    assert localities == {HY_CITY, HANOI}


def test_units_yaml_localities_are_the_manifests_localities() -> None:
    declared = {u.locality for u in load_registry().units}
    assert declared == {m.locality for m in load_manifests()}


def test_a_spelling_naming_two_units_of_one_locality_is_rejected() -> None:
    data = {
        HY_CITY: [
            {"name": "Phòng Nội vụ thành phố", "level": "district", "aliases": ["PNV"]},
            {"name": "Phòng Ngoại vụ", "level": "district", "aliases": ["PNV"]},
        ]
    }
    with pytest.raises(ValueError, match="PNV"):
        parse_units_yaml(data)


def test_an_unknown_level_is_rejected() -> None:
    with pytest.raises(ValueError, match="level"):
        parse_units_yaml({HANOI: [{"name": "Sở Nội vụ", "level": "city"}]})


def test_aliases_written_as_one_text_are_rejected_not_read_letter_by_letter() -> None:
    with pytest.raises(ValueError, match="aliases"):
        parse_units_yaml({HANOI: [{"name": "Sở Nội vụ", "level": "province", "aliases": "SNV"}]})
