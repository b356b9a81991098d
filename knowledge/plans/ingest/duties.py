"""Duties by unit, from a plan's "Tổ chức thực hiện" part.

The part gives each unit its duties in one of two ways:

- under a numbered heading naming the unit ("4. Phòng Tư pháp thành phố", "1. Trách nhiệm của
  Giám đốc các Sở ...", "3. Đề nghị Ủy ban MTTQ ...", "5. Các cơ quan báo chí (Đài ..., Báo
  ...)"), each lettered item, "- " bullet or paragraph below being one duty; "- Đối với UBND
  cấp huyện, ...:" narrows the unit of the "+" bullets under it;
- in sentences opening with the unit ("Công chức Văn phòng – Thống kê tham mưu ...",
  "Giao CC VP - TK thường xuyên theo dõi ...").

A duty in which the unit "chủ trì" (leads) is also a task, with the units after "phối hợp với"
as support, so that "who leads cải cách thể chế?" finds the unit; one in which it "phối hợp"
(supports) is a task with that unit as support and no lead (none is stated).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from knowledge.plans.ingest.narrative import part_kind
from knowledge.plans.ingest.outline import Paragraph, clean_markup, is_letter, section_label
from knowledge.plans.ingest.phrases import duty_role, leading_unit, looks_like_unit, partner_units
from knowledge.plans.ingest.records import ParsedResponsibility, ParsedTask, SourceRef
from knowledge.shared.text import fold_vi

# What a unit does right after its name when a sentence gives it a duty.
_DUTY_VERBS = (
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
    "thực hiện",
)
_HEADING_PREFIX = re.compile(r"^(?:Trách nhiệm của|Nhiệm vụ của|Đề nghị|Giao)\s+", re.IGNORECASE)
_LISTED = re.compile(r"\((?P<units>[^()]+)\)$")
_POINTS_TO_LIST = re.compile(r"\b(?:sau|sau day|nhu sau)\s*:$")
_NARROWED = re.compile(r"^Đối với (?P<unit>[^,:]+)[,:]")


def duty_facts(items: Sequence[Paragraph]) -> tuple[list[ParsedResponsibility], list[ParsedTask]]:
    """Duties of the "Tổ chức thực hiện" part among ``items`` and the tasks they state."""
    duties: list[ParsedResponsibility] = []
    tasks: list[ParsedTask] = []
    narrowed = ""
    for item in _joined_lead_ins(i for i in items if _in_duty_part(i)):
        if item.is_heading and len(item.path) <= 2 and not is_letter(item.path[-1]):
            narrowed = ""
            if heading_unit(item.titles[-1]) or len(item.path) == 1:
                continue
        body = item.body
        if item.text.startswith("-"):
            narrowed = ""
        if body.endswith(":"):
            narrowing = _NARROWED.match(body)
            if narrowing:
                narrowed = narrowing["unit"].strip()
                continue
            if _POINTS_TO_LIST.search(fold_vi(body)):
                continue  # "... các nhiệm vụ chủ yếu sau:" introduces the duties below
        if "phu luc" in fold_vi(body) and len(body) < 120:
            continue  # points to the appendix, whose tasks carry the duty
        unit = narrowed or _unit_of(item)
        if not unit:
            continue
        duty = ParsedResponsibility(
            unit=unit,
            text=body,
            source=SourceRef(section_label(item.path), item.line),
            role=duty_role(body),
        )
        duties.append(duty)
        task = _duty_task(duty, item)
        if task is not None:
            tasks.append(task)
    return duties, tasks


def heading_unit(title: str) -> str:
    """Who a numbered heading of the part addresses, as written, or "" when it names no unit.

    "Trách nhiệm của Giám đốc các Sở/..." → "Giám đốc các Sở/..."; "Đề nghị Trường ..." →
    "Trường ..."; "Các cơ quan báo chí, tuyên truyền (Đài ..., Báo ...)" → the listed units.
    """
    title = clean_markup(title).rstrip(" .:")
    listed = _LISTED.search(title)
    if listed and looks_like_unit(listed["units"]):
        return listed["units"].strip()
    name = _HEADING_PREFIX.sub("", title)
    if leading_unit(name, _DUTY_VERBS) is not None:
        return ""  # a sentence giving a duty ("Đề nghị Ủy ban MTTQ ... tăng cường phối hợp")
    return name if looks_like_unit(name) else ""


def _in_duty_part(item: Paragraph) -> bool:
    return bool(item.titles) and part_kind(item.titles[0]) == "duty"


def _joined_lead_ins(items: Iterable[Paragraph]) -> list[Paragraph]:
    """Paragraphs with the "- " lines of a lettered item ending in ":" joined to it ("k) ...
    báo cáo ..., cụ thể: - Báo cáo quý I: trước ngày ..."): they are that duty's details."""
    joined: list[Paragraph] = []
    for item in items:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and item.bullet
            and previous.is_heading
            and is_letter(previous.path[-1])
            and (previous.body.endswith(":") or previous.text.endswith(";"))
            and previous.path == item.path
        ):
            joined[-1] = replace(previous, text=f"{previous.text} {item.text}")
            continue
        joined.append(item)
    return joined


def _unit_of(item: Paragraph) -> str:
    """The unit of a duty: the unit its heading names, else the one its sentence opens with."""
    for number, title in zip(item.path[1:2], item.ancestors[1:2], strict=False):
        if not is_letter(number):
            unit = heading_unit(title)
            if unit:
                return unit
    subject = leading_unit(_HEADING_PREFIX.sub("", item.body), _DUTY_VERBS)
    return subject if subject and looks_like_unit(subject) else ""


def _duty_task(duty: ParsedResponsibility, item: Paragraph) -> ParsedTask | None:
    """The duty as a task when it says who leads or supports; plain duties stay duties."""
    lead: tuple[str, ...]
    if duty.role == "lead":
        lead, support = (duty.unit,), partner_units(duty.text)
    elif duty.role == "support":
        # "Phối hợp Phòng Nội vụ ..." names a partner, not the task's lead: left empty.
        lead, support = (), (duty.unit,)
    else:
        return None
    return ParsedTask(
        text=duty.text,
        source=duty.source,
        ref=item.path[-1] + ")" if is_letter(item.path[-1]) else "",
        group=duty.unit,
        lead_units=lead,
        support_units=support,
    )
