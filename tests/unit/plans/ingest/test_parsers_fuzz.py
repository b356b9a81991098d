"""Every whole-document parser against arbitrary text and mangled copies of the real documents.

A parser may refuse a document it cannot read with ValueError (the error its docstrings and
the build report name), never with anything else; and every fact it returns points at a line
that exists in the text it was given, since answers cite that line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.plans.ingest import PARSERS
from knowledge.plans.ingest.deadlines import extract_deadlines
from knowledge.plans.ingest.records import ParsedDocument, SourceRef
from knowledge.plans.ingest.targets import extract_targets
from knowledge.plans.manifest import load_manifests
from knowledge.shared.text import fold_vi

Parser = Callable[[str], Iterable[SourceRef]]


def _document_sources(parse: Callable[[str], ParsedDocument]) -> Parser:
    def sources(text: str) -> list[SourceRef]:
        parsed = parse(text)
        facts = [*parsed.tasks, *parsed.targets, *parsed.deadlines, *parsed.responsibilities]
        return [fact.source for fact in facts]

    return sources


PARSER_SOURCES: dict[str, Parser] = {
    **{name: _document_sources(parse) for name, parse in PARSERS.items()},
    "targets": lambda text: [target.source for target in extract_targets(text)],
    "deadlines": lambda text: [deadline.source for deadline in extract_deadlines(text)],
}


@cache
def real_documents() -> dict[str, str]:
    """Parser name → a shipped document it reads (all documents for the others)."""
    by_parser: dict[str, str] = {}
    for manifest in load_manifests():
        by_parser[manifest.parser] = manifest.read_text()
    return by_parser


def _documents_for(name: str) -> list[str]:
    documents = real_documents()
    return [documents[name]] if name in documents else list(documents.values())


def assert_within(sources: Iterable[SourceRef], text: str) -> None:
    line_count = len(text.splitlines())
    for source in sources:
        assert 1 <= source.line <= line_count, source


def assert_parses_within(parse: Parser, text: str) -> None:
    try:
        sources = list(parse(text))
    except ValueError:
        return
    assert_within(sources, text)


# Lines as plan documents write them: numbering, table rows, dates, the words parsers key on.
_PLAN_WORDS = st.sampled_from(
    [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. NHIỆM VỤ",
        "1. Cải cách thể chế",
        "a) Phòng Tư pháp chủ trì, phối hợp với các phòng, ban",
        "- Thời gian hoàn thành: Quý II/2024",
        "| 1 | Số hóa hồ sơ | Văn phòng HĐND-UBND | Các phòng | Năm 2024 |",
        "TT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành",
        "Chỉ số nội dung",
        "PHỤ LỤC",
        "Báo cáo CCHC định kỳ hằng quý trước ngày 15 của tháng cuối quý",
        "phấn đấu 100% hồ sơ được giải quyết đúng hạn",
        "IV. TỔ CHỨC THỰC HIỆN",
        "",
    ]
)
_LINES = st.lists(st.one_of(_PLAN_WORDS, st.text(max_size=80)), max_size=40)


@pytest.mark.parametrize("name", sorted(PARSER_SOURCES))
@settings(max_examples=40, deadline=None)
@given(lines=_LINES)
def test_arbitrary_text_is_parsed_or_refused_with_value_error(name: str, lines: list[str]) -> None:
    assert_parses_within(PARSER_SOURCES[name], "\n".join(lines))


@st.composite
def mangled(draw: st.DrawFn, document: str) -> str:
    """The document with a few lines dropped, repeated, moved, folded or cut short."""
    lines = document.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["drop", "repeat", "move", "fold", "cut", "junk"]))
        if edit == "drop":
            del lines[at : at + draw(st.integers(1, 30))]
        elif edit == "repeat":
            lines[at:at] = lines[at : at + draw(st.integers(1, 10))]
        elif edit == "move":
            lines.insert(draw(st.integers(0, len(lines))), lines.pop(at))
        elif edit == "fold":
            lines[at] = fold_vi(lines[at])
        elif edit == "cut":
            lines[at] = lines[at][: draw(st.integers(0, len(lines[at])))]
        else:
            lines.insert(at, draw(st.text(max_size=40)))
    return "\n".join(lines)


@pytest.mark.parametrize("name", sorted(PARSER_SOURCES))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mangled_real_documents_are_parsed_or_refused_with_value_error(
    name: str, data: st.DataObject
) -> None:
    document = data.draw(st.sampled_from(_documents_for(name)))
    assert_parses_within(PARSER_SOURCES[name], data.draw(mangled(document)))


@pytest.mark.parametrize("name", sorted(PARSER_SOURCES))
def test_the_real_documents_themselves_parse_with_facts_within_them(name: str) -> None:
    for document in _documents_for(name):
        assert_within(PARSER_SOURCES[name](document), document)
