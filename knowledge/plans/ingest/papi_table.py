"""Parser for the PAPI plan's appendix: the tab-separated "Biểu tổng hợp nhiệm vụ" table.

Columns: TT / Chỉ số nội dung / Nội dung thành phần / Nhiệm vụ / Kết quả / Đơn vị chủ trì /
Đơn vị phối hợp / Thời gian. The table was converted from an HTML page, which leaves marks this
parser has to undo:

- merged cells arrive as blank cells: a blank cell takes the value of the nearest filled cell
  above it in the same TT block (the rowspan it sat under);
- the content component sometimes sits in the "Chỉ số nội dung" column; it is recognised by its
  letter ("d) Quyết tâm chống tham nhũng...");
- cells carry HTML fragments (``<p>``, ``<ul>``, ``<ol>``) and "- " bullets;
- the header row repeats at every page break (with typos: "STT", "IT"), and page furniture
  ("ỦY BAN NHÂN DÂN") sits between rows;
- a row that lost a cell shows its due time in the support column.

One table row with a task is one ``ParsedTask``; unit cells are split on ";" and list items only
(commas belong to names such as "UBND các phường, xã" and are left to the unit resolver).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from knowledge.plans.ingest.records import ParsedDocument, ParsedTask, SourceRef
from knowledge.shared.text import fold_vi, normalize_vi

TT, INDEX, COMPONENT, TASK, PRODUCT, LEAD, SUPPORT, DUE = range(8)
_WIDTH = 8

# Blocks in a cell: paragraphs and list items become separate items; any other tag is dropped.
_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)[^>]*>")
_BLOCK_TAGS = frozenset({"p", "li", "ul", "ol", "br", "div"})
# A "- " bullet opens a cell or follows the end of the previous item; a dash inside a name
# ("Phòng Văn hóa - Thông tin", "chính trị - xã hội") follows a word and is kept.
_BULLET = re.compile(r"(?:^|(?<=[.;:]))\s*-\s+")
_LETTERED = re.compile(r"^(?P<letter>[a-zđ])\)\s*(?P<title>.*)$")
# How the due column's phrases start; no unit name starts like this.
_DUE_PHRASE = re.compile(r"^(thuong xuyen|trong nam|hoan thanh|nam \d{4}|quy |hang nam|sau khi)")


@dataclass(frozen=True)
class _Block:
    """One TT block of the table and the merged cells that cover the current row."""

    number: str
    label: str = ""  # the "Chỉ số nội dung" title; absent for TT 1
    letter: str = ""
    component: str = ""
    product: str = ""
    lead: tuple[str, ...] = ()
    support: tuple[str, ...] = ()
    due: str = ""

    @property
    def ref(self) -> str:
        return f"{self.number}.{self.letter}" if self.letter else self.number

    @property
    def group(self) -> str:
        head = f"Chỉ số nội dung {self.number}"
        if self.label:
            head += f": {self.label}"
        return f"{head} – {self.component}" if self.component else head


def parse(text: str) -> ParsedDocument:
    """All tasks of the appendix table, one per table row that names a task."""
    return ParsedDocument(tasks=list(_tasks(_rows(text))))


def _rows(text: str) -> Iterator[tuple[int, list[str | None]]]:
    """(line number, cells) of the table's body rows; ``None`` marks a blank cell."""
    in_table = False
    for number, line in enumerate(text.split("\n"), start=1):
        if "\t" not in line:  # blank lines, titles, page furniture
            continue
        raw = [normalize_vi(cell) for cell in line.split("\t")]
        if fold_vi(raw[INDEX]) == "chi so noi dung":
            in_table = True
            continue
        if not in_table:
            continue
        if any(raw[_WIDTH:]):
            raise ValueError(f"line {number}: text beyond the table's {_WIDTH} columns")
        cells = [cell or None for cell in raw[:_WIDTH]]
        yield number, _move_stray_due(cells + [None] * (_WIDTH - len(cells)))
    if not in_table:
        raise ValueError("no task table header (… Chỉ số nội dung …) found")


def _move_stray_due(cells: list[str | None]) -> list[str | None]:
    """Put a due time found in the support column back in the due column.

    The converter placed the row's cells in the first free columns, so the support cell is not
    covered by a merged cell above: the row has no support units (``""``, not inherited).
    """
    support = cells[SUPPORT]
    if cells[DUE] is None and support and _DUE_PHRASE.match(fold_vi(support)):
        return [*cells[:SUPPORT], "", support]
    return cells


def _tasks(rows: Iterator[tuple[int, list[str | None]]]) -> Iterator[ParsedTask]:
    block: _Block | None = None
    for line, cells in rows:
        if cells[TT] is not None:
            block = _Block(number=cells[TT].rstrip("."))
        elif block is None:
            raise ValueError(f"line {line}: row before the first numbered (TT) row")
        block = _with_row(block, cells)
        if cells[TASK] is not None:
            yield ParsedTask(
                text=_join(_items(cells[TASK])),
                source=SourceRef(section=f"Phụ lục, mục {block.ref}", line=line),
                ref=block.ref,
                group=block.group,
                product=block.product,
                lead_units=block.lead,
                support_units=block.support,
                due_text=block.due,
            )


def _with_row(block: _Block, cells: list[str | None]) -> _Block:
    """The block as seen from this row: its filled cells replace what merged cells gave."""
    for column in (INDEX, COMPONENT):
        heading = cells[column]
        if heading is None:
            continue
        lettered = _LETTERED.match(heading)
        if lettered:
            block = replace(block, letter=lettered["letter"], component=_clean(lettered["title"]))
        elif column == INDEX:
            block = replace(block, label=_clean(heading))
        else:  # a component without letter (TT 8 has a single one)
            block = replace(block, letter="", component=_clean(heading))
    changes: dict[str, object] = {}
    if cells[PRODUCT] is not None:
        changes["product"] = _join(_items(cells[PRODUCT]))
    if cells[LEAD] is not None:
        changes["lead"] = _units(cells[LEAD])
    if cells[SUPPORT] is not None:
        changes["support"] = _units(cells[SUPPORT])
    if cells[DUE] is not None:
        changes["due"] = _clean(cells[DUE])
    return replace(block, **changes)


def _items(cell: str) -> list[str]:
    """Clean text items of a cell: HTML blocks and "- " bullets are item boundaries."""
    plain = html.unescape(
        _TAG.sub(lambda tag: "\n" if tag[1].lower() in _BLOCK_TAGS else " ", cell)
    )
    pieces = (piece for chunk in plain.split("\n") for piece in _BULLET.split(chunk))
    return [item for item in map(normalize_vi, pieces) if item]


def _join(items: list[str]) -> str:
    """Items as one text: "; " between them unless an item already ends a sentence."""
    text = ""
    for item in items:
        if text:
            text += " " if text[-1] in ".;:!?…" else "; "
        text += item
    return text.rstrip(" ;,")


def _units(cell: str) -> tuple[str, ...]:
    """Unit names of a lead/support cell, split on list items and ";" only."""
    names = (_clean(part) for item in _items(cell) for part in item.split(";"))
    return tuple(name for name in names if name)


def _clean(text: str) -> str:
    return normalize_vi(text).rstrip(" .;,:")
