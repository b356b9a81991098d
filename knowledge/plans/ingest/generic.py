"""One reader for any plan document: it recognises structure, not a document's identity.

From the document's normalised text it reads

- task tables, wherever they stand, their columns found by their header words
  (``tables``), or, where a web page flattened the table one cell per line, by the content of
  each cell (``flattened``);
- tasks of the narrative parts, assigned by "Cơ quan chủ trì / phối hợp / thực hiện:" and
  "Thời gian thực hiện:" lines or by the sentence naming its lead (``narrative``); a plan that
  has a task table lists its tasks there, so its narrative items without a lead are not
  repeated as tasks;
- duties by unit of the "Tổ chức thực hiện" part, and the tasks they state (``duties``).

Targets and reporting deadlines are read from every document by the build
(``targets.extract_targets``, ``deadlines.extract_deadlines``), and metadata by ``metadata``.
"""

from __future__ import annotations

import logging
import re

from knowledge.plans.ingest.duties import duty_facts
from knowledge.plans.ingest.flattened import flattened_tasks
from knowledge.plans.ingest.narrative import narrative_tasks, plan_paragraphs
from knowledge.plans.ingest.outline import walk
from knowledge.plans.ingest.records import ParsedDocument, ParsedTask
from knowledge.plans.ingest.tables import lists_tasks, table_targets, table_tasks
from knowledge.shared.text import fold_vi

# Where a plan's body ends: its closing formula, its list of recipients, its appendix.
logger = logging.getLogger(__name__)
_ROMAN_PART = re.compile(r"^[IVX]{1,5}\.\s+\S")
_BODY_ENDS = ("tren day la", "noi nhan", "phu luc")


def parse(text: str) -> ParsedDocument:
    """Tasks, duties and the tasks duties state, in the order of the document."""
    piped = table_tasks(text)
    table = piped or _flattened(text)
    stop = body_end(text)
    items = plan_paragraphs(text, stop=stop)
    lines = list(walk(text, stop=stop))
    # A plan listing its tasks in a table restates them in its narrative (tables of targets
    # list no tasks).
    listed = bool(table) and (not piped or lists_tasks(text))
    narrative = narrative_tasks(items, with_unassigned=not listed, lines=lines)
    duties, duty_tasks = duty_facts(items)
    tasks = sorted([*table, *narrative, *duty_tasks], key=lambda task: task.source.line)
    return ParsedDocument(tasks=tasks, targets=table_targets(text), responsibilities=duties)


def _flattened(text: str) -> list[ParsedTask]:
    """The tasks of a table flattened one cell per line, none when it cannot be followed (the
    build then reports the document's low counts)."""
    try:
        return flattened_tasks(text)
    except ValueError:
        logger.warning("a flattened task table could not be read", exc_info=True)
        return []


def body_end(text: str) -> int | None:
    """The last line of the plan's body: before its closing formula, recipients or appendix
    (a line of its own) after its first roman part (a decision wrapping the plan has recipients
    of its own before the plan), None when it has none of them."""
    lines = text.splitlines()
    first_part = next((n for n, line in enumerate(lines) if _ROMAN_PART.match(line.strip())), 0)
    for number, line in enumerate(lines[first_part:], start=first_part + 1):
        folded = fold_vi(line.strip().strip("*"))
        if folded.startswith(_BODY_ENDS[:2]) or folded == _BODY_ENDS[2]:
            return number - 1
    return None
