"""Word .docx files through python-docx: paragraphs and tables in the order of the document, a
table read as a table (merged cells repeated in every grid position they cover)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml.etree import LxmlError

from knowledge.plans.formats.base import MB, Limits, ReadDocument, UnreadableDocument
from knowledge.plans.formats.layout import join_blocks, table_lines

# Members too small to matter for a zip bomb, whatever their ratio.
_SMALL_MEMBER = 1 * MB


def check_zip(data: bytes, name: str, limits: Limits) -> None:
    """Refuse a zip whose members, as its directory declares them, would unpack beyond the
    limits. zipfile never inflates a member beyond its declared size, so these checks bound
    what any later reader can unpack."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnreadableDocument.of("damaged", name=name, kind="Word (.docx)") from None
    total = sum(member.file_size for member in members)
    too_big = (
        len(members) > limits.max_zip_members
        or total > limits.max_unzipped_bytes
        or any(member.file_size > limits.max_member_bytes for member in members)
        or any(
            member.file_size > _SMALL_MEMBER
            and member.file_size > limits.max_zip_ratio * max(member.compress_size, 1)
            for member in members
        )
    )
    if too_big:
        raise UnreadableDocument.of("zip_bomb", name=name, size=round(total / MB))
    if "word/document.xml" not in {member.filename for member in members}:
        raise UnreadableDocument.of("damaged", name=name, kind="Word (.docx)")


def read_docx(data: bytes, name: str, limits: Limits) -> ReadDocument:
    check_zip(data, name, limits)
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(_blocks(document))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, LxmlError):
        raise UnreadableDocument.of("damaged", name=name, kind="Word (.docx)") from None
    text = join_blocks(blocks)
    if len(text) > limits.max_chars:
        raise UnreadableDocument.of("too_long", name=name, limit=f"{limits.max_chars:,}")
    return ReadDocument(text=text, kind="docx")


def _blocks(document: DocxDocument) -> Iterator[str | list[str]]:
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            # A manual line break starts a new line on the page, so a new line here too.
            yield from _paragraph_text(item).split("\n")
        else:
            yield table_lines(_rows(item))


def _paragraph_text(paragraph: Paragraph) -> str:
    return paragraph.text.replace("\t", " ")


def _rows(table: Table) -> Iterator[list[str]]:
    for row in table.rows:
        # Word lets a row start after the first grid column or end before the last one.
        cells = [""] * row.grid_cols_before
        cells.extend(_cell_text(cell) for cell in row.cells)
        cells.extend([""] * row.grid_cols_after)
        yield cells


def _cell_text(cell: _Cell) -> str:
    """A cell's paragraphs, one per line, then the rows of any table nested in it."""
    lines = [_paragraph_text(paragraph) for paragraph in cell.paragraphs]
    for nested in cell.tables:
        lines.extend(" ".join(row) for row in _rows(nested))
    return "\n".join(lines)
