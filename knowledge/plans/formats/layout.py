"""The normalised text every reader produces: NFC, one paragraph per line, tables as rows
``| cell | cell |``. Pure functions shared by the readers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

# Characters that carry no text: zero-width spaces and joiners, the BOM, soft hyphens.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Every kind of space but the line break becomes one plain space.
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_RUNS = re.compile(r"\n{3,}")
# A line a list item or a numbered heading starts with: "-", "+", "•", "a)", "1.", "1.2.", "II.".
LIST_MARKER = re.compile(
    r"^\s*(?:[-+•*–—]\s|[a-zđ]\)\s|\d+(?:\.\d+)*[.)]\s|[IVXLC]+[.)]\s|\(\d+\)\s)", re.IGNORECASE
)


def normalize_text(text: str) -> str:
    """NFC, Unix line ends, invisible characters dropped, spaces collapsed, lines stripped, at
    most one blank line in a row; a table row written in the canonical form of ``row_line``."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    lines = [_normal_line(line) for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip() + "\n"


def _normal_line(line: str) -> str:
    line = _SPACES.sub(" ", line).strip()
    if len(line) > 1 and line.startswith("|") and line.endswith("|"):
        return row_line(line[1:-1].split("|"))
    return line


def row_line(cells: Sequence[str]) -> str:
    """A table row as one line: ``| a | b |``, an empty cell ``|  |``. Read it back by splitting
    on "|" (a cell's own "|" is written "/")."""
    return "| " + " | ".join(cell.strip() for cell in cells) + " |"


def cell_text(lines: Iterable[str]) -> str:
    """One table cell from its lines: each stripped, empty ones dropped, joined by " / "; a "|"
    inside the text (it would split the cell) becomes "/"."""
    parts = [_SPACES.sub(" ", line).strip() for line in lines]
    return " / ".join(part for part in parts if part).replace("|", "/")


def table_lines(rows: Iterable[Sequence[str]]) -> list[str]:
    """The lines of a table: one per row that has any text; a cell's line breaks become " / "."""
    lines = []
    for row in rows:
        cells = [cell_text(cell.split("\n")) for cell in row]
        if any(cells):
            lines.append(row_line(cells))
    return lines


def join_blocks(blocks: Iterable[str | list[str]]) -> str:
    """The document text from its blocks in reading order: a paragraph (str) or a table (its
    lines). A table is set apart from the paragraphs around it by blank lines."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, list):
            if not block:
                continue
            if out and out[-1] != "":
                out.append("")
            out.extend(block)
            out.append("")
        else:
            line = block.strip()
            if line:
                out.append(line)
    return normalize_text("\n".join(out))
