"""Parser for the news item about Hưng Yên province's CCHC plan 2020
(``sources/hungyen-tinh-cchc-2020.txt``).

The item summarises the plan (its number and date are in the manifest) in unnumbered
paragraphs. Tasks are the paragraphs that open with who does them:

    Văn phòng UBND tỉnh chủ trì, phối hợp với các sở, ban, ngành, UBND cấp huyện cập nhật ...

Each sentence of such a paragraph is a task; later sentences with no subject of their own
("Chủ trì, phối hợp với các cơ quan liên quan tham mưu ...") continue the same unit.
Paragraphs are cited as "Bản tin, đoạn N", counted after the headline.
"""

from __future__ import annotations

from knowledge.plans.ingest.outline import OutlineLine, walk
from knowledge.plans.ingest.phrases import leading_unit, partner_units, split_sentences, split_units
from knowledge.plans.ingest.records import ParsedDocument, ParsedTask, SourceRef

# What a paragraph's unit does first; "theo chức năng, nhiệm vụ" may stand between them.
_TASK_VERBS = ("theo chức năng", "chủ trì", "phối hợp")


def parse(text: str) -> ParsedDocument:
    """Tasks of the paragraphs that name their lead unit."""
    document = ParsedDocument()
    _headline, *body = walk(text)
    for number, paragraph in enumerate(body, start=1):
        document.tasks.extend(_paragraph_tasks(paragraph, number))
    return document


def _paragraph_tasks(paragraph: OutlineLine, number: int) -> list[ParsedTask]:
    sentences = split_sentences(paragraph.text)
    subject = leading_unit(sentences[0], _TASK_VERBS)
    if subject is None:
        return []
    lead = split_units(subject)
    source = SourceRef(f"Bản tin, đoạn {number}", paragraph.number)
    return [
        ParsedTask(
            text=sentence, source=source, lead_units=lead, support_units=partner_units(sentence)
        )
        for sentence in sentences
    ]
