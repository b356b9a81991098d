"""The category of a complaint, guessed from the citizen's own words ("cán bộ hách dịch" →
thái độ; "quá hạn mà chưa có kết quả" → chậm trễ), so that the form asks with buttons only
when the words do not tell.

Phrases are matched on folded text (no diacritics, lower case) at word boundaries; a long phrase
also matches with a typo (rapidfuzz). A guess is made only when one category has more matching
phrases than any other."""

from __future__ import annotations

import re
from functools import cache

from rapidfuzz import fuzz

from knowledge.shared.text import fold_vi

# Folded phrases that point to each category (keys of models.CATEGORIES; "khac" has none).
PHRASES: dict[str, tuple[str, ...]] = {
    "thai_do": (
        "thai do",
        "tac phong",
        "hach dich",
        "cau kinh",
        "gay kho",
        "gay kho khan",
        "gay phien ha",
        "nhung nhieu",
        "vo le",
        "to tieng",
        "quat nat",
        "thieu ton trong",
        "khong tiep",
        "lam ngo",
        "boi duong",
        "doi tien",
        "hoi lo",
    ),
    "cham_tre": (
        "cham tre",
        "tre hen",
        "tre han",
        "qua han",
        "giai quyet cham",
        "xu ly cham",
        "rat cham",
        "qua cham",
        "hen di hen lai",
        "hen lai",
        "chua co ket qua",
        "chua tra ket qua",
        "keo dai",
        "ton dong",
    ),
    "phi_le_phi": (
        "le phi",
        "phi",
        "thu tien",
        "thu them",
        "thu sai",
        "hoa don",
        "bien lai",
        "tien phi",
    ),
    "dich_vu_cong": (
        "dich vu cong",
        "truc tuyen",
        "online",
        "cong dich vu",
        "trang web",
        "website",
        "dang nhap",
        "vneid",
        "ung dung",
        "loi he thong",
        "he thong loi",
        "nop qua mang",
    ),
    "thu_tuc": (
        "thu tuc",
        "giay to",
        "mau don",
        "to khai",
        "quy trinh",
        "rac roi",
        "phuc tap",
        "nop them",
        "bo sung giay",
    ),
}
# Phrases this long or longer also match with a typo.
FUZZY_MIN_CHARS = 9
FUZZY_MIN_SCORE = 90


def infer_category(text: str) -> str | None:
    """The category the words point to, or None when none does or two do equally."""
    folded = fold_vi(text)
    scores = {category: _hits(folded, phrases) for category, phrases in PHRASES.items()}
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    return best if top > second else None


def _hits(folded: str, phrases: tuple[str, ...]) -> int:
    """How many of the phrases the text holds; longest first, and the words a phrase matched
    count for no other ("le phi" is not also "phi")."""
    hits = 0
    for phrase in sorted(phrases, key=len, reverse=True):
        folded, found = _pattern(phrase).subn(" ", folded, count=1)
        if not found and len(phrase) >= FUZZY_MIN_CHARS:
            found = fuzz.partial_ratio(phrase, folded, score_cutoff=FUZZY_MIN_SCORE) > 0
        hits += bool(found)
    return hits


@cache
def _pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(phrase)}\b")
