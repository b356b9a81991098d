"""PDF files through pdfplumber: the text layer with its ruled tables read as tables, pages
without a text layer (scans) through OCR.

A PDF has lines, not paragraphs: a paragraph is rebuilt from its lines (a line continues the one
above when it starts at the body's left edge, the one above ran to the right edge, the gap between
them is ordinary, and it does not start with a list marker), so that the same document gives the
same paragraphs as its .docx or .txt. Inside a table cell a wrapped line is joined with a space;
a line starting with a list marker is a line of its own (" / ").
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from knowledge.plans.formats.base import Limits, ReadDocument, UnreadableDocument
from knowledge.plans.formats.layout import LIST_MARKER, join_blocks, table_lines
from knowledge.plans.formats.ocr import OcrBudget, ocr_available, require_ocr
from knowledge.shared.wording import say

# Points. A first-line indent or a centred title starts further right than this.
_INDENT = 6.0
# A line ending further than this from the right edge ends its paragraph.
_SHORT_LINE = 36.0
# A page with fewer characters than this in its text layer is taken for a scan.
_SCAN_CHARS = 20
_OCR_RESOLUTION = 300
# A list item ends with one of these; a line wrapped inside a sentence does not.
_ITEM_ENDS = (".", ";", ":", "!", "?", ")", "…")


@dataclass(frozen=True)
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


def read_pdf(data: bytes, name: str, limits: Limits) -> ReadDocument:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise UnreadableDocument.of("encrypted", name=name) from None
    except PdfminerException as error:
        if _is_encryption(error):
            raise UnreadableDocument.of("encrypted", name=name) from None
        raise UnreadableDocument.of("damaged", name=name, kind="PDF") from None
    except (PDFSyntaxError, ValueError, TypeError, KeyError, OSError):
        raise UnreadableDocument.of("damaged", name=name, kind="PDF") from None
    with pdf:
        try:
            return _read(pdf, name, limits)
        except UnreadableDocument:
            raise
        except PdfminerException as error:
            if _is_encryption(error):
                raise UnreadableDocument.of("encrypted", name=name) from None
            raise UnreadableDocument.of("damaged", name=name, kind="PDF") from None
        except (PDFSyntaxError, ValueError, TypeError, KeyError, AttributeError, AssertionError):
            raise UnreadableDocument.of("damaged", name=name, kind="PDF") from None


def _is_encryption(error: Exception) -> bool:
    cause = error.args[0] if error.args else None
    return isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError)


def _read(pdf: Any, name: str, limits: Limits) -> ReadDocument:
    pages = pdf.pages
    if len(pages) > limits.max_pages:
        raise UnreadableDocument.of(
            "too_many_pages", name=name, pages=len(pages), limit=limits.max_pages
        )
    # Text lines, tables (row lines) and OCR text (str) of every page, in reading order.
    items: list[_Line | list[str] | str] = []
    scans = size = 0
    budget = OcrBudget(limits)
    for page in pages:
        if len(page.chars) < _SCAN_CHARS and page.images:
            scans += 1
            if ocr_available() and budget.allows_another():
                text = budget.read(page.to_image(resolution=_OCR_RESOLUTION).original)
                items.append(text)
                size += len(text)
        else:
            for item in _page_items(page):
                items.append(item)
                size += sum(map(len, item)) if isinstance(item, list) else len(item.text)
        page.close()  # pdfplumber keeps every page's objects otherwise
        if size > limits.max_chars:
            raise UnreadableDocument.of("too_long", name=name, limit=f"{limits.max_chars:,}")
    text = join_blocks(_blocks(items))
    if not text.strip():
        if scans:
            require_ocr(name)
        raise UnreadableDocument.of("no_text", name=name)
    ocr_pages = budget.pages
    notes: list[str] = []
    if ocr_pages:
        notes.append(say("documents.ocr_used", pages=ocr_pages))
    if scans and not ocr_available():
        notes.append(say("documents.ocr_missing", name=name))
    elif scans > ocr_pages:
        notes.append(say("documents.ocr_pages_limited", limit=ocr_pages, pages=scans))
    return ReadDocument(
        text=text, kind="pdf", pages=len(pages), ocr_pages=ocr_pages, notes=tuple(notes)
    )


def _blocks(items: Sequence[_Line | list[str] | str]) -> list[str | list[str]]:
    """Paragraphs rebuilt from each run of text lines between tables and OCR pages, measured
    against the whole document's lines."""
    every_line = [item for item in items if isinstance(item, _Line)]
    if not every_line:
        return [line for item in items if isinstance(item, str) for line in item.split("\n")]
    metrics = _Metrics.of(every_line)
    blocks: list[str | list[str]] = []
    run: list[_Line] = []
    for item in items:
        if isinstance(item, _Line):
            run.append(item)
            continue
        blocks.extend(_paragraphs(run, metrics))
        run = []
        blocks.extend(item.split("\n") if isinstance(item, str) else [item])
    blocks.extend(_paragraphs(run, metrics))
    return blocks


