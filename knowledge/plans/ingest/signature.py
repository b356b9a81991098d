"""Who signed a plan: the signature block of its text.

A Vietnamese administrative document ends (a plan issued with a decision: the decision ends)
with a block in capitals naming the signing capacity ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH",
"KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"), then blank lines or "(Đã ký)", sometimes the recipients' list
("Nơi nhận: - ...; - Lưu: VT."), and the signer's name. The first block that a name follows is
the document's signature: for a decision wrapping a plan, that is the decision's.

Nothing is guessed: without a capacity line followed by a name, there is no signer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.shared.text import fold_vi, normalize_vi

# Folded capacities, longest first, and how they are written in a sentence. OCR and typing
# slips ("CHÚ TỊCH") fold to the same words.
_CAPACITIES = (
    ("pho chu tich", "Phó Chủ tịch"),
    ("chu tich", "Chủ tịch"),
    ("pho giam doc", "Phó Giám đốc"),
    ("giam doc", "Giám đốc"),
    ("pho truong ban", "Phó Trưởng ban"),
    ("truong ban", "Trưởng ban"),
)
# A capacity line: upper case, optionally "KT." / "TM." / "Q." before it, bold marks around.
_CAPACITY_LINE = re.compile(r"^(?:(?:KT|TM|Q|TL|TUQ)\s*\.\s*)?[A-ZĐÀ-Ỹ .]+$")
# Lines between the capacity and the name that are not the name.
_SKIPPED = re.compile(r"^(?:\(.*\)|-.*|Nơi nhận.*|Lưu\b.*|\.+)$", re.IGNORECASE)
_NAME_WITHIN = 40  # lines after the capacity where the name may be
# A person's name: two to five words, each capitalised, letters only.
_NAME_WORDS = r"[A-ZĐÀ-Ỹ][a-zà-ỹđ]*(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]*){1,4}"
_NAME = re.compile("^" + _NAME_WORDS + "$")
# A whole block in one cell: the capacity in capitals, then the name.
_INLINE = re.compile(r"^(?P<capacity>[A-ZĐÀ-Ỹ .]+?)\s+(?P<name>" + _NAME_WORDS + ")$")


@dataclass(frozen=True)
class Signature:
    name: str  # "Chu Ngọc Anh"
    capacity: str  # "Chủ tịch", "Phó Chủ tịch"


def read_signature(text: str) -> Signature | None:
    """The signer of ``text`` (see the module docstring), or None."""
    lines = [
        cell.strip().strip("*").strip()
        for line in text.splitlines()
        for cell in normalize_vi(line).split("|")
    ]
    for index, line in enumerate(lines):
        inline = _INLINE.match(line)
        if inline and _capacity(inline["capacity"]):
            return Signature(inline["name"], str(_capacity(inline["capacity"])))
        capacity = _capacity(line)
        if capacity is None:
            continue
        # The capacity may span two lines ("KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH"): the last one says it.
        following = lines[index + 1] if index + 1 < len(lines) else ""
        capacity = _capacity(following) or capacity
        name = _name_after(lines[index + 1 : index + 1 + _NAME_WITHIN])
        if name is not None:
            return Signature(name, capacity)
    return None


def _capacity(line: str) -> str | None:
    if not line or not _CAPACITY_LINE.match(line):
        return None
    folded = fold_vi(line)
    for words, written in _CAPACITIES:
        if folded.endswith(words):
            return written
    return None


def _name_after(lines: list[str]) -> str | None:
    for line in lines:
        if not line or _SKIPPED.match(line) or _capacity(line) is not None:
            continue
        if _NAME.match(line):
            return line
        if line.isupper():  # another heading ("KẾ HOẠCH"): the block had no name
            return None
    return None
