"""What a plan document says about itself: number, date, issuer, title, kind, year, locality
and level, read from its first page (or, for a news item, its opening sentence).

Nothing is guessed: a field the text does not state stays None ("Số: /KH-UBND" with the number
left blank gives no number; "ngày tháng năm 2024" gives the year only). Two fields are derived
from what the text states: the locality's ``level`` from its kind ("tỉnh" → province,
"thành phố" of a province → city, "huyện" → district, "xã" → commune), and the issuer
"UBND <locality>" when the number's suffix says the UBND issued it ("/KH-UBND") and the page
names the locality but prints no issuer block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from knowledge.shared.text import fold_vi, normalize_vi

# Centrally governed cities: a province's level although called "thành phố".
_CENTRAL_CITIES = frozenset({"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue"})
_KINDS = {
    "tinh": "tỉnh",
    "thanh pho": "thành phố",
    "tp": "thành phố",
    "huyen": "huyện",
    "quan": "quận",
    "thi xa": "thị xã",
    "xa": "xã",
    "phuong": "phường",
    "thi tran": "thị trấn",
}
_LEVELS = {
    "tỉnh": "province",
    "thành phố": "city",
    "huyện": "district",
    "quận": "district",
    "thị xã": "district",
    "xã": "commune",
    "phường": "commune",
    "thị trấn": "commune",
}
_NUMBER = re.compile(r"\bSố\s*:\s*(?P<number>\d+[\w./]*\s*/\s*[A-ZĐ]+(?:\s*-\s*[A-ZĐ]+)*)")
_BLANK_NUMBER = re.compile(r"\bSố\s*:\s*/\s*[A-ZĐ]+")
_CITED_NUMBER = re.compile(
    r"(?:kèm theo|ban hành)\s+(?:Kế hoạch|Quyết định)\s+số\s+"
    r"(?P<number>\d+[\w.]*\s*/\s*[A-ZĐ]+(?:\s*-\s*[A-ZĐ]+)*)",
    re.IGNORECASE,
)
_PLACE_DATE = re.compile(
    r"(?P<place>[A-ZĐÂ][^,:;\d]{1,40}?),\s*ngày\s*(?P<d>\d{0,2})\s*tháng\s*(?P<m>\d{0,2})\s*"
    r"năm\s+(?P<y>\d{4})"
)
_NEWS_DATE = re.compile(
    r"^Ngày\s+(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4}),\s*(?P<issuer>.+?)\s+ban hành"
)
_LOCALITY = re.compile(
    r"\b(?P<kind>(?i:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)|TP\.?)\s+"
    r"(?P<name>[A-ZĐÂ][\wÀ-ỹ]*(?:\s+(?:[A-ZĐÂ0-9][\wÀ-ỹ]*))*)"
)
_ISSUER_HEAD = ("uy ban nhan dan", "ubnd")
# How many lines of the first page hold its header, number, date and title.
_FIRST_PAGE = 80


@dataclass(frozen=True)
class DocumentMeta:
    number: str | None = None
    issued: date | None = None
    year: int | None = None
    issuer: str | None = None
    title: str | None = None
    kind: str | None = None  # "KH" or "QĐ"
    locality: str | None = None  # name as written: "Hà Nội", "Long Điền A"
    locality_kind: str | None = None  # "tỉnh", "thành phố", "xã"...
    level: str | None = None  # province / city / district / commune


def read_metadata(text: str) -> DocumentMeta:
    """The metadata ``text`` states (see the module docstring)."""
    lines = [normalize_vi(line) for line in text.splitlines()]
    head = [line for line in lines[:_FIRST_PAGE] if line]
    number = _number(head, lines)
    issued, year, place = _date(head)
    issuer_locality = _issuer_block(head)
    title = _title(head)
    kind = _kind(number, head)
    locality = issuer_locality or _locality_in(title or "") or _locality_in(place or "")
    news = _NEWS_DATE.match(head[1]) if len(head) > 1 else None
    if news:
        issued = issued or _day(news["d"], news["m"], news["y"])
        locality = locality or _locality_in(news["issuer"])
    # The plan's year is the one its title names ("... năm 2021", issued in December 2020),
    # else the year of its date.
    years = re.findall(r"\bnăm\s+(\d{4})\b", title or "")
    if years:
        year = int(years[-1])
    elif year is None and issued is not None:
        year = issued.year
    issuer = _issuer(head, issuer_locality, number, locality, news)
    level = None
    if locality is not None:
        name, locality_kind = locality
        level = _LEVELS.get(locality_kind)
        if locality_kind == "thành phố" and fold_vi(name) in _CENTRAL_CITIES:
            level = "province"
    return DocumentMeta(
        number=number,
        issued=issued,
        year=year,
        issuer=issuer,
        title=title,
        kind=kind,
        locality=locality[0] if locality else None,
        locality_kind=locality[1] if locality else None,
        level=level,
    )


def _number(head: list[str], lines: list[str]) -> str | None:
    for line in head:
        if _BLANK_NUMBER.search(line):
            break  # the number is left blank on the first page; a cited one may still say it
        match = _NUMBER.search(line)
        if match:
            return re.sub(r"\s+", "", match["number"])
    for line in lines:
        cited = _CITED_NUMBER.search(line)
        if cited:
            return re.sub(r"\s+", "", cited["number"])
    return None


def _date(head: list[str]) -> tuple[date | None, int | None, str | None]:
    for line in head:
        match = _PLACE_DATE.search(line)
        if match:
            year = int(match["y"])
            issued = _day(match["d"], match["m"], match["y"]) if match["d"] and match["m"] else None
            return issued, year, match["place"].strip()
    return None, None, None


def _day(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _issuer_block(head: list[str]) -> tuple[str, str] | None:
    """The locality of an "ỦY BAN NHÂN DÂN / THÀNH PHỐ HÀ NỘI" header block."""
    for index, line in enumerate(head[:-1]):
        if fold_vi(line) in _ISSUER_HEAD:
            return _locality_in(
                head[index + 1].title() if head[index + 1].isupper() else head[index + 1]
            )
    return None


def _locality_in(text: str) -> tuple[str, str] | None:
    match = _LOCALITY.search(text)
    if match is None:
        return None
    kind = _KINDS[fold_vi(match["kind"]).rstrip(".")]
    name = re.sub(r"\s+(?:Năm|Giai|Về|Của|Trên)\b.*$", "", match["name"])
    return name, kind


def _issuer(
    head: list[str],
    block: tuple[str, str] | None,
    number: str | None,
    locality: tuple[str, str] | None,
    news: re.Match[str] | None,
) -> str | None:
    if block is not None:
        return f"UBND {block[1]} {block[0]}"
    if news is not None and _locality_in(news["issuer"]):
        name, kind = _locality_in(news["issuer"]) or ("", "")
        return f"UBND {kind} {name}"
    stated_ubnd = (number or "").endswith("UBND") or any(
        re.search(r"/\s*KH\s*-\s*UBND", line) for line in head
    )
    if stated_ubnd and locality is not None:
        return f"UBND {locality[1]} {locality[0]}"
    return None


def _title(head: list[str]) -> str | None:
    """ "Kế hoạch <the lines after a KẾ HOẠCH heading>", or a first line opening with "Kế
    hoạch" (a news item's headline). A decision's own title is skipped for its plan's."""
    for index, line in enumerate(head):
        if fold_vi(line) == "ke hoach":
            words: list[str] = []
            for following in head[index + 1 : index + 4]:
                if following.startswith(("(", "Căn cứ", "Thực hiện", "I.")) or following.endswith(
                    ":"
                ):
                    break
                words.append(following)
                if following.endswith("."):
                    break
            return _as_title("Kế hoạch " + _sentence_case(" ".join(words))) if words else None
    first = head[0] if head else ""
    if fold_vi(first).startswith("ke hoach"):
        return _as_title(first)
    return None


def _sentence_case(text: str) -> str:
    """An upper-case title in sentence case, its place names capitalised again."""
    if not text.isupper():
        return text
    lowered = text.lower()
    place = r"\b(?P<kind>tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+(?P<name>.+?)"
    stop = r"(?=\s+(?:năm|giai đoạn|về|của|trên|đến)\b|[,.;(]|$)"
    return re.sub(place + stop, lambda m: f"{m['kind']} {m['name'].title()}", lowered)


def _as_title(text: str) -> str:
    return normalize_vi(text).rstrip(" .")


def _kind(number: str | None, head: list[str]) -> str | None:
    if number:
        suffix = number.split("/", 1)[-1]
        if suffix.startswith("KH"):
            return "KH"
        if suffix.startswith("QĐ"):
            return "QĐ"
    for line in head:
        folded = fold_vi(line)
        if folded == "quyet dinh":
            return "QĐ"
        if folded == "ke hoach":
            return "KH"
    return None