@dataclass(frozen=True)
class _Metrics:
    left: float  # the body's left edge
    right: float  # the right edge full lines reach
    height: float  # of a line
    line_gap: float  # between two lines of one paragraph

    @classmethod
    def of(cls, lines: Sequence[_Line]) -> _Metrics:
        heights = sorted(line.bottom - line.top for line in lines)
        # The small end of the gaps seen: most pairs of lines in a plan are inside a paragraph,
        # and paragraph spacing only adds to the gap.
        gaps = sorted(b.top - a.bottom for a, b in pairwise(lines) if b.top > a.top)
        height = heights[len(heights) // 2]
        return cls(
            left=_body_left(lines),
            right=max(line.x1 for line in lines),
            height=height,
            line_gap=gaps[len(gaps) // 4] if gaps else height,
        )


def _page_items(page: Any) -> Iterator[_Line | list[str]]:
    """The page's text lines and tables (as row lines) from top to bottom."""
    tables = sorted(page.find_tables(), key=lambda table: table.bbox[1])
    top = page.bbox[1]
    for table in tables:
        _, table_top, _, table_bottom = table.bbox
        if table_top > top:
            yield from _lines(page.crop((page.bbox[0], top, page.bbox[2], table_top)))
        yield table_lines(_table_rows(table, page))
        top = max(top, table_bottom)
    if top < page.bbox[3]:
        yield from _lines(page.crop((page.bbox[0], top, page.bbox[2], page.bbox[3])))


def _lines(region: Any) -> Iterator[_Line]:
    for line in region.extract_text_lines(return_chars=False):
        text = line["text"].strip()
        if text:
            yield _Line(text, line["x0"], line["x1"], line["top"], line["bottom"])


def _paragraphs(lines: Sequence[_Line], metrics: _Metrics) -> list[str]:
    """Lines joined into paragraphs (see the module's docstring)."""
    paragraphs: list[str] = []
    current: list[str] = []
    previous: _Line | None = None
    for line in lines:
        continues = (
            previous is not None
            and line.x0 <= metrics.left + _INDENT
            and previous.x1 >= metrics.right - _SHORT_LINE
            and not _starts_item(line.text, previous.text)
            # a new page starts at the top again, so only a gap on the same page counts
            and (
                line.top < previous.top
                or line.top - previous.bottom <= metrics.line_gap + 0.3 * metrics.height
            )
        )
        if not continues and current:
            paragraphs.append(" ".join(current))
            current = []
        current.append(line.text)
        previous = line
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _starts_item(text: str, previous: str) -> bool:
    """Whether a line starting with a list marker starts a list item rather than continuing a
    sentence wrapped at a dash ("doanh nghiệp - viện, trường" / "- hợp tác xã"): an item follows
    a line that ends a sentence or a clause."""
    return bool(LIST_MARKER.match(text)) and previous.rstrip().endswith(_ITEM_ENDS)


def _body_left(lines: Sequence[_Line]) -> float:
    """The left edge most lines start at (rounded to a point): the body's margin."""
    counts = Counter(round(line.x0) for line in lines)
    most = max(counts.values())
    return float(min(x for x, count in counts.items() if count == most))


def _table_rows(table: Any, page: Any) -> list[list[str]]:
    """The table's rows with the text of a merged cell repeated in every position it covers."""
    rows = table.rows
    known = {bbox: _cell_text(page, bbox) for row in rows for bbox in row.cells if bbox}
    xs = sorted({bbox[0] for bbox in known})
    result: list[list[str]] = []
    for row in rows:
        cells: list[str] = []
        for column, bbox in enumerate(row.cells):
            if bbox is not None:
                cells.append(known[bbox])
                continue
            left = xs[column] if column < len(xs) else table.bbox[2]
            right = xs[column + 1] if column + 1 < len(xs) else table.bbox[2]
            point = ((left + right) / 2, row.bbox[1] + 1)
            cells.append(next((text for box, text in known.items() if _inside(point, box)), ""))
        result.append(cells)
    return result


def _inside(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    x, y = point
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _cell_text(page: Any, bbox: tuple[float, float, float, float]) -> str:
    """A cell's wrapped lines joined with spaces; a line that starts a list item (after a line
    ending a clause, or after a line that stopped short of the cell's edge) stays a line of its
    own, which the table renderer writes " / "."""
    right = bbox[2] - max(12.0, 0.3 * (bbox[2] - bbox[0]))
    lines: list[str] = []
    previous: _Line | None = None
    for line in _lines(page.within_bbox(bbox)):
        starts_line = previous is None or (
            bool(LIST_MARKER.match(line.text))
            and (_starts_item(line.text, previous.text) or previous.x1 < right)
        )
        if starts_line:
            lines.append(line.text)
        else:
            lines[-1] += " " + line.text
        previous = line
    return "\n".join(lines)
