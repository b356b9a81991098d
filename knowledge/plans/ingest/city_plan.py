"""Parser for the Hưng Yên city CCHC plan 2024 (``sources/hungyen-tp-cchc-2024.txt``).

Part "III. NHIỆM VỤ, GIẢI PHÁP" lists tasks as lettered items under numbered areas
("1. Cải cách thể chế" → "a) Đổi mới ..."); it names no units. Part "IV. TỔ CHỨC THỰC HIỆN"
lists duties per unit ("4. Phòng Tư pháp thành phố" → "a) Chủ trì, phối hợp ... cải cách thể
chế"); a duty in which the unit "chủ trì" or "phối hợp" is also a task, so that "who leads cải
cách thể chế?" finds Phòng Tư pháp.
"""

from __future__ import annotations

from knowledge.plans.ingest.outline import (
    Paragraph,
    clean_markup,
    is_letter,
    line_before,
    paragraphs,
    section_label,
    walk,
)
from knowledge.plans.ingest.phrases import duty_role, partner_units
from knowledge.plans.ingest.records import (
    ParsedDocument,
    ParsedResponsibility,
    ParsedTask,
    SourceRef,
)

_TASK_PART = "III"
_DUTY_PART = "IV"
# The closing formula follows the last unit's duties; the outline walker would otherwise
# keep it (and the signature block) under "IV.7.b".
_CLOSING = ("Trên đây là",)


def parse(text: str) -> ParsedDocument:
    """Tasks of part III and the duties (with their chủ trì / phối hợp tasks) of part IV."""
    document = ParsedDocument()
    lines = walk(text, stop=line_before(text, _CLOSING))
    for paragraph in paragraphs(lines, dash_starts_paragraph=False):
        part = paragraph.path[0] if paragraph.path else ""
        if part == _TASK_PART and paragraph.is_heading and is_letter(paragraph.path[-1]):
            document.tasks.append(_plan_task(paragraph))
        elif part == _DUTY_PART and len(paragraph.path) >= 2 and not _is_unit_heading(paragraph):
            duty = _duty(paragraph)
            document.responsibilities.append(duty)
            task = _duty_task(duty, paragraph)
            if task is not None:
                document.tasks.append(task)
    return document


def _plan_task(paragraph: Paragraph) -> ParsedTask:
    return ParsedTask(
        text=paragraph.body,
        source=SourceRef(section_label(paragraph.path), paragraph.line),
        ref=paragraph.path[-1] + ")",
        group=paragraph.titles[1],
    )


def _is_unit_heading(paragraph: Paragraph) -> bool:
    return paragraph.is_heading and len(paragraph.path) == 2


def _duty(paragraph: Paragraph) -> ParsedResponsibility:
    return ParsedResponsibility(
        unit=clean_markup(paragraph.titles[1]),
        text=paragraph.body,
        source=SourceRef(section_label(paragraph.path), paragraph.line),
        role=duty_role(paragraph.body),
    )


def _duty_task(duty: ParsedResponsibility, paragraph: Paragraph) -> ParsedTask | None:
    """The duty as a task when it says who leads or supports; plain duties stay duties."""
    if duty.role == "lead":
        lead, support = (duty.unit,), partner_units(duty.text)
    elif duty.role == "support":
        # "Phối hợp Phòng Nội vụ ..." names a partner, not a lead of the task: the lead is
        # left empty rather than guessed.
        lead, support = (), (duty.unit,)
    else:
        return None
    return ParsedTask(
        text=duty.text,
        source=duty.source,
        ref=paragraph.path[-1] + ")" if is_letter(paragraph.path[-1]) else "",
        group=duty.unit,
        lead_units=lead,
        support_units=support,
    )
