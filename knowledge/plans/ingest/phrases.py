"""Phrases of the narrative plans: unit lists, "phối hợp với" partners, the unit a sentence
opens with, the role a duty gives, sentences. Shared by ``narrative``, ``duties`` and the
target extractor."""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge.plans.ingest.outline import clean_markup
from knowledge.plans.units import list_items
from knowledge.shared.text import fold_vi

# Words that start the predicate after a unit list ("phối hợp với <units> tham mưu ...").
# "đề" is the source's own typo for "để" ("có liên quan đề tham mưu").
_PREDICATES = (
    "tham mưu",
    "thực hiện",
    "xây dựng",
    "cập nhật",
    "kiểm tra",
    "tham gia",
    "theo dõi",
    "triển khai",
    "đánh giá",
    "rà soát",
    "hướng dẫn",
    "đôn đốc",
    "nghiên cứu",
    "đề xuất",
    "tổng hợp",
    "để",
    "đề",
)
# "phối hợp với X", "phối hợp cùng X", or "Phối hợp X" at the head of a clause.
_PARTNERS = re.compile(
    r"(?:phối hợp (?:với|cùng)|(?:^|(?<=[.;:,]\s))Phối hợp) (?P<units>[^.;]+?)\s+"
    r"(?=(?:" + "|".join(_PREDICATES) + r")\b)"
)
# A clause is the unit of a duty's role: "...; phối hợp Phòng Tư pháp ..." is a support clause.
_CLAUSE = re.compile(r"(?<=[.;:])\s+")
_MAX_SUBJECT_WORDS = 10
# A subject may be a list: "các sở, ngành và Ủy ban nhân dân các xã, phường".
_MAX_LIST_WORDS = 16
# A subject set off by a comma is a short name ("Sở Tài chính, trên cơ sở ...").
_MAX_COMMA_SUBJECT_WORDS = 6
# A sentence ends at ". " (or "! ", "? ", "… ") before a capital letter: "kinh tế... lên Cổng"
# goes on.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+(?=\w)")


def split_units(phrase: str) -> tuple[str, ...]:
    """Unit names of a list as written, split only where the split is unambiguous (see
    :func:`knowledge.plans.units.list_items`); the build splits them further with the registry."""
    return tuple(list_items(clean_markup(phrase)))


def partner_units(text: str) -> tuple[str, ...]:
    """Units named after "phối hợp với", up to the predicate that follows them."""
    units: list[str] = []
    for match in _PARTNERS.finditer(text):
        found = [u for u in split_units(match.group("units")) if looks_like_unit(u)]
        units.extend(unit for unit in found if unit not in units)
    return tuple(units)


def leading_unit(
    sentence: str, predicates: Iterable[str], max_words: int = _MAX_SUBJECT_WORDS
) -> str | None:
    """The unit a sentence opens with, ending where one of ``predicates`` starts.

    "Giao CC VP - TK thường xuyên theo dõi ..." → "CC VP - TK". None when the sentence does
    not open with a short capitalised name (it opens with a verb or names no unit).
    """
    # "các tổ chức thành viên" is a unit, not the verb "tổ chức".
    pattern = (
        r"^(?:Giao\s+)?(?P<unit>.+?)(?<!\bcác)(?<!\bCác)\s+(?:"
        + "|".join(map(re.escape, predicates))
        + r")\b"
    )
    match = re.match(pattern, sentence)
    if match is None:
        return None
    unit = match.group("unit").strip(" ,")
    if not unit[:1].isupper() or len(unit.split()) > max_words:
        return None
    return unit


