"""Walk a plan document line by line, tracking its numbered outline (I. / 1. / a)), and join
the lines a page break cut back into paragraphs.

Vietnamese plans number sections with roman numerals, then arabic numbers, then letters
("a)", "b)", "đ)"). Each line is returned with the path of headings above it, so any fact
found on it can cite "Mục III.2.b".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from knowledge.shared.text import fold_vi, normalize_vi

_ROMAN = re.compile(r"^(?P<num>[IVX]{1,5})\.\s+(?P<title>.+)$")
# "3." or, a level deeper, "3.1." (kept at the arabic level: "3.1" replaces "3").
_ARABIC = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})?)\.\s+(?P<title>.+)$")
_LETTER = re.compile(r"^(?P<num>[a-zđ])\)\s*(?P<title>.*)$")
# What opens a paragraph before its words: a list mark or a heading's number (the three
# heading shapes above).
_MARKER = re.compile(r"^(?:[-+•]\s*|[a-zđ]\)\s*|\d{1,2}(?:\.\d{1,2})?\.\s+|[IVX]{1,5}\.\s+)")
# Emphasis stars and footnote calls ("⁽¹⁾") whose notes are not in the source.
_MARKUP = re.compile(r"\*+|⁽[⁰¹²³⁴⁵⁶⁷⁸⁹]+⁾")
_SENTENCE_END = (".", "!", "?")
# An appendix starts on a line of its own; everything after it is a table for the task parsers.
_APPENDIX = "phu luc"


@dataclass(frozen=True)
class OutlineLine:
    number: int  # 1-based line number in the source file
    text: str  # NFC-normalised, white space collapsed
    path: tuple[str, ...]  # numbering of the headings above, e.g. ("III", "2", "b")
    titles: tuple[str, ...]  # their titles, same length as ``path``
    is_heading: bool


def section_label(path: tuple[str, ...]) -> str:
    """Human-readable citation of an outline path: ("III", "2", "b") → "Mục III.2.b"."""
    return "Mục " + ".".join(path) if path else "Phần mở đầu"


# A news item about a plan opens with the day the plan was issued ("Ngày 24/12/2019, Uỷ ban
# nhân dân tỉnh Hưng Yên ban hành Kế hoạch số 146/KH-UBND ...").
_NEWS_OPENING = re.compile(r"^Ngày \d{1,2}/\d{1,2}/\d{4},.*\bban hành\b")


def plain_sections(lines: Sequence[OutlineLine]) -> dict[int, str]:
    """How a text without outline cites its paragraphs, by line number: "Đoạn N", N counting
    its non-blank ``lines`` after the headline ("Bản tin, đoạn N" in a news item)."""
    news = len(lines) > 1 and _NEWS_OPENING.match(lines[1].text)
    label = "Bản tin, đoạn" if news else "Đoạn"
    return {line.number: f"{label} {n}" for n, line in enumerate(lines[1:], start=1)}


def is_letter(number: str) -> bool:
    """Whether an outline number is a lettered item ("a", "đ") rather than "III" or "2"."""
    return number.isalpha() and number.islower()


def walk(text: str, *, start: int = 1, stop: int | None = None) -> Iterator[OutlineLine]:
    """Yield the non-blank lines between ``start`` and ``stop`` (1-based, inclusive) with their
    outline path."""
    path: list[str] = []
    titles: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if number < start or (stop is not None and number > stop):
            continue
        line = normalize_vi(raw)
        if not line:
            continue
        level, match = _heading(line)
        if match is not None:
            del path[level:], titles[level:]
            # A letter right under a roman heading (no arabic level) sits at level 1.
            path.append(match.group("num"))
            titles.append(match.group("title").strip())
        yield OutlineLine(number, line, tuple(path), tuple(titles), match is not None)


def _heading(line: str) -> tuple[int, re.Match[str] | None]:
    for level, pattern in enumerate((_ROMAN, _ARABIC, _LETTER)):
        match = pattern.match(line)
        if match:
            return level, match
    return 0, None


def line_before(text: str, prefixes: tuple[str, ...]) -> int | None:
    """Number of the line before the first line opening with one of ``prefixes``: where a
    walk stops so that a closing formula or signature block is not read as content."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith(prefixes):
            return number - 1
    return None


def clean_markup(text: str) -> str:
    """Text without emphasis stars and footnote calls, spaces collapsed."""
    return " ".join(_MARKUP.sub("", text).split())


# --- paragraphs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """An outline heading or a loose paragraph, with the lines a page break cut joined
    ("... đạt và vượt tỷ lệ 100%" / "chỉ tiêu do Tỉnh ủy, UBND tỉnh giao.")."""

    line: int  # 1-based line the paragraph starts on
    text: str  # as written: its lines joined by a space, marks and markup kept
    path: tuple[str, ...]
    titles: tuple[str, ...]
    is_heading: bool

    @property
    def body(self) -> str:
        """The words: without the opening list mark or heading number ("a) ", "2. ", "- "),
        emphasis stars and footnote calls."""
        return _MARKER.sub("", clean_markup(self.text))

    @property
    def bullet(self) -> bool:
        """Opened with "- ": a list item."""
        return self.text.startswith("- ")

    @property
    def ancestors(self) -> tuple[str, ...]:
        """Titles of the headings above this paragraph, not counting itself."""
        return self.titles[:-1] if self.is_heading else self.titles

    @property
    def topic(self) -> str:
        """Title of the nearest numbered (not lettered) heading above the paragraph."""
        levels = zip(self.path, self.ancestors, strict=False)
        titles = [title for number, title in levels if not is_letter(number)]
        return titles[-1] if titles else ""


_Continues = Callable[[Paragraph, OutlineLine], bool]


def paragraphs(lines: Iterable[OutlineLine], *, dash_starts_paragraph: bool) -> list[Paragraph]:
    """Paragraphs of a narrative part: a line continues the previous lettered item or
    paragraph when that one has not ended its sentence ("chủ động nghiên" / "cứu, sáng tạo"),
    or when it is a "- " sub-list line and ``dash_starts_paragraph`` is off (the report dates
    listed under "k) ... cụ thể:"). Numbered headings are never continued: the line after a
    unit's name is its own paragraph."""

    def continues(previous: Paragraph, line: OutlineLine) -> bool:
        if previous.is_heading and not is_letter(previous.path[-1]):
            return False
        if line.text.startswith(("- ", "+ ", "• ")):
            return not dash_starts_paragraph
        return not previous.body.endswith(_SENTENCE_END)

    return list(_joined(lines, continues))


def body_paragraphs(text: str) -> Iterator[Paragraph]:
    """Paragraphs of a whole plan body, where a line starting in lower case continues the
    sentence a page break cut. Stops at the appendix and skips tab-separated table rows: those
    are left to the task parsers."""
    raw_lines = text.splitlines()

    def body_lines() -> Iterator[OutlineLine]:
        for line in walk(text):
            if "\t" in raw_lines[line.number - 1]:
                continue
            if fold_vi(line.text) == _APPENDIX:
                return
            yield line

    return _joined(body_lines(), lambda _previous, line: line.text[0].islower())


def _joined(lines: Iterable[OutlineLine], continues: _Continues) -> Iterator[Paragraph]:
    """Lines as paragraphs; a heading always opens a new one."""
    pending: Paragraph | None = None
    for line in lines:
        if pending is not None and not line.is_heading and continues(pending, line):
            pending = replace(pending, text=f"{pending.text} {line.text}")
            continue
        if pending is not None:
            yield pending
        pending = Paragraph(line.number, line.text, line.path, line.titles, line.is_heading)
    if pending is not None:
        yield pending
