"""Phrase helpers shared by the narrative parsers: unit lists, partners, subjects, duty roles,
sentences."""

from __future__ import annotations

import pytest

from knowledge.plans.ingest.phrases import (
    duty_role,
    leading_unit,
    partner_units,
    split_sentences,
    split_units,
)
from knowledge.plans.units import split_units as split_with_registry


@pytest.mark.parametrize(
    ("phrase", "units"),
    [
        ("Các sở, ban, ngành và UBND cấp huyện", ("Các sở, ban, ngành", "UBND cấp huyện")),
        (
            "Phòng Nội vụ và các phòng, ban chuyên môn liên quan",
            ("Phòng Nội vụ", "các phòng, ban chuyên môn liên quan"),
        ),
        ("Văn phòng HĐND và UBND thành phố", ("Văn phòng HĐND và UBND thành phố",)),
        ("Phòng Văn hóa và Thông tin thành phố", ("Phòng Văn hóa và Thông tin thành phố",)),
        (
            "Công chức VP – TK ; các ngành liên quan, Ban điều hành CCHC cấp xã.",
            ("Công chức VP – TK", "các ngành liên quan, Ban điều hành CCHC cấp xã"),
        ),
        ("Công chức VP -TK, các ngành liên quan,", ("Công chức VP -TK, các ngành liên quan",)),
        ("", ()),
    ],
)
def test_split_units_only_where_unambiguous(phrase: str, units: tuple[str, ...]) -> None:
    assert split_units(phrase) == units


@pytest.mark.parametrize(
    ("text", "partners"),
    [
        (
            "Chủ trì, phối hợp với các cơ quan chuyên môn có liên quan đề tham mưu, đề xuất",
            ("các cơ quan chuyên môn có liên quan",),
        ),
        (
            "Chủ trì, phối hợp với các cơ quan chuyên môn, đơn vị có liên quan tham mưu và chịu",
            ("các cơ quan chuyên môn, đơn vị có liên quan",),
        ),
        (
            "Văn phòng UBND tỉnh chủ trì, phối hợp với các sở, ban, ngành, UBND cấp huyện cập "
            "nhật, bổ sung các chuyên mục",
            ("các sở, ban, ngành, UBND cấp huyện",),
        ),
        # No predicate after the partner: nothing rather than a guess at where the name ends.
        ("Tăng cường sự phối hợp của các cơ quan, đơn vị, địa phương", ()),
    ],
)
def test_partner_units_end_at_the_predicate(text: str, partners: tuple[str, ...]) -> None:
    assert partner_units(text) == partners


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Chủ trì, phối hợp với các cơ quan có liên quan thực hiện nhiệm vụ", "lead"),
        ("Chủ động phối hợp với Phòng Văn hóa và Thông tin thành phố", "support"),
        ("Phối hợp với các cơ quan chuyên môn khác tham mưu; phối hợp Phòng Tư pháp", "support"),
        ("Tăng cường sự lãnh đạo, chỉ đạo ...; sự phối hợp của các cơ quan", "carry_out"),
    ],
)
def test_duty_role_reads_the_opening_verb_of_clauses(text: str, role: str) -> None:
    assert duty_role(text) == role


def test_leading_unit_reads_the_subject_or_nothing() -> None:
    verbs = ("tham mưu", "thường xuyên")
    assert leading_unit("Giao CC VP - TK thường xuyên theo dõi, hướng dẫn", verbs) == "CC VP - TK"
    assert (
        leading_unit("Công chức Văn Phòng – Thống kê tham mưu điều chỉnh bổ sung", verbs)
        == "Công chức Văn Phòng – Thống kê"
    )
    assert leading_unit("Tham mưu UBND thành phố cân đối, bố trí kinh phí", verbs) is None


def test_ellipsis_inside_a_sentence_does_not_end_it() -> None:
    text = (
        "đẩy mạnh đưa các thông tin liên quan đến lĩnh vực môi trường, quy hoạch, kinh tế... lên "
        "Cổng thông tin điện tử tỉnh; Đồng thời, giám sát. Chủ trì, phối hợp với các cơ quan"
    )
    assert split_sentences(text) == [
        "đẩy mạnh đưa các thông tin liên quan đến lĩnh vực môi trường, quy hoạch, kinh tế... lên "
        "Cổng thông tin điện tử tỉnh; Đồng thời, giám sát.",
        "Chủ trì, phối hợp với các cơ quan",
    ]


def test_an_ellipsis_before_a_capital_ends_a_sentence() -> None:
    # Hưng Yên province news item, paragraph on public finance.
    text = "điện thoại, xăng dầu, công tác phí, hội nghị… Tổ chức kiểm tra thường xuyên và định kỳ"
    assert split_sentences(text) == [
        "điện thoại, xăng dầu, công tác phí, hội nghị…",
        "Tổ chức kiểm tra thường xuyên và định kỳ",
    ]


@pytest.mark.parametrize(
    "phrase",
    [
        "Các sở, ban, ngành và UBND cấp huyện",
        "Phòng Nội vụ và các phòng, ban chuyên môn liên quan",
        "Công chức VP – TK ; các ngành liên quan, Ban điều hành CCHC cấp xã.",
        "Văn phòng HĐND-UBND và UBND các phường, xã",
        "- Ủy ban MTTQVN và các đoàn thể chính trị các cấp; - UBND các phường, xã",
    ],
)
def test_the_registry_split_refines_the_phrase_split(phrase: str) -> None:
    # One mechanism in two stages: the parsers keep the unambiguous split, the build splits each
    # piece further with the registry, and gets what splitting the whole phrase gives.
    pieces = [name for piece in split_units(phrase) for name in split_with_registry(piece)]
    assert list(dict.fromkeys(pieces)) == split_with_registry(phrase)
