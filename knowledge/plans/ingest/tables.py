"""Task tables of any plan, their columns found by their header words.

A table arrives as consecutive lines of cells: ``| cell | cell |`` (the readers of DOCX, PDF
and HTML write tables so, one row per line, merged cells repeated, line breaks inside a cell
as " / ") or tab-separated (text copied from a web page). A header row names, in a few words
per cell and in any order, a task column and a lead, due, product or figure column under one
of their usual names:

- STT / TT; Nội dung / Nhiệm vụ / Nội dung công việc / Chỉ tiêu; Sản phẩm / Kết quả / Hình
  thức văn bản; Cơ quan / Đơn vị chủ trì (or thực hiện); Cơ quan / Đơn vị phối hợp; Thời gian
  / Thời hạn / Tiến độ; Ghi chú; "Năm 2025" / "Giá trị" in a table of targets;
- any further column titled "Chỉ số ...", "... thành phần", "Lĩnh vực", "Nhóm ..." gives
  context (``group``) to the rows, as do rows numbered with a capital letter ("A") and, under
  them, a roman numeral ("II") whose other cells are empty or repeat its title.

The header may be repeated at page breaks or under each group row, even without its
numbering column (it is skipped, typos such as "IT" for "TT" included); page furniture
between rows is ignored; a row's blank cells under a numbered row take that row's values (a
merged cell converted to blanks); cells holding HTML list fragments, " / " breaks or "- "
bullets are read as lists; a due time found in the support column of a row that has no due is
moved back (a cell lost in conversion).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from knowledge.plans.ingest.records import ParsedTarget, ParsedTask, SourceRef
from knowledge.shared.text import fold_vi, normalize_vi

# Column roles, tried in this order on the folded header cell: "Đơn vị phối hợp thực hiện" is
# support before it is "thực hiện"; "Thời gian thực hiện" is a due before it is "thực hiện".
_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("number", re.compile(r"^(?:s?tt|it|so tt|so thu tu)$")),
    ("note", re.compile(r"\bghi chu\b")),
    ("support", re.compile(r"\bphoi hop\b")),
    ("lead", re.compile(r"\bchu tri\b")),
    ("due", re.compile(r"\b(?:thoi gian|thoi han|tien do|thoi diem)\b")),
    # The figures of a table of targets: "Năm 2025", "Giá trị", "Mức phấn đấu".
    ("value", re.compile(r"^(?:nam|den nam|giai doan)\s+\d{4}|\bgia tri\b|\bmuc phan dau\b")),
    ("product", re.compile(r"\b(?:san pham|ket qua|hinh thuc)\b")),
    ("group", re.compile(r"\b(?:chi so|thanh phan|linh vuc|nhom|chi tieu thanh phan)\b")),
    (
        "task",
        re.compile(
            r"\b(?:nhiem vu|noi dung|cong viec|giai phap|hoat dong|de an|chi tieu|muc tieu)\b"
        ),
    ),
    ("lead", re.compile(r"\b(?:thuc hien|co quan|don vi|trach nhiem|phu trach)\b")),
)
_HEADER_WORDS = 9
_GROUP_NUMBER = re.compile(r"^(?:[IVX]{1,5}|[A-Z])\.?$")
_TASK_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")
_LETTERED = re.compile(r"^(?P<letter>[a-zđ])\)\s*(?P<title>.*)$")
_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)[^>]*>")
_BLOCK_TAGS = frozenset({"p", "li", "ul", "ol", "br", "div", "tr", "td"})
_BULLET = re.compile(r"(?:^|(?<=[.;:]))\s*[-+•]\s+")
# How due phrases start; no unit name starts like this.
_DUE_PHRASE = re.compile(
    r"^(?:thuong xuyen|trong nam|hoan thanh|nam \d{4}|quy |thang |hang nam|hang quy|hang thang"
    r"|sau khi|truoc ngay|dinh ky)"
)


@dataclass(frozen=True)
class Row:
    line: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Columns:
    """Index of each role in a table's rows; ``groups`` in their order."""

    roles: dict[str, int]
    groups: tuple[int, ...] = ()
    names: tuple[str, ...] = ()  # the header's cells as written
    values: tuple[int, ...] = ()  # figure columns of a table of targets

    @property
    def of_targets(self) -> bool:
        """A table of targets ("Chỉ tiêu | Năm 2025 | Đơn vị chủ trì")."""
        task = self.roles.get("task")
        return task is not None and bool(
            re.search(r"\b(?:chi tieu|muc tieu)\b", fold_vi(self.names[task]))
        )

    def cell(self, row: Row, role: str) -> str:
        index = self.roles.get(role)
        return row.cells[index] if index is not None and index < len(row.cells) else ""


@dataclass
class _Context:
    """What rows above the current one give it: group headings and the numbered row's cells."""

    groups: dict[int, str] = field(default_factory=dict)  # group column -> title
    # Group rows above: level 0 a capital letter ("A"), level 1 a roman numeral ("II") or a
    # heading without number; each (number, title).
    headings: dict[int, tuple[str, str]] = field(default_factory=dict)
    number: str = ""
    letter: str = ""
    inherited: dict[str, str] = field(default_factory=dict)


