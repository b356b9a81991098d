"""What a document parser hands to the knowledge-base build.

Parsers are pure: text in, these records out. Names of units are kept as written (cleaned of
markup only); the build splits and resolves them to canonical units. Due dates are kept as
written; the build normalises them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceRef:
    """Where a fact stands in its document.

    ``section`` is human-readable Vietnamese shown to users, e.g. "Mục III.2.b",
    "Phụ lục, STT II.3" or "Phụ lục, dòng 12"; ``line`` is the 1-based line of the source file
    the fact starts on.
    """

    section: str
    line: int


@dataclass(frozen=True)
class ParsedTask:
    """One task of a plan: what is to be done, by whom, by when."""

    text: str
    source: SourceRef
    ref: str = ""  # numbering as printed: "1", "2.3", "a)", "-"
    group: str = ""  # heading the task sits under, e.g. "Cải cách thể chế"
    product: str = ""  # "sản phẩm" / "kết quả" as written
    lead_units: tuple[str, ...] = ()  # "chủ trì" names as written
    support_units: tuple[str, ...] = ()  # "phối hợp" names as written
    due_text: str = ""  # "thời gian" as written


@dataclass(frozen=True)
class ParsedTarget:
    """A measurable goal of a plan ("Trên 95% số hồ sơ ... đúng hạn")."""

    text: str
    source: SourceRef
    topic: str = ""  # heading it sits under, e.g. "Cải cách thủ tục hành chính"


@dataclass(frozen=True)
class ParsedDeadline:
    """A reporting obligation: a dated deadline or a recurring rule, as written."""

    title: str  # e.g. "Báo cáo CCHC quý III năm 2024"
    text: str  # the whole sentence as written
    source: SourceRef
    recipient: str = ""  # unit the report goes to, as written


@dataclass(frozen=True)
class ParsedResponsibility:
    """A duty of a unit listed under "Tổ chức thực hiện" ("4. Phòng Tư pháp ... a) Chủ trì ...")."""

    unit: str
    text: str
    source: SourceRef
    role: str = (
        "lead"  # "lead" when the text says chủ trì, "support" for phối hợp, else "carry_out"
    )


@dataclass
class ParsedDocument:
    """All facts one parser found in one document."""

    tasks: list[ParsedTask] = field(default_factory=list)
    targets: list[ParsedTarget] = field(default_factory=list)
    deadlines: list[ParsedDeadline] = field(default_factory=list)
    responsibilities: list[ParsedResponsibility] = field(default_factory=list)
