"""Task tables flattened to one cell per line, as text copied from a web page leaves them.

A table such as the Hà Nội 2021 plan's appendix (STT / Nội dung thực hiện / Sản phẩm / Cơ
quan, đơn vị chủ trì / Cơ quan, đơn vị phối hợp / Thời gian hoàn thành) arrives as one
paragraph per line, blank lines between paragraphs; a cell may span several paragraphs (each
"- Sở, Ban, Ngành" of a phối hợp cell is its own line) and an empty cell is a lone no-break
space, so cell boundaries cannot be counted. The header is recognised by its words (one cell
per line: a numbering column, a task column, and chủ trì / thời gian columns); after it each
paragraph is recognised by its content and by the usual order of the columns (sản phẩm, chủ
trì, phối hợp, thời gian). Rows come in four shapes:

- a group: roman numeral, title, empty cells;
- a task: number, text, then sản phẩm / chủ trì / phối hợp / thời gian;
- a sub-task: a lone "-", its own text, and fields it may leave empty to share the parent's;
- a further row of the same task (merged STT and text cells), e.g. its reporting line, starting
  straight at sản phẩm.

A table this reader cannot follow raises ValueError naming the line; the generic reader then
keeps no task of it, and the build reports the document's low counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from knowledge.plans.ingest.phrases import looks_like_unit
from knowledge.plans.ingest.records import ParsedTask, SourceRef
from knowledge.plans.ingest.tables import cell_role
from knowledge.shared.text import fold_vi, normalize_vi

# The header of a flattened task table: this many cells at least, one per line.
_MIN_HEADER_CELLS = 4
_HEADER_WORDS = 8

_GROUP = re.compile(r"[IVX]{1,5}")
_NUMBER = re.compile(r"\d{1,2}")
_SUB_TASK = "-"
# How thời gian cells start, folded: "Quý I/2021", "Tháng 10/2021", "Hằng tháng", "Theo hướng
# dẫn của Bộ Nội vụ", "Ngay sau khi Chỉ số PCI được công bố", "Năm 2025", "Thường xuyên".
_DUE = re.compile(
    r"^(?:quy (?:iv|i{1,3}|[1-4])\b|thang \d|hang (?:thang|quy|nam)|theo|ngay sau|nam \d{4}"
    r"|truoc|thuong xuyen"
    r"|trong nam|sau khi|dinh ky|\d{4}\b)"
)
_BULLET = re.compile(r"^[-+]\s*")


@dataclass(frozen=True)
class _Cell:
    line: int  # 1-based line in the source file
    text: str  # "" for an empty table cell


@dataclass(frozen=True)
class _Fields:
    """Sản phẩm / chủ trì / phối hợp / thời gian of one table row, as written."""

    product: str = ""
    lead: tuple[str, ...] = ()
    support: tuple[str, ...] = ()
    due: str = ""


def flattened_tasks(text: str) -> list[ParsedTask]:
    """Tasks of the flattened task table of ``text``; none when it has no such table."""
    lines = text.splitlines()
    start = _header_end(lines)
    if start is None:
        return []
    appendix = any(fold_vi(line).startswith("phu luc") for line in lines[:start])
    return _appendix_tasks(_cells(lines, start), "Phụ lục" if appendix else "Bảng")


def _header_end(lines: Sequence[str]) -> int | None:
    """1-based line of the last header cell of a flattened task table, or None: a run of
    short paragraphs each naming a column, opening with the numbering column ("STT") and
    naming a task and a chủ trì column."""
    run: list[str] = []
    last = 0
    for number, raw in enumerate(lines, start=1):
        text = normalize_vi(raw)
        if not text:
            continue
        role = cell_role(text) if len(text.split()) <= _HEADER_WORDS else None
        if role is not None and (run or role == "number"):
            run.append(role)
            last = number
            continue
        if len(run) >= _MIN_HEADER_CELLS and {"task", "lead"} <= set(run):
            return last
        run = ["number"] if role == "number" else []
        last = number
    return None


def _cells(lines: Sequence[str], header_end: int) -> list[_Cell]:
    """Paragraphs of the table body, after its header row."""
    cells: list[_Cell] = []
    for number, raw in enumerate(lines[header_end:], start=header_end + 1):
        if raw == "":  # paragraph separator; an empty cell is a no-break space instead
            continue
        cells.append(_Cell(number, normalize_vi(raw)))
    return cells


def _appendix_tasks(cells: Sequence[_Cell], place: str) -> list[ParsedTask]:
    tasks: list[ParsedTask] = []
    group_number = group_title = ""
    parent: ParsedTask | None = None  # last numbered task, owner of sub-tasks
    owner: ParsedTask | None = None  # task the next unnumbered row belongs to
    sub_tasks = 0
    i = 0
    while i < len(cells):
        cell = cells[i]
        if not cell.text:  # left over from a merged cell: carries nothing
            i += 1
            continue
        if _GROUP.fullmatch(cell.text):
            group_number, group_title = cell.text, _text_after(cells, i)
            parent = owner = None
            i += 2
            continue
        if _NUMBER.fullmatch(cell.text):
            ref = f"{group_number}.{cell.text}"
            base = ParsedTask(
                text=_text_after(cells, i),
                source=SourceRef(f"{place}, mục {ref}", cell.line),
                ref=ref,
                group=group_title,
            )
            parent, sub_tasks, i = None, 0, i + 2
        elif cell.text == _SUB_TASK:
            if parent is None:
                raise ValueError(f"line {cell.line}: sub-task outside a numbered task")
            sub_tasks += 1
            base = _inherit(
                parent,
                text=_text_after(cells, i),
                ref=f"{parent.ref}.-{sub_tasks}",
                section=f"{parent.source.section}, gạch đầu dòng thứ {sub_tasks}",
                line=cell.line,
            )
            i += 2
        elif owner is not None:
            base = _inherit(owner, line=cell.line)
        else:
            raise ValueError(f"line {cell.line}: table row outside a numbered task: {cell.text!r}")
        fields, i = _read_fields(cells, i)
        task = _apply(base, fields)
        tasks.append(task)
        parent = parent or task
        owner = task
    return tasks


def _text_after(cells: Sequence[_Cell], i: int) -> str:
    """The cell following a numbering cell: the task text or group title."""
    if i + 1 >= len(cells) or not cells[i + 1].text:
        raise ValueError(f"line {cells[i].line}: numbering {cells[i].text!r} without text")
    return cells[i + 1].text


def _inherit(
    owner: ParsedTask, *, line: int, text: str = "", ref: str = "", section: str = ""
) -> ParsedTask:
    """A row sharing ``owner``'s cells: empty cells of a merged table row repeat the owner's."""
    return replace(
        owner,
        text=text or owner.text,
        source=SourceRef(section or owner.source.section, line),
        ref=ref or owner.ref,
    )


def _apply(base: ParsedTask, fields: _Fields) -> ParsedTask:
    """``base`` with the row's own non-empty cells overriding the shared ones."""
    return replace(
        base,
        product=fields.product or base.product,
        lead_units=fields.lead or base.lead_units,
        support_units=fields.support or base.support_units,
        due_text=fields.due or base.due_text,
    )


