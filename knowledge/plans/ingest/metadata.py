"""What a plan document says about itself: number, date, issuer, title, kind, year, locality
and level, read from its first page (or, for a news item, its opening sentence), and who signed
it (signature.py).

The first page may be plain lines or, as DOCX/PDF/HTML readers write it, a header table
("| ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK | CỘNG HÒA ... |", "| Số: 012/CT-UBND | Đắk Lắk, ngày ... |").

Nothing is guessed: a field the text does not state stays None ("Số: /KH-UBND" with the number
left blank gives no number; "ngày tháng năm 2024" gives the year only). Three fields are derived
from what the text states: the locality's ``level`` from its kind ("tỉnh" → province,
"thành phố" of a province → city, "huyện" → district, "xã" → commune); the issuer
"UBND <locality>" when the number's suffix says the UBND issued it ("/KH-UBND") and the page
names the locality but prints no issuer block; the ``year`` a plan is for, from its title
("... năm 2024"), else from its date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from knowledge.plans.ingest.signature import read_signature
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
# The heading that opens a document's own text, folded, and how its title starts.
_DOCUMENT_HEADINGS = {"ke hoach": "Kế hoạch", "chi thi": "Chỉ thị", "chuong trinh": "Chương trình"}
_CODES = {"quyet dinh": "QĐ", "ke hoach": "KH", "chi thi": "CT"}
_NUMBER_CODE = r"\d+[\w.]*\s*/\s*[A-ZĐ]+(?:\s*-\s*[A-ZĐ]+)*"
_NUMBER = re.compile(r"\bSố\s*:\s*(?P<number>" + _NUMBER_CODE + ")")
_BLANK_NUMBER = re.compile(r"\bSố\s*:\s*/\s*[A-ZĐ]+")
_CITED_NUMBER = re.compile(
    r"(?:kèm theo|ban hành)\s+(?:Kế hoạch|Quyết định)\s+số\s+(?P<number>" + _NUMBER_CODE + ")",
    re.IGNORECASE,
)
_PLACE_DATE = re.compile(
    r"(?P<place>[A-ZĐÂ][^,:;\d|]{1,40}?),\s*ngày\s*(?P<d>\d{0,2})\s*tháng\s*(?P<m>\d{0,2})\s*"
    r"năm\s+(?P<y>\d{4})"
)
_NEWS_DATE = re.compile(
    r"^Ngày\s+(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4}),\s*(?P<issuer>.+?)\s+ban hành"
)
# A place: its kind, then capitalised words ("xã Long Điền A"); "xã hội" is society.
_LOCALITY = re.compile(
    r"\b(?P<kind>(?i:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)|TP\.?)\s+(?!Hội\b)"
    r"(?P<name>[A-ZĐÂ][\wÀ-ỹ]*(?:\s+(?:[A-ZĐÂ0-9][\wÀ-ỹ]*)){0,3})"
)
# Words after a place name in an upper-case title, which stay lower case.
_AFTER_PLACE = r"(?=\s+(?:năm|giai|về|của|trên|đến|đối|với|và|trong|theo)\b|[,.;()]|$)"
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
    kind: str | None = None  # "KH", "QĐ", "CT": the code of its number, else of its heading
    locality: str | None = None  # name as written: "Hà Nội", "Long Điền A"
    locality_kind: str | None = None  # "tỉnh", "thành phố", "xã"...
    level: str | None = None  # province / city / district / commune
    signer: str | None = None  # "Chu Ngọc Anh"
    signer_capacity: str | None = None  # "Chủ tịch", "Phó Chủ tịch"


def read_metadata(text: str) -> DocumentMeta:
    """The metadata ``text`` states (see the module docstring)."""
    lines = [normalize_vi(line) for line in text.splitlines()]
    head = [line for line in lines[:_FIRST_PAGE] if line]
    cells = [cell.strip(" -") for line in head for cell in line.strip("|").split("|")]
    cells = [cell for cell in cells if cell]
    number = _number(cells, lines)
    issued, year, place = _date(cells)
    block = _issuer_block(cells)
    title = _title(head)
    news = _NEWS_DATE.match(head[1]) if len(head) > 1 else None
    locality = block or _locality_in(title or "") or _locality_in(place or "")
    if news:
        issued = issued or _day(news["d"], news["m"], news["y"])
        locality = locality or _locality_in(news["issuer"])
    years = re.findall(r"(?<!đến )\bnăm\s+(\d{4})\b(?!\s*[-–])", title or "")
    if years:
        year = int(years[-1])
    elif year is None and issued is not None:
        year = issued.year
    signature = read_signature(text)
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
        issuer=_issuer(head, block, number, locality, news),
        title=title,
        kind=_kind(number, head),
        locality=locality[0] if locality else None,
        locality_kind=locality[1] if locality else None,
        level=level,
        signer=signature.name if signature else None,
        signer_capacity=signature.capacity if signature else None,
    )


def _number(cells: list[str], lines: list[str]) -> str | None:
    for cell in cells:
        if _BLANK_NUMBER.search(cell):
            break  # left blank on the first page; a cited one may still say it
        match = _NUMBER.search(cell)
        if match:
            return re.sub(r"\s+", "", match["number"])
    for line in lines:
        cited = _CITED_NUMBER.search(line)
        if cited:
            return re.sub(r"\s+", "", cited["number"])
    return None


def _date(cells: list[str]) -> tuple[date | None, int | None, str | None]:
    for cell in cells:
        match = _PLACE_DATE.search(cell)
        if match:
            issued = _day(match["d"], match["m"], match["y"]) if match["d"] and match["m"] else None
            return issued, int(match["y"]), match["place"].strip()
    return None, None, None


def _day(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _issuer_block(cells: list[str]) -> tuple[str, str] | None:
    """The locality of an "ỦY BAN NHÂN DÂN / THÀNH PHỐ HÀ NỘI" header block, on two lines or
    in one cell of a header table."""
    for index, cell in enumerate(cells[:12]):
        words = cell.split()
        for start in _ISSUER_HEAD:
            size = len(start.split())
            if fold_vi(" ".join(words[:size])) != start:
                continue
            rest = " ".join(words[size:]).strip(" -")
            if not rest and index + 1 < len(cells):
                rest = cells[index + 1]
            found = _locality_in(_capitalised(rest))
            if found:
                return found
    return None


def _capitalised(text: str) -> str:
    """ "TỈNH ĐẮK LẮK" → "tỉnh Đắk Lắk": an upper-case header in the case of a sentence."""
    text = text.strip(" -")
    if not text.isupper():
        return text
    words = text.split()
    kind = 2 if len(words) > 2 and fold_vi(" ".join(words[:2])) in _KINDS else 1
    return " ".join([w.lower() for w in words[:kind]] + [w.capitalize() for w in words[kind:]])


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
    if news is not None:
        named = _locality_in(news["issuer"])
        if named is not None:
            return f"UBND {named[1]} {named[0]}"
    stated_ubnd = (number or "").endswith("UBND") or any(
        re.search(r"/\s*[A-ZĐ]+\s*-\s*UBND", line) for line in head
    )
    if stated_ubnd and locality is not None:
        return f"UBND {locality[1]} {locality[0]}"
    return None


def _title(head: list[str]) -> str | None:
    """ "Kế hoạch <the lines after a KẾ HOẠCH heading>" (a plan inside a decision included),
    "Chỉ thị <...>", or a first line opening with "Kế hoạch" (a news item's headline)."""
    folded = [fold_vi(line) for line in head]
    index = next((i for i, f in enumerate(folded) if f == "ke hoach"), None)
    if index is None:
        index = next((i for i, f in enumerate(folded) if f in _DOCUMENT_HEADINGS), None)
    if index is not None:
        words: list[str] = []
        for following in head[index + 1 : index + 4]:
            # An upper-case title goes on in upper case; another one in lower case ("Nâng
            # cao chất lượng ... cải cách" / "hành chính trên địa bàn xã Long Điền A.").
            goes_on = (
                following.isupper() if words and words[0].isupper() else following[:1].islower()
            )
            if words and not goes_on:
                break
            if following.startswith(("(", "Căn cứ", "Thực hiện", "I.", "|")):
                break
            words.append(following)
            if following.endswith("."):
                break
        heading = _DOCUMENT_HEADINGS[folded[index]]
        return _as_title(f"{heading} {_sentence_case(' '.join(words))}") if words else None
    first = head[0] if head else ""
    if fold_vi(first).startswith("ke hoach"):
        return _as_title(first)
    return None


def _sentence_case(text: str) -> str:
    """An upper-case title in sentence case, its place names capitalised again."""
    if not text.isupper():
        return text
    place = r"\b(?P<kind>tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+(?!hội\b)"
    place += r"(?P<name>\S+(?:\s+\S+){0,2}?)" + _AFTER_PLACE
    return re.sub(place, lambda m: f"{m['kind']} {m['name'].title()}", text.lower())


def _as_title(text: str) -> str:
    return normalize_vi(text).rstrip(" .")


def _kind(number: str | None, head: list[str]) -> str | None:
    if number and "/" in number:
        return number.split("/", 1)[1].split("-", 1)[0] or None
    for line in head:
        code = _CODES.get(fold_vi(line))
        if code:
            return code
    return None
