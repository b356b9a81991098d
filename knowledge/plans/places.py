"""Places a question names that no plan in the base covers: "Kế hoạch CCHC của tỉnh Bắc Ninh",
"ở Đà Nẵng thì ai chủ trì". Such a question is answered by saying which plans the base holds,
never from another locality's plan.

Found two ways: the provinces and centrally-run cities of Viet Nam by name (with or without
marks, as people type them), and "tỉnh / thành phố / huyện / quận / thị xã / xã / phường" with
a capitalised name after it. Names of localities the base holds, and of units it knows
("phường Lam Sơn" in Hưng Yên city), are not foreign.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from knowledge.plans.manifest import locality_parts
from knowledge.shared.text import fold_vi

PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh",
    "Bến Tre", "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cần Thơ",
    "Cao Bằng", "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp",
    "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang",
    "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng",
    "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận",
    "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị",
    "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa",
    "Thừa Thiên Huế", "Tiền Giang", "Hồ Chí Minh", "Sài Gòn", "TPHCM", "HCM", "Trà Vinh",
    "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái", "Nha Trang", "Đà Lạt", "Hạ Long",
    "Biên Hòa", "Thủ Đức", "Buôn Ma Thuột", "Quy Nhơn", "Phan Thiết", "Hội An", "Huế",
)  # fmt: skip
_KINDS = r"(?:[Tt]ỉnh|[Tt]hành phố|TP\.?|Tp\.?|tp\.?|[Hh]uyện|[Qq]uận|[Tt]hị xã|[Xx]ã|[Pp]hường)"
# A kind of place and a capitalised name after it: "huyện Văn Giang", "TP. Vinh".
_NAMED_PLACE = re.compile(
    rf"\b{_KINDS}\s+((?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ-Ỹ][a-zđâăêôơưáàảãạ-ỹ][\w-]*\s?){{1,4}})"
)
# Folded words after which a province's name is a place ("tỉnh bắc ninh", "ở đà nẵng"):
# without one, a lowercase run may be other words ("đánh giá lại" folds to "danh gia lai").
_BEFORE_PLACE = re.compile(
    r"(?:^|\b(?:tinh|thanh pho|tp|o|tai|cua|ve|con|huyen|quan|xa|phuong))\s*$"
)


def _folded_pattern(names: Iterable[str]) -> re.Pattern[str]:
    folded = sorted({fold_vi(n).replace(" - ", " ") for n in names}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, folded)) + r")\b")


_PROVINCE_PATTERN = _folded_pattern(PROVINCES)
_PROVINCE_NAMES = {fold_vi(n).replace(" - ", " "): n for n in PROVINCES}


def foreign_places(
    text: str, known_localities: Collection[str], known_names: Collection[str] = ()
) -> list[str]:
    """Places ``text`` names, as written properly ("Bắc Ninh", "huyện Văn Giang" → "Văn
    Giang"), that are none of ``known_localities`` (manifest localities) and no part of a known
    unit's name (``known_names``, folded)."""
    known = {fold_vi(locality_parts(loc)[0]) for loc in known_localities}
    folded = fold_vi(text).replace(" - ", " ")
    found: list[str] = []
    capitalised = _folded_pattern(_capitalised_runs(text))
    for match in _PROVINCE_PATTERN.finditer(folded):
        name = match.group(0)
        said_as_place = _BEFORE_PLACE.search(folded[: match.start()]) or capitalised.search(name)
        if said_as_place and name not in known and not _inside_known(name, known):
            found.append(_PROVINCE_NAMES[name])
    for match in _NAMED_PLACE.finditer(text):
        name = fold_vi(match.group(1)).strip()
        if (
            name
            and name not in known
            and not _inside_known(name, known)
            and not any(name in unit for unit in known_names)
        ):
            found.append(match.group(1).strip())
    unique: dict[str, str] = {}
    for place in found:
        unique.setdefault(fold_vi(place), place)
    return list(unique.values())


def _capitalised_runs(text: str) -> list[str]:
    """Runs of capitalised words as written ("Bắc Ninh", "Gia Lai"): proper names."""
    word = r"[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ-Ỹ][a-zđâăêôơưáàảãạ-ỹ]+\b"
    runs = re.findall(rf"\b{word}(?:\s+{word})+", text)
    return runs or ["\x00"]


def _inside_known(name: str, known: Collection[str]) -> bool:
    """ "long dien" is part of "long dien a": the same place written shorter."""
    return any(
        name in k.split(" - ") or k.startswith(name + " ") or name.startswith(k + " ")
        for k in known
    )