def _read_fields(cells: Sequence[_Cell], i: int) -> tuple[_Fields, int]:
    """Read sản phẩm, chủ trì, phối hợp, thời gian from ``cells[i]`` on, by content.

    An empty cell moves on to the next column; a unit-like paragraph is chủ trì (the first) or
    phối hợp; a date-like one closes the row. Anything else must be the sản phẩm, which comes
    first. Returns the fields and the index of the first cell after the row.
    """
    product, due = "", ""
    lead: list[str] = []
    support: list[str] = []
    column = 0  # 0 sản phẩm, 1 chủ trì, 2 phối hợp, 3 thời gian, 4 row complete
    while i < len(cells) and column < 4:
        cell = cells[i]
        if _starts_row(cell.text):
            break
        if not cell.text:
            # After phối hợp lines, an empty cell can only be the thời gian.
            column = 4 if column == 2 and support else column + 1
        elif _DUE.match(fold_vi(cell.text)):
            due, column = cell.text, 4
        elif looks_like_unit(_BULLET.sub("", cell.text)) and column <= 2:
            (lead if column <= 1 else support).append(cell.text)
            column = 2
        elif column == 0:
            product, column = _BULLET.sub("", cell.text), 1
        else:
            raise ValueError(f"line {cell.line}: unrecognised table cell {cell.text!r}")
        i += 1
    return _Fields(product, _unit_names(lead), _unit_names(support), due), i


def _starts_row(text: str) -> bool:
    return bool(_GROUP.fullmatch(text) or _NUMBER.fullmatch(text)) or text == _SUB_TASK


def _unit_names(cell_lines: Iterable[str]) -> tuple[str, ...]:
    """Unit names of a chủ trì / phối hợp cell: one per line, bullet and final stop removed.

    A line is otherwise kept as written, ";" included: the unit resolver splits it, and only it
    knows enough to undo the cell's shorthand ("Các Sở: Kế hoạch và Đầu tư; Xây dựng; ..."
    shares "Sở" across the ";"; "Sở Nội vụ Văn phòng UBND Thành phố" lost a line break).
    """
    names = (_BULLET.sub("", line).rstrip(".").strip() for line in cell_lines)
    return tuple(dict.fromkeys(name for name in names if name))