def duty_role(text: str) -> str:
    """ "lead" when a clause opens with "Chủ trì", "support" with "(Chủ động) phối hợp"."""
    openings = [fold_vi(clause) for clause in _CLAUSE.split(text)]
    if any(opening.startswith("chu tri") for opening in openings):
        return "lead"
    if any(opening.startswith(("phoi hop", "chu dong phoi hop")) for opening in openings):
        return "support"
    return "carry_out"


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph: a break after ".", "!", "?" or "…" only where a capital letter
    follows."""
    sentences: list[str] = []
    start = 0
    for gap in _SENTENCE_BREAK.finditer(text):
        if text[gap.end()].isupper():
            sentences.append(text[start : gap.start()])
            start = gap.end()
    sentences.append(text[start:])
    return sentences


# How the name of a unit (or of the people heading it) starts, folded; a phrase starting
# otherwise ("Kết quả thực hiện", "Cải cách thể chế") names no unit.
_UNIT_HEADS = re.compile(
    r"^(?:cac |toan the |moi )?(?:so|phong|van phong|ubnd|uy ban|ban|trung tam|cong an|giam doc"
    r"|chu tich|pho chu tich|thu truong|cong chuc|can bo|cc|dai|bao|hoi|mat tran|mttq|bo phan"
    r"|doan|lien doan|kho bac|chi cuc|cuc|vien|truong|nguoi dung dau|co quan|don vi|to|thanh tra"
    r"|chi nhanh|bao hiem|ban chi huy|bch|buu dien|dang uy|thuong truc|hoi dong|hdnd|toa an"
    r"|cong ty|tong cong ty|bo|tinh doan|thanh doan|huyen doan|quan doan|cac nganh|nganh"
    r"|phu trach|lanh dao|thanh vien|ca nhan|to chuc chinh tri|cac to chuc|dia phuong"
    r"|cac dia phuong|xa|phuong|thi tran|huyen|thanh pho|tinh)\b"
)


# Openings that share a unit head's first word but are verbs or nouns of an action: "Tổ chức
# thí điểm", "Ban hành Kế hoạch", "Bảo đảm công khai", "Báo cáo".
_NOT_UNITS = re.compile(
    r"^(?:to chuc(?! chinh tri)|ban hanh|bao (?:dam|cao|ve|ton)|so (?:hoa|luong|lieu)"
    r"|bo (?:tri|sung)|truong hop|tinh hinh|dai (?:dien|hoi)|hoi (?:nghi|thao|thi|dong thi dua))\b"
)
# A head alone names no one: "Cơ quan", "đơn vị", "Tổ".
_BARE_HEADS = frozenset({"co quan", "don vi", "to", "ban", "cac co quan", "cac don vi", "bo"})


def looks_like_unit(name: str) -> bool:
    """Whether ``name`` starts like the name of a unit or of its head ("Sở Nội vụ", "Giám đốc
    các Sở", "Công chức VP - TK", "UBND các xã"), not like a sector heading or a verb."""
    folded = fold_vi(clean_markup(name)).lstrip("-+• ").strip(" ,.;:")
    if folded in _BARE_HEADS or _NOT_UNITS.match(folded):
        return False
    return bool(_UNIT_HEADS.match(folded))


# What a unit does right after its name when a sentence gives it a duty.
DUTY_VERBS = (
    "chủ trì",
    "phối hợp",
    "tham mưu",
    "thường xuyên",
    "có trách nhiệm",
    "chịu trách nhiệm",
    "chỉ đạo",
    "hướng dẫn",
    "theo dõi",
    "tổ chức",
    "triển khai",
    "căn cứ",
    "theo chức năng",
    "tăng cường",
    "đẩy mạnh",
    "nghiêm túc",
    "chủ động",
    "thực hiện",
    "được phân công",
    # Verbs no unit name holds ("xây dựng", "kiểm tra" do: "Ban Quản lý dự án đầu tư xây
    # dựng", "Đoàn kiểm tra công vụ").
    "tổng hợp",
    "báo cáo",
    "đôn đốc",
    "rà soát",
)
# "Các cơ quan được phân công chủ trì ...": who the plan made leads, named by that role.
_ASSIGNED_ROLE = re.compile(r"^được phân công(?: chủ trì)?\b")
# What may open a sentence before its subject: "Giao", "Đề nghị", or a clause ("Căn cứ nội
# dung Kế hoạch ..., các sở, ngành ...", "Đối với các nhiệm vụ ..., các sở ...").
_OPENER = re.compile(
    r"^(?:(?:Giao|Đề nghị)\s+"
    r"|(?:Căn cứ|Đối với|Trong quá trình|Trên cơ sở|Ngoài ra|Ngoài việc)\b[^,]{0,160},\s*)"
)
_HEADING_PREFIX = re.compile(r"^(?:Trách nhiệm của|Nhiệm vụ của|Đề nghị|Giao)\s+", re.IGNORECASE)
_LISTED = re.compile(r"\((?P<units>[^()]+)\)$")


def sentence_subject(sentence: str, predicates: Iterable[str]) -> str | None:
    """The unit a sentence gives a task or duty to, as written, or None.

    "Giao Sở Nội vụ chủ trì, ..." → "Sở Nội vụ"; "Căn cứ ..., các sở, ngành và UBND các xã
    chủ động ..." → "các sở, ngành và UBND các xã"; "Sở Tài chính, trên cơ sở đề xuất của ...,
    chủ trì tổng hợp ..." → "Sở Tài chính" (a subject set off by a comma).
    """
    text = clean_markup(sentence).lstrip("-+• ")
    for _ in range(2):
        text = _OPENER.sub("", text, count=1)
    if not text:
        return None
    unit = leading_unit(text[0].upper() + text[1:], predicates, _MAX_LIST_WORDS)
    if (
        unit is not None
        and "," in unit
        and not all(_UNIT_HEADS.match(fold_vi(p)) for p in _pieces(unit))
    ):
        unit = None  # "Sở Tài chính, trên cơ sở đề xuất của ...": not a list of units
    if unit is not None:
        unit = text[: len(unit)]
        role = _ASSIGNED_ROLE.match(text[len(unit) :].lstrip())
        if role and fold_vi(unit) in _BARE_HEADS | {"cac co quan, don vi"}:
            unit = f"{unit} {role.group()}"
    else:
        # "Sở Tài chính, trên cơ sở đề xuất của ..., chủ trì ...": the subject is set off by
        # a comma, unless what follows the comma goes on with a list of units.
        comma = re.match(r"^(?P<unit>[^,]{3,80}),\s*(?P<next>[^,]*)", text)
        folded_rest = fold_vi(text[comma.end("unit") :]) if comma else ""
        if (
            comma
            and len(comma["unit"].split()) <= _MAX_COMMA_SUBJECT_WORDS
            and not looks_like_unit(comma["next"])
            and any(f" {fold_vi(p)} " in f" {folded_rest} " for p in predicates)
        ):
            unit = comma["unit"].strip()
    if unit is None or not looks_like_unit(unit):
        return None
    if len(unit.split()) > (_MAX_LIST_WORDS if "," in unit else _MAX_SUBJECT_WORDS):
        return None
    if re.search(r"\b(?:yêu cầu|đề nghị)\b", unit):
        return None  # "UBND tỉnh yêu cầu các cơ quan ...": the one asking is not the one bound
    return unit


def _pieces(names: str) -> list[str]:
    """The names of a list as written: "các sở, ngành và UBND các xã, phường" → "các sở",
    "ngành", "UBND các xã", "phường"."""
    return [p for p in re.split(r",\s*|\s+và\s+", names) if p.strip()]


def heading_unit(title: str) -> str:
    """Who a numbered heading addresses, as written, or "" when it names no unit.

    "Trách nhiệm của Giám đốc các Sở/..." → "Giám đốc các Sở/..."; "Đề nghị Trường ..." →
    "Trường ..."; "Các cơ quan báo chí, tuyên truyền (Đài ..., Báo ...)" → the listed units;
    "Sở Khoa học và Công nghệ có trách nhiệm ..." is a sentence, not a heading: "".
    """
    title = clean_markup(title).rstrip(" .:")
    listed = _LISTED.search(title)
    if listed and looks_like_unit(listed["units"]):
        return listed["units"].strip()
    name = _HEADING_PREFIX.sub("", title)
    if leading_unit(name, DUTY_VERBS) is not None:
        return ""
    return name if looks_like_unit(name) else ""