def table_rows(text: str) -> list[Row]:
    """Every line of ``text`` written as table cells (pipes or tabs), cells cleaned."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
            cells = stripped[1:-1].split("|")
        elif "\t" in line.strip("\t") or line.count("\t") >= 2:
            cells = line.split("\t")
        else:
            continue
        cleaned = [normalize_vi(cell) for cell in cells]
        while cleaned and not cleaned[-1]:
            cleaned.pop()
        if any(cleaned):
            rows.append(Row(number, tuple(cleaned)))
    return rows


def cell_role(cell: str) -> str | None:
    """The role a header cell names ("STT" → "number", "Cơ quan chủ trì" → "lead"), or None."""
    folded = fold_vi(cell).replace("/", " ").strip(" .:")
    return next((role for role, pattern in _ROLES if pattern.search(folded)), None)


def header_columns(row: Row) -> Columns | None:
    """The roles of a header row's cells, or None when the row is no task table's header."""
    roles: dict[str, int] = {}
    groups: list[int] = []
    values: list[int] = []
    for index, cell in enumerate(row.cells):
        folded = fold_vi(cell).replace("/", " ").strip(" .:")
        for role, pattern in _ROLES:
            if pattern.search(folded):
                if role == "group":
                    groups.append(index)
                elif role == "value":
                    values.append(index)
                elif role == "task" and "task" in roles:
                    # Two content columns: "Nhiệm vụ" is the task, the other one context.
                    if "nhiem vu" in folded:
                        groups.append(roles["task"])
                        roles["task"] = index
                    else:
                        groups.append(index)
                else:
                    roles.setdefault(role, index)
                break
    if "task" not in roles or not ({"lead", "due", "product"} & roles.keys() or values):
        return None
    filled = [cell for cell in row.cells if cell]
    # A header names its columns in a few words; a body row that happens to use the words
    # ("Tham mưu thực hiện nội dung ...") is longer.
    recognised = len(roles) + len(groups) + len(values)
    if recognised < 3 or any(len(cell.split()) > _HEADER_WORDS for cell in filled):
        return None
    if recognised < 0.6 * len(filled):
        return None
    return Columns(roles, tuple(sorted(groups)), row.cells, tuple(values))


def table_tasks(text: str) -> list[ParsedTask]:
    """Tasks of every task table of ``text``, one per row naming a task."""
    return [task for _, _, task in _read_tables(text)]


def lists_tasks(text: str) -> bool:
    """Whether ``text`` has a table of tasks (not only tables of targets)."""
    return any(not columns.of_targets for _, columns, _ in _read_tables(text))


def table_targets(text: str) -> list[ParsedTarget]:
    """Targets of the tables of targets ("Chỉ tiêu | Năm 2025 | Đơn vị chủ trì"): each row's
    target with its figures, "Tỷ lệ hồ sơ trực tuyến: Năm 2025: 80%"."""
    targets = []
    for row, columns, task in _read_tables(text):
        if not columns.of_targets:
            continue
        figures = [
            f"{columns.names[i]}: {row.cells[i]}"
            for i in columns.values
            if i < len(row.cells) and row.cells[i]
        ]
        statement = f"{task.text}: {'; '.join(figures)}" if figures else task.text
        if re.search(r"\d", statement):
            targets.append(ParsedTarget(statement, task.source, task.group))
    return targets


def _read_tables(text: str) -> Iterator[tuple[Row, Columns, ParsedTask]]:
    columns: Columns | None = None
    context = _Context()
    previous_line = 0
    for row in table_rows(text):
        header = header_columns(row)
        if header is not None:
            previous_line = row.line
            if columns is not None and _repeats(header, columns):
                continue  # the header again at a page break or under a group row
            context = _Context()
            columns = header
            continue
        # A table ends where more than a page's furniture separates rows.
        if columns is None or row.line - previous_line > 12:
            columns = None
            continue
        previous_line = row.line
        task = _row_task(row, columns, context)
        if task is not None:
            yield row, columns, task


def _repeats(header: Columns, columns: Columns) -> bool:
    """Whether ``header`` repeats the current table's: the same columns, or the same but for
    its numbering column ("| Nội dung | Đơn vị thực hiện | ... |" under a group row, the STT
    cell merged away)."""
    if header.roles.keys() == columns.roles.keys():
        return True
    return (header.roles.keys() - {"number"}) <= columns.roles.keys() and len(header.names) < len(
        columns.names
    )


def _row_task(row: Row, columns: Columns, context: _Context) -> ParsedTask | None:
    number = columns.cell(row, "number").rstrip(".")
    text = columns.cell(row, "task")
    if _is_group_row(row, columns, number, text):
        context.groups.clear()
        ref = number or text.split(".")[0]
        level = 1 if re.fullmatch(r"[IVX]{1,5}", ref) else 0
        context.headings = {k: v for k, v in context.headings.items() if k < level}
        title = _clean(re.sub(r"^(?:[IVX]{1,5}|[A-Z])\.\s+", "", text) or number)
        context.headings[level] = (ref, title)
        context.number = context.letter = ""
        context.inherited.clear()
        return None
    if number:  # a numbered row opens a block: cells merged over it end here
        context.number, context.letter = number, ""
        context.inherited.clear()
        context.groups.clear()
    for index in columns.groups:
        value = row.cells[index] if index < len(row.cells) else ""
        if not value:
            continue
        lettered = _LETTERED.match(value)
        if lettered:
            # A lettered item ("d) Quyết tâm chống tham nhũng") is the deepest level wherever
            # the converter put it: the titles above it stay.
            deepest = columns.groups[-1]
            context.groups = {i: t for i, t in context.groups.items() if i < deepest}
            context.letter = lettered["letter"]
            context.groups[deepest] = _clean(lettered["title"])
        else:
            # A deeper group column restarts under a new value of a shallower one.
            context.groups = {i: t for i, t in context.groups.items() if i < index}
            context.groups[index] = _clean(value)
            if index == columns.groups[-1]:
                context.letter = ""
    cells = {
        "product": _join(_items(columns.cell(row, "product"))),
        "lead": columns.cell(row, "lead"),
        "support": columns.cell(row, "support"),
        "due": _clean(columns.cell(row, "due")),
    }
    if not cells["due"] and cells["support"] and _DUE_PHRASE.match(fold_vi(cells["support"])):
        # The converter shifted the row's cells left: the row has no support units.
        cells["due"], cells["support"] = _clean(cells["support"]), ""
        context.inherited["support"] = ""
    for role, value in cells.items():
        if value:
            context.inherited[role] = value
    if not text:
        return None
    values = {role: cells[role] or context.inherited.get(role, "") for role in cells}
    ref = _ref(context)
    section = f"Phụ lục, mục {ref}" if ref else f"Bảng, dòng {row.line}"
    return ParsedTask(
        text=_join(_items(text)),
        source=SourceRef(section=section, line=row.line),
        ref=ref,
        group=_group(context, columns),
        product=values["product"],
        lead_units=_units(values["lead"]),
        support_units=_units(values["support"]),
        due_text=values["due"],
    )


def _is_group_row(row: Row, columns: Columns, number: str, text: str) -> bool:
    """A roman numeral / capital letter row, or a row with a title only ("A. CẢI CÁCH ...")."""
    others = [
        cell
        for index, cell in enumerate(row.cells)
        if index not in (columns.roles.get("number"), columns.roles.get("task"))
        and cell
        and cell != text
    ]
    if number and _GROUP_NUMBER.fullmatch(number):
        return not others or all(cell == number for cell in others)
    heading = re.match(r"^(?:[IVX]{1,5}|[A-Z])\.\s+\S", text)
    return bool(heading) and not others and not number


def _ref(context: _Context) -> str:
    parts = [ref for ref, _ in (context.headings[k] for k in sorted(context.headings))]
    parts = [p for p in (*parts, context.number) if p]
    ref = ".".join(parts)
    return f"{ref}.{context.letter}" if context.letter and ref else ref


def _group(context: _Context, columns: Columns) -> str:
    """The headings above a row: "II. Cải cách TTHC", then the group columns' values. Under a
    numbered row, the first group column is cited with that number as the table names it
    ("Chỉ số nội dung 3: Công khai, minh bạch ... – Tiếp cận thông tin")."""
    titles = [title for _, title in (context.headings[k] for k in sorted(context.headings))]
    skip = None
    if columns.groups and context.number:
        skip = columns.groups[0]
        head = f"{columns.names[skip]} {context.number}"
        if skip in context.groups:
            head += f": {context.groups[skip]}"
        titles.append(head)
    titles += [context.groups[i] for i in sorted(context.groups) if i != skip]
    return " – ".join(t for t in titles if t)


def _items(cell: str) -> list[str]:
    """Clean text items of a cell: HTML blocks, " / " line breaks and bullets separate items."""
    plain = html.unescape(
        _TAG.sub(lambda tag: "\n" if tag[1].lower() in _BLOCK_TAGS else " ", cell)
    ).replace(" / ", "\n")
    pieces = (piece for chunk in plain.split("\n") for piece in _BULLET.split(chunk))
    return [item for item in map(normalize_vi, pieces) if item and item not in "-+•"]


def _join(items: Sequence[str]) -> str:
    """Items as one text: "; " between them unless an item already ends a sentence."""
    text = ""
    for item in items:
        if text:
            text += " " if text[-1] in ".;:!?…" else "; "
        text += item
    return text.rstrip(" ;,")


def _units(cell: str) -> tuple[str, ...]:
    """Unit names of a lead/support cell, split on list items and ";" only (commas belong to
    names such as "UBND các phường, xã"; the unit resolver splits further)."""
    names = (_clean(part) for item in _items(cell) for part in item.split(";"))
    return tuple(dict.fromkeys(name for name in names if name))


def _clean(text: str) -> str:
    return normalize_vi(text).rstrip(" .;,:")
