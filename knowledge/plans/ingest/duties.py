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
from knowledge.plans.ingest.outline import Paragraph, is_letter, section_label
from knowledge.plans.ingest.phrases import (
    DUTY_VERBS,
    duty_role,
    heading_unit,
    partner_units,
    sentence_subject,
    split_units,
)
from knowledge.plans.ingest.records import ParsedResponsibility, ParsedTask, SourceRef
from knowledge.shared.text import fold_vi

# A heading giving a role, not a duty: "Chủ trì, phối hợp với các sở, ban, ngành ...",
# "Phối hợp với các sở, ngành, UBND các xã, phường" (a colon may close it).
_ROLE_HEADING = re.compile(
    r"^(?:(?P<lead>Chủ trì)(?:,?\s*phối hợp(?:\s+(?:với|cùng))?\s+(?P<units>[^.;:]*))?"
    r"|Phối hợp(?:\s+(?:với|cùng))?\s+(?P<partners>[^.;:]*))\s*:?$"
)
_POINTS_TO_LIST = re.compile(r"\b(?:sau|sau day|nhu sau)\s*:$")
_NARROWED = re.compile(r"^Đối với (?P<unit>[^,:]+)[,:]")


def duty_facts(items: Sequence[Paragraph]) -> tuple[list[ParsedResponsibility], list[ParsedTask]]:
    """Duties of the "Tổ chức thực hiện" part among ``items`` and the tasks they state."""
    duties: list[ParsedResponsibility] = []
    tasks: list[ParsedTask] = []
    narrowed = ""
    # "a) Chủ trì, phối hợp với <units>" / "b) Phối hợp với <units>" above "- " items: the
    # role, and the partners, of the unit's duties below it.
    stated: tuple[str, tuple[str, ...], tuple[str, ...]] | None = None  # role, partners, path
    for item in _joined_lead_ins(i for i in items if _in_duty_part(i)):
        if not _in_duty_part(item):
            continue
        if stated is not None and (item.is_heading or item.path != stated[2]):
            stated = None
        if item.is_heading and len(item.path) <= 2 and not is_letter(item.path[-1]):
            narrowed = ""
            if heading_unit(item.titles[-1]) or len(item.path) == 1:
                continue
        body = item.body
        role_heading = _ROLE_HEADING.match(body)
        if role_heading and (item.is_heading or body.endswith(":")):
            role = "lead" if role_heading["lead"] else "support"
            stated = (role, split_units(role_heading["units"] or ""), item.path)
            continue
        if item.text.startswith("-"):
            narrowed = ""
        if body.endswith(":"):
            narrowing = _NARROWED.match(body)
            if narrowing:
                narrowed = narrowing["unit"].strip()
                continue
            if _POINTS_TO_LIST.search(fold_vi(body)):
                continue  # "... các nhiệm vụ chủ yếu sau:" introduces the duties below
        if "phu luc" in fold_vi(body):
            continue  # points to the appendix, whose tasks carry the duty
        unit = narrowed or _unit_of(item)
        if not unit:
            continue
        duty = ParsedResponsibility(
            unit=unit,
            text=body,
            source=SourceRef(section_label(item.path), item.line),
            role=stated[0] if stated and item.bullet else _role(body, unit),
        )
        duties.append(duty)
        task = _duty_task(duty, item, stated[1] if stated and item.bullet else ())
        if task is not None:
            tasks.append(task)
    duties.extend(_stated_duties(items))
    duties.sort(key=lambda duty: duty.source.line)
    return duties, tasks


def _stated_duties(items: Sequence[Paragraph]) -> list[ParsedResponsibility]:
    """Duties stated in sentences outside the "Tổ chức thực hiện" part ("Sở Tài chính ...
    chủ trì tổng hợp ...", "Đối với ..., các sở, ngành ... chủ động cân đối ..."); their
    tasks are read by ``narrative``."""
    duties = []
    for item in items:
        # Bullets are a task's steps; a duty stated outside the part is a numbered or
        # lettered item or a paragraph of its own.
        if not item.titles or part_kind(item.titles[0]) != "task" or item.body.endswith(":"):
            continue
        if item.bullet or item.text.startswith("+"):
            continue
        unit = sentence_subject(item.body, DUTY_VERBS)
        if unit:
            source = SourceRef(section_label(item.path), item.line)
            duties.append(ParsedResponsibility(unit, item.body, source, _role(item.body, unit)))
    return duties


def _role(text: str, unit: str) -> str:
    """The role a duty gives its unit, read after the unit's name when the sentence opens
    with it ("Đề nghị Ủy ban MTTQ tỉnh phối hợp giám sát ..." supports)."""
    role = duty_role(text)
    at = text.find(unit)
    if role == "carry_out" and at >= 0:
        return duty_role(text[at + len(unit) :].lstrip(" ,"))
    return role


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
    return sentence_subject(item.body, DUTY_VERBS) or ""


def _duty_task(
    duty: ParsedResponsibility, item: Paragraph, partners: tuple[str, ...] = ()
) -> ParsedTask | None:
    """The duty as a task when it says who leads or supports; plain duties stay duties.
    ``partners`` are those a role heading above names ("a) Chủ trì, phối hợp với ...")."""
    lead: tuple[str, ...]
    if duty.role == "lead":
        found = partner_units(duty.text)
        lead, support = (duty.unit,), (*partners, *(u for u in found if u not in partners))
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
