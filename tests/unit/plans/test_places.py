"""Places no plan in the base covers, found as people write them."""

from __future__ import annotations

import pytest

from knowledge.plans.places import foreign_places

KNOWN = ["Hà Nội", "Hưng Yên (thành phố)", "Hưng Yên (tỉnh)", "Long Điền A"]


@pytest.mark.parametrize(
    ("text", "places"),
    [
        (
            "Kế hoạch CCHC năm 2024 của tỉnh Bắc Ninh giao ai chủ trì cải cách thể chế?",
            ["Bắc Ninh"],
        ),
        ("ke hoach cchc cua tinh bac ninh ai chu tri", ["Bắc Ninh"]),
        ("thế còn ở Đà Nẵng?", ["Đà Nẵng"]),
        ("the con da nang?", ["Đà Nẵng"]),
        ("quang ninh nam 2021 ai chu tri", ["Quảng Ninh"]),
        ("huyện Văn Giang giao ai", ["Văn Giang"]),
        # Not places: words that fold like a province's name, the places the base holds, and
        # a ward the base knows as part of a unit's name.
        ("Danh gia lai mo hinh trung tam y te", []),
        ("xã Long Điền A ai chủ trì", []),
        ("kh PAPI 2023 tp HY ai chủ trì", []),
        ("tỷ lệ hồ sơ đúng hạn của phường Lam Sơn", []),
    ],
)
def test_foreign_places(text: str, places: list[str]) -> None:
    assert foreign_places(text, KNOWN, ["uy ban nhan dan phuong lam son"]) == places
