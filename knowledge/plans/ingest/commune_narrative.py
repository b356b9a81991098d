"""Parser for the Long Điền A commune CCHC plan 2023 (``sources/longdiena-cchc-2023.txt``).

Each numbered area of "II. NỘI DUNG, GIẢI PHÁP VÀ TRÁCH NHIỆM THỰC HIỆN" is a run of "- "
tasks followed by the lines that assign them:

    - Kiện toàn Ban điều hành CCHC cấp xã ...
    - *Cơ quan thực hiện: Công chức VP – TK ; các ngành liên quan, Ban điều hành CCHC cấp xã.*
    - *Thời gian thực hiện: Quý I/2023 và những năm tiếp theo.*

Parts III (kinh phí) and IV (báo cáo) end with the same "Cơ quan thực hiện:" line, so their
paragraphs are tasks the same way. Part V names a unit at the head of each duty.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from knowledge.plans.ingest.outline import (
    Paragraph,
    clean_markup,
    line_before,
    paragraphs,
    section_label,
    walk,
)
from knowledge.plans.ingest.phrases import duty_role, leading_unit, split_units
from knowledge.plans.ingest.records import (
    ParsedDocument,
    ParsedResponsibility,
    ParsedTask,
    SourceRef,
)

_TASK_PARTS = frozenset({"II", "III", "IV"})
_DUTY_PART = "V"
_SIGNATURE = ("Nơi nhận",)
_ASSIGNMENT = re.compile(
    r"^(?P<label>Cơ quan chủ trì|Cơ quan phối hợp|Cơ quan thực hiện|Thời gian thực hiện)"
    r"\s*:\s*(?P<value>.*)$"
)
# Verbs the part V duties start with once their unit is named.
_DUTY_VERBS = ("tham mưu", "thường xuyên")


@dataclass
class _Block:
    """Paragraphs sharing one set of assignment lines, with the heading they start under."""

    paragraphs: list[Paragraph] = field(default_factory=list)
    assignment: dict[str, str] = field(default_factory=dict)


def parse(text: str) -> ParsedDocument:
    """Tasks of parts II-IV with their units and time, and the unit duties of part V."""
    document = ParsedDocument()
    items = paragraphs(walk(text, stop=line_before(text, _SIGNATURE)), dash_starts_paragraph=True)
    blocks = _blocks(item for item in items if _part(item) in _TASK_PARTS)
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        document.tasks.extend(_tasks(block, following))
    for item in items:
        if _part(item) == _DUTY_PART and not item.is_heading:
            duty = _duty(item)
            if duty is not None:
                document.responsibilities.append(duty)
    return document


def _part(item: Paragraph) -> str:
    return item.path[0] if item.path else ""


def _blocks(items: Iterable[Paragraph]) -> list[_Block]:
    """Group paragraphs into blocks; a block closes at its assignment lines or a heading."""
    blocks: list[_Block] = []
    for item in items:
        match = _ASSIGNMENT.match(item.body)
        if match:
            blocks[-1].assignment[match["label"]] = match["value"].strip(" .,")
            continue
        if item.is_heading or not blocks or blocks[-1].assignment:
            blocks.append(_Block())
        blocks[-1].paragraphs.append(item)
    return blocks


def _tasks(block: _Block, following: _Block | None) -> list[ParsedTask]:
    body = [item for item in block.paragraphs if not item.is_heading]
    if not body:
        body = _heading_as_task(block, following)
    assignment = block.assignment
    lead = split_units(assignment.get("Cơ quan chủ trì", ""))
    support = split_units(assignment.get("Cơ quan phối hợp", ""))
    carried_out_by = split_units(assignment.get("Cơ quan thực hiện", ""))
    # Most areas name only "Cơ quan thực hiện": those units then lead. Where a chủ trì unit is
    # given too (area 5), the units carrying it out work under it, i.e. support.
    if lead:
        support += tuple(unit for unit in carried_out_by if unit not in support)
    else:
        lead = carried_out_by
    return [
        ParsedTask(
            text=item.body,
            source=SourceRef(section_label(item.path), item.line),
            ref="-" if item.bullet else "",
            group=clean_markup(item.titles[-1]) if item.titles else "",
            lead_units=lead,
            support_units=support,
            due_text=assignment.get("Thời gian thực hiện", ""),
        )
        for item in body
    ]


def _heading_as_task(block: _Block, following: _Block | None) -> list[Paragraph]:
    """A numbered area with no body and no sub-items is itself the task (area 10: "Đề nghị
    Ủy ban Mặt trận ... tăng cường phối hợp ...")."""
    heading = block.paragraphs[0]
    if following is not None and following.paragraphs[0].path[: len(heading.path)] == heading.path:
        return []
    return [heading]


def _duty(item: Paragraph) -> ParsedResponsibility | None:
    # The closing "Yêu cầu các thành viên ..." names no unit at its head and is no duty.
    unit = leading_unit(item.body, _DUTY_VERBS)
    if unit is None:
        return None
    return ParsedResponsibility(
        unit=unit,
        text=item.body,
        source=SourceRef(section_label(item.path), item.line),
        role=duty_role(item.body),
    )
