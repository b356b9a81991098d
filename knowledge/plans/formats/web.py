"""Web pages as saved from legal-document sites, through BeautifulSoup with lxml: the document
body without the site's navigation, tables read as tables (rowspan and colspan repeated)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from knowledge.plans.formats.base import Limits, ReadDocument, UnreadableDocument
from knowledge.plans.formats.layout import join_blocks, table_lines

# Where legal-document sites keep a document's text, most specific first.
CONTENT_SELECTORS = (
    "#divContentDoc .content1",  # thuvienphapluat.vn
    "div.cldivContentDocVn",
    "#divContentDoc",
    "div.content1",
    "#toanvancontent",  # vbpl.vn
    ".toanvancontent",
    "div.fulltext",
    "#divNoiDung",
    "div.toanvan",
    "div.document-content",
    "div.detail-content",
    "article",
    "main",
)
# Never document text.
_DROPPED_TAGS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "object",
    "embed",
    "svg",
    "canvas",
    "template",
    "form",
    "button",
    "input",
    "select",
    "textarea",
    "nav",
    "footer",
    "aside",
    "head",
)
# Site furniture recognised by its id or class.
_FURNITURE = re.compile(
    r"\b(?:nav|navbar|menu|breadcrumbs?|footer|sidebar|banner|advert\w*|ads?|quangcao|social|"
    r"share|comments?|login|search|toolbar|related|cookie|popup|modal)\b",
    re.IGNORECASE,
)
_BLOCK_TAGS = {
    "address",
    "article",
    "blockquote",
    "center",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "td",
    "th",
    "tr",
    "ul",
}
_MAX_COLSPAN = 50


@dataclass(frozen=True)
class _Break:
    pass


_BREAK = _Break()


def read_html(data: bytes, name: str, limits: Limits) -> ReadDocument:
    try:
        soup = BeautifulSoup(data, "lxml")
    except Exception:  # lxml and bs4 raise many kinds on broken input
        raise UnreadableDocument.of("damaged", name=name, kind="HTML") from None
    root = content_root(soup)
    blocks = list(_blocks(root))
    text = join_blocks(blocks)
    if len(text) > limits.max_chars:
        raise UnreadableDocument.of("too_long", name=name, limit=f"{limits.max_chars:,}")
    if not text.strip():
        raise UnreadableDocument.of("no_text", name=name)
    return ReadDocument(text=text, kind="html")


def content_root(soup: BeautifulSoup) -> Tag:
    """The element holding the document: a known container of a legal-document site, else the
    body without what is recognisably site navigation."""
    for tag in soup(list(_DROPPED_TAGS)):
        tag.decompose()
    for comment in soup.find_all(string=lambda value: isinstance(value, Comment)):
        comment.extract()
    for selector in CONTENT_SELECTORS:
        found = soup.select_one(selector)
        if isinstance(found, Tag) and found.get_text(strip=True):
            return found
    for tag in soup.find_all(True):
        if tag.decomposed or tag.name in {"html", "body", "table", "tr", "td", "th"}:
            continue
        marks = " ".join([str(tag.get("id") or ""), *(tag.get("class") or [])])
        if marks.strip() and _FURNITURE.search(marks) and not tag.find("table"):
            tag.decompose()
    return soup.body or soup


def _blocks(root: Tag) -> Iterator[str | list[str]]:
    """Paragraphs (lines of inline text) and tables (their row lines) in document order."""
    line: list[str] = []
    for item in _tokens(root):
        if isinstance(item, list):
            if line:
                yield " ".join(line)
                line = []
            yield item
        elif isinstance(item, _Break):
            if line:
                yield " ".join(line)
                line = []
        else:
            line.append(item)
    if line:
        yield " ".join(line)


def _tokens(node: Tag) -> Iterator[str | _Break | list[str]]:
    for child in node.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, Comment):
                text = " ".join(str(child).split())
                if text:
                    yield text
            continue
        if not isinstance(child, Tag):
            continue
        if child.name == "br":
            yield _BREAK
        elif child.name == "table":
            yield table_lines(table_rows(child))
        elif child.name in _BLOCK_TAGS:
            yield _BREAK
            yield from _tokens(child)
            yield _BREAK
        else:
            yield from _tokens(child)


def table_rows(table: Tag) -> list[list[str]]:
    """The rows of ``table`` (not of tables nested in it) on a grid, a cell spanning rows or
    columns repeated in each position it covers."""
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    grid: dict[tuple[int, int], str] = {}
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in grid:
                c += 1
            text = _cell_text(cell)
            rowspan = min(_span(cell.get("rowspan")), len(rows) - r)
            colspan = min(_span(cell.get("colspan")), _MAX_COLSPAN)
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text
            c += colspan
            width = max(width, c)
    return [[grid.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def _span(value: object) -> int:
    try:
        return max(1, int(str(value).strip()))
    except (TypeError, ValueError):
        return 1


def _cell_text(cell: Tag) -> str:
    """A cell's text, a line per paragraph; a nested table's rows as lines."""
    lines: list[str] = []
    for block in _blocks(cell):
        if isinstance(block, list):
            lines.extend(row.strip("| ").replace(" | ", " ") for row in block)
        else:
            lines.append(block)
    return "\n".join(lines)
