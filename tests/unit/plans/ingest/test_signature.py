"""Who signed a plan, read from the signature block in the shapes documents print it."""

from __future__ import annotations

import pytest

from knowledge.plans.ingest.signature import Signature, read_signature
from tests.paths import ROOT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Lines, bold, a deputy signing for the chairman.
        (
            "...\n**KT.CHỦ TỊCH\nPHÓ CHỦ TỊCH**\n\nTrương Minh Sơn\n",
            ("Trương Minh Sơn", "Phó Chủ tịch"),
        ),
        # The recipients' list between the capacity and the name.
        (
            "**TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH**\n\nNơi nhận:\n- UBND tỉnh;\n- Lưu: VT.\n\n"
            "Doãn Quốc Hoàn",
            ("Doãn Quốc Hoàn", "Chủ tịch"),
        ),
        # One table cell, as the DOCX/PDF readers write it.
        (
            "| Nơi nhận: - Bộ KH&CN; - Lưu: VT. | TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH "
            "Tống Thanh Hải |",
            ("Tống Thanh Hải", "Phó Chủ tịch"),
        ),
        # "(Đã ký)" between capacity and name.
        ("GIÁM ĐỐC\n(Đã ký)\nNguyễn Văn An", ("Nguyễn Văn An", "Giám đốc")),
    ],
)
def test_signature_shapes(text: str, expected: tuple[str, str]) -> None:
    assert read_signature(text) == Signature(*expected)


@pytest.mark.parametrize(
    "text",
    [
        "Chủ tịch UBND tỉnh yêu cầu các sở triển khai.",  # a capacity inside a sentence
        "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nKẾ HOẠCH\nCải cách hành chính",  # no name follows
        "",
    ],
)
def test_no_signature_without_a_capacity_and_a_name(text: str) -> None:
    assert read_signature(text) is None


def test_the_decision_wrapping_a_plan_gives_its_signer() -> None:
    text = (ROOT / "knowledge/plans/sources/hanoi-cchc-2021.txt").read_text(encoding="utf-8")
    assert read_signature(text) == Signature("Chu Ngọc Anh", "Chủ tịch")
