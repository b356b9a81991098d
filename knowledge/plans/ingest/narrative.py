"""Tasks written as a plan's narrative: numbered and lettered items, "- " bullets, and the lines
that assign them.

A plan's parts are its roman headings. Parts of aims ("Mục đích, yêu cầu", "Mục tiêu") hold no
tasks and the "Tổ chức thực hiện" part holds duties (see ``duties``); every other part
("Nhiệm vụ, giải pháp", "Nội dung", "Kinh phí", "Chế độ báo cáo") holds tasks, assigned in one
of two ways:

- by the lines closing a run of items, which then all share them::

      - Kiện toàn Ban điều hành CCHC cấp xã ...
      - Cơ quan chủ trì: Công chức VP – TK            (also "Đơn vị chủ trì", "Cơ quan thực hiện")
      - Cơ quan phối hợp: Bộ phận một cửa
      - Thời gian thực hiện: Quý I/2023             (also "Thời hạn hoàn thành", "Tiến độ")

- by the sentence itself: "Văn phòng UBND tỉnh chủ trì, phối hợp với các sở ... cập nhật ...",
  "Giao Sở Nội vụ chủ trì, phối hợp với ...": each sentence of such a paragraph is a task of
  that lead, the units after "phối hợp với" its support.

An item neither assigns stays a task without a lead (the build reports how many). A document
without roman parts (a news item) gives only the paragraphs whose sentences name their lead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from knowledge.plans.ingest.outline import (
    OutlineLine,
    Paragraph,
    clean_markup,
    is_letter,
    paragraphs,
    plain_sections,
    section_label,
    walk,
)
from knowledge.plans.ingest.phrases import (
    DUTY_VERBS,
    heading_unit,
    partner_units,
    sentence_subject,
    split_sentences,
    split_units,
)
from knowledge.plans.ingest.records import ParsedTask, SourceRef
from knowledge.shared.text import fold_vi

_ASSIGNMENT = re.compile(
    r"^(?P<label>(?:Cơ quan|Đơn vị|Bộ phận)(?:,\s*đơn vị)?\s+(?:chủ trì|phối hợp|thực hiện)"
    r"(?:\s+thực hiện)?|Chủ trì|Phối hợp|Trách nhiệm thực hiện|Phân công thực hiện"
    r"|Thời gian thực hiện|Thời gian hoàn thành|Thời gian|Thời hạn(?: hoàn thành)?"
    r"|Tiến độ(?: thực hiện| hoàn thành)?|Sản phẩm(?: đầu ra)?|Kết quả đầu ra)"
    r"\s*:\s*(?P<value>.*)$"
    # "Thời gian thực hiện sau khi Chiến lược ... được ban hành.": a time without the colon.
    r"|^(?P<label2>Thời gian thực hiện|Thời hạn hoàn thành)\s+"
    r"(?P<value2>(?:sau khi|trước|trong|từ|hằng|hàng|thường xuyên|quý|năm|tháng)\b.*)$",
    re.IGNORECASE,
)
# Parts by their heading, folded.
_AIM_PART = re.compile(r"^(?:muc dich|yeu cau|muc tieu|chi tieu|quan diem|tinh hinh|ket qua)")
_DUTY_PART = re.compile(r"\bto chuc thuc hien\b|^trach nhiem\b|^phan cong\b")
# Longer than this, an item of an assignment line is a sentence, not a name.
_MAX_UNIT_WORDS = 14
_UNIT_VERBS = (*DUTY_VERBS, "tiến hành", "rà soát", "gửi", "bảo đảm", "đảm bảo")
# What a unit does right after its name in a sentence that assigns it a task.
_LEAD_VERBS = ("theo chức năng", "chủ trì", "phối hợp", "có trách nhiệm")


@dataclass
class _Block:
    """Items sharing one set of assignment lines."""

    items: list[Paragraph] = field(default_factory=list)
    assignment: dict[str, str] = field(default_factory=dict)


def part_kind(title: str) -> str:
    """ "aim", "duty" or "task" for the title of a roman part."""
    folded = fold_vi(clean_markup(title))
    if _DUTY_PART.search(folded):
        return "duty"
    if _AIM_PART.match(folded) and not re.search(r"\b(?:nhiem vu|giai phap|noi dung)\b", folded):
        return "aim"
    return "task"


def narrative_tasks(
    items: Sequence[Paragraph],
    *,
    with_unassigned: bool = True,
    lines: Sequence[OutlineLine] = (),
) -> list[ParsedTask]:
    """Tasks of the task parts among ``items`` (paragraphs of a whole plan, in order);
    ``lines`` are its non-blank lines, by which a text without outline cites its paragraphs."""
    outlined = any(item.is_heading for item in items)
    if not outlined:
        sections = plain_sections(lines)
        return [task for item in items for task in _sentence_tasks(item, sections)]
    task_items = [item for item in items if item.path and _kind(item) == "task"]
    tasks: list[ParsedTask] = []
    blocks = _blocks(task_items)
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if block.assignment:
            tasks.extend(_assigned(block, following))
            continue
        for item in block.items:
            inline = _sentence_tasks(item, section_label(item.path))
            if inline:
                tasks.extend(inline)
                continue
            if not _is_task_item(item, block, following):
                continue
            # Under a heading naming a unit ("2. Sở Khoa học và Công nghệ" → "a) ..."), the
            # unit leads the items; partners written in the item support.
            unit = unit_above(item)
            if unit:
                tasks.append(_task(item, split_units(unit), partner_units(item.body), ""))
            elif with_unassigned:
                tasks.append(_task(item, (), (), ""))
    return tasks


def _kind(item: Paragraph) -> str:
    return part_kind(item.titles[0]) if item.titles else "aim"


def _blocks(items: Iterable[Paragraph]) -> list[_Block]:
    """Items grouped into blocks; a block closes at its assignment lines or a heading."""
    blocks: list[_Block] = []
    for item in items:
        match = _ASSIGNMENT.match(item.body)
        if match and blocks:
            label = _label(match["label"] or match["label2"])
            value = match["value"] if match["label"] else match["value2"]
            blocks[-1].assignment.setdefault(label, value.strip(" .,"))
            continue
        if item.is_heading or not blocks or blocks[-1].assignment:
            blocks.append(_Block())
        blocks[-1].items.append(item)
    return blocks


def _label(label: str) -> str:
    folded = fold_vi(label)
    if "chu tri" in folded:
        return "lead"
    if "phoi hop" in folded:
        return "support"
    if folded.startswith(("san pham", "ket qua")):
        return "product"
    if folded.startswith(("thoi gian", "thoi han", "tien do")):
        return "due"
    return "carried_out_by"  # "Cơ quan thực hiện", "Trách nhiệm thực hiện"


def _assigned(block: _Block, following: _Block | None) -> list[ParsedTask]:
    body = [item for item in block.items if not item.is_heading]
    if not body:
        body = _heading_as_task(block, following)
    assignment = block.assignment
    lead = _unit_names(assignment.get("lead", ""))
    support = _unit_names(assignment.get("support", ""))
    carried_out_by = _unit_names(assignment.get("carried_out_by", ""))
    # Most blocks name only "Cơ quan thực hiện": those units then lead. Where a chủ trì unit is
    # given too, the units carrying it out work under it, i.e. support.
    if lead:
        support += tuple(unit for unit in carried_out_by if unit not in support)
    else:
        lead = carried_out_by
    product = assignment.get("product", "")
    return [
        replace(_task(item, lead, support, assignment.get("due", "")), product=product)
        for item in body
    ]


def _unit_names(value: str) -> tuple[str, ...]:
    """The units of an assignment line. A line may go on to say what each does ("Cơ quan thực
    hiện: Sở Khoa học và Công nghệ tiến hành rà soát ...; các sở, ngành ... rà soát ..."):
    such an item keeps its subject only."""
    names = []
    for name in split_units(value):
        if len(name.split()) > _MAX_UNIT_WORDS:
            # A long list of names stays whole; a sentence keeps its subject.
            name = sentence_subject(name, _UNIT_VERBS) or name
        if name not in names:
            names.append(name)
    return tuple(names)


def _heading_as_task(block: _Block, following: _Block | None) -> list[Paragraph]:
    """A numbered item with no body and no sub-items is itself the task."""
    heading = block.items[0]
    if following is not None and following.items[0].path[: len(heading.path)] == heading.path:
        return []
    return [heading]


def _is_task_item(item: Paragraph, block: _Block, following: _Block | None) -> bool:
    """An item of a task part stating a task: a lettered item, a bullet, a paragraph, or a
    numbered heading with nothing under it; not a lead-in ending with ":" nor a pointer to the
    appendix."""
    body = item.body
    if not body or body.endswith(":") or ("phu luc" in fold_vi(body) and len(body) < 80):
        return False
    if item.is_heading and not is_letter(item.path[-1]):
        return bool(_heading_as_task(block, following)) and len(item.path) > 1
    return len(body.split()) >= 5


def _sentence_tasks(item: Paragraph, sections: dict[int, str] | str) -> list[ParsedTask]:
    """The sentences of a paragraph naming their lead: "X chủ trì, phối hợp với Y ..."; later
    sentences without a subject of their own continue the same unit."""
    sentences = split_sentences(item.body)
    subject = sentence_subject(sentences[0], _LEAD_VERBS)
    if subject is None:
        return []
    lead = split_units(subject)
    section = sections if isinstance(sections, str) else sections.get(item.line, "Phần mở đầu")
    source = SourceRef(section, item.line)
    ref = _ref(item)
    return [
        ParsedTask(
            text=sentence,
            source=source,
            ref=ref,
            group=_group(item),
            lead_units=lead,
            support_units=partner_units(sentence),
        )
        for sentence in sentences
        if sentence.strip()
    ]


def _task(item: Paragraph, lead: tuple[str, ...], support: tuple[str, ...], due: str) -> ParsedTask:
    return ParsedTask(
        text=item.body,
        source=SourceRef(section_label(item.path), item.line),
        ref=_ref(item),
        group=_group(item),
        lead_units=lead,
        support_units=support,
        due_text=due,
    )


def _ref(item: Paragraph) -> str:
    if item.bullet:
        return "-"
    if item.is_heading and item.path and is_letter(item.path[-1]):
        return item.path[-1] + ")"
    return ""


def _group(item: Paragraph) -> str:
    """Title of the nearest heading above the item (the area it belongs to)."""
    return clean_markup(item.ancestors[-1]) if item.ancestors else ""


def plan_paragraphs(text: str, stop: int | None) -> list[Paragraph]:
    """The paragraphs of a plan up to ``stop``, each "- " bullet its own paragraph."""
    return paragraphs(walk(text, stop=stop), dash_starts_paragraph=True)


def unit_above(item: Paragraph) -> str:
    """The unit named by the nearest numbered heading above ``item`` that names one, or ""."""
    for number, title in reversed(list(zip(item.path, item.ancestors, strict=False))):
        if not is_letter(number):
            unit = heading_unit(title)
            if unit:
                return unit
    return ""
