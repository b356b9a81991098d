"""Vietnamese text folding shared by search, entity matching, the Rasa component and tests.

Pure standard library on purpose: the Rasa engine environment imports this module too.
"""

from __future__ import annotations

import re
import unicodedata

# Informal abbreviations people type, mapped to their folded expansion.
ABBREVIATIONS: dict[str, str] = {
    "hs": "ho so",
    "tthc": "thu tuc hanh chinh",
    "pakn": "phan anh kien nghi",
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "cchc": "cai cach hanh chinh",
    "dvc": "dich vu cong",
    "dvctt": "dich vu cong truc tuyen",
    "bcci": "buu chinh cong ich",
    "ko": "khong",
    "k": "khong",
    "kg": "khong",
    "dc": "duoc",
    "ntn": "nhu the nao",
    "bn": "bao nhieu",
    "j": "gi",
    "kq": "ket qua",
    "sdt": "so dien thoai",
    "onl": "online",
    "khg": "khong",
    "hok": "khong",
    "r": "roi",
    "bgio": "bao gio",
    "trc": "truoc",
    "tg": "thoi gian",
    "lm": "lam",
    "mn": "moi nguoi",
    "mik": "minh",
    "ng": "nguoi",
    "bc": "bao cao",
    "cb": "can bo",
    "cbcc": "can bo cong chuc",
    "cbccvc": "can bo cong chuc vien chuc",
    "vb": "van ban",
    "qppl": "quy pham phap luat",
    "gcn": "giay chung nhan",
    "cntt": "cong nghe thong tin",
    "tp": "thanh pho",
    "vp": "van phong",
    "cq": "co quan",
    "tt": "trung tam",
    "ktxh": "kinh te xa hoi",
    "kh": "ke hoach",
    "nsnn": "ngan sach nha nuoc",
    "qh": "quy hoach",
    "sd": "su dung",
    "hn": "ha noi",
    "hy": "hung yen",
    "tphcm": "thanh pho ho chi minh",
    "hcm": "ho chi minh",
}

_WORD = re.compile(r"\w+", re.UNICODE)
_SPACES = re.compile(r"\s+")


def normalize_vi(text: str) -> str:
    """NFC-normalise and collapse white space, keeping case and diacritics."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold_vi(text: str) -> str:
    """Fold Vietnamese text for matching: NFC, lower case, đ→d, diacritics removed."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", unicodedata.normalize("NFC", stripped)).strip()


def tokens(text: str) -> list[str]:
    """Folded word tokens of ``text``."""
    return _WORD.findall(fold_vi(text))


def expand_abbreviations(text: str) -> str:
    """Folded text with informal abbreviations spelled out (``hs`` → ``ho so``)."""
    return " ".join(ABBREVIATIONS.get(token, token) for token in tokens(text))
