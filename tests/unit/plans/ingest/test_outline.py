"""The outline walker and the paragraphs it joins, on the real documents."""

from __future__ import annotations

from knowledge.plans.ingest.outline import body_paragraphs, line_before, paragraphs, walk
from tests.paths import SOURCES


def _source(slug: str) -> str:
    return (SOURCES / f"{slug}.txt").read_text(encoding="utf-8")


def test_body_paragraphs_stop_at_the_appendix_and_skip_table_rows() -> None:
    paragraphs = list(body_paragraphs(_source("hungyen-tp-papi-2023")))
    assert paragraphs[-1].text == "Doãn Quốc Hoàn"
    assert not any("Thời gian thực hiện" in p.text for p in paragraphs)


def test_body_paragraphs_join_a_sentence_cut_by_a_page_break() -> None:
    paragraphs = {p.line: p for p in body_paragraphs(_source("hungyen-tp-cchc-2024"))}
    assert paragraphs[22].body.endswith(
        "chủ động nghiên cứu, sáng tạo, quyết liệt áp dụng những "
        "giải pháp mới để CCHC là khâu đột phá trong quản lý hành "
        "chính nhà nước."
    )
    assert 24 not in paragraphs


def test_body_drops_the_heading_number_and_footnote_calls_but_text_keeps_them() -> None:
    by_line = {p.line: p for p in body_paragraphs(_source("longdiena-cchc-2023"))}
    report = by_line[183]
    assert report.text.endswith("tháng 9, tháng 12⁽⁷⁾.")
    assert report.body.endswith("tháng 9, tháng 12.")
    heading = next(p for p in by_line.values() if p.is_heading and p.path == ("IV",))
    assert (heading.text, heading.body) == (
        "IV. CHẾ ĐỘ THÔNG TIN, BÁO CÁO",
        "CHẾ ĐỘ THÔNG TIN, BÁO CÁO",
    )


def test_narrative_paragraphs_keep_report_dates_with_their_item_or_as_bullets() -> None:
    text = _source("hungyen-tp-cchc-2024")
    lines = list(walk(text, stop=line_before(text, ("Trên đây là",))))
    joined = {p.line: p for p in paragraphs(lines, dash_starts_paragraph=False)}
    assert joined[246].body.endswith("- Báo cáo CCHC năm 2024: trước ngày 14/12/2024.")
    bullets = [p for p in paragraphs(lines, dash_starts_paragraph=True) if p.bullet]
    assert any(p.body == "Báo cáo CCHC năm 2024: trước ngày 14/12/2024." for p in bullets)


def test_line_before_the_closing_formula() -> None:
    text = _source("hungyen-tp-cchc-2024")
    stop = line_before(text, ("Trên đây là",))
    assert stop is not None
    assert text.splitlines()[stop].startswith("Trên đây là")
    assert line_before(text, ("Không có dòng này",)) is None
