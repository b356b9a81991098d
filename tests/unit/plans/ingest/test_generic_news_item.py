"""News item parser (Hưng Yên province 2020)."""

from __future__ import annotations

import pytest

from knowledge.plans.ingest.generic import parse
from knowledge.plans.ingest.records import ParsedDocument
from tests.paths import SOURCES

SOURCE = SOURCES / "hungyen-tinh-cchc-2020.txt"
PROVINCE_OFFICE = "Văn phòng UBND tỉnh chủ trì, phối hợp với các sở, ban, ngành, UBND cấp huyện"


@pytest.fixture(scope="module")
def document() -> ParsedDocument:
    return parse(SOURCE.read_text(encoding="utf-8"))


def test_only_the_two_paragraphs_naming_a_unit_give_tasks(document: ParsedDocument) -> None:
    assert [(task.source.section, task.source.line) for task in document.tasks] == [
        ("Bản tin, đoạn 10", 21)
    ] * 4 + [("Bản tin, đoạn 11", 23)] * 2
    # Goal paragraphs open with a verb and name nobody.
    assert not any(task.text.startswith("Triển khai có hiệu quả") for task in document.tasks)


def test_lead_and_support_come_from_the_sentence(document: ParsedDocument) -> None:
    first = document.tasks[0]
    assert first.text.startswith("Các sở, ban, ngành và UBND cấp huyện theo chức năng, nhiệm vụ")
    assert first.lead_units == ("Các sở, ban, ngành", "UBND cấp huyện")
    assert first.support_units == ("các đơn vị liên quan",)
    office = document.tasks[4]
    assert office.text.startswith(PROVINCE_OFFICE)
    assert office.lead_units == ("Văn phòng UBND tỉnh",)
    assert office.support_units == ("các sở, ban, ngành, UBND cấp huyện",)


def test_sentences_without_subject_continue_the_paragraph_unit(document: ParsedDocument) -> None:
    _, iso, _, _, _, tthc = document.tasks
    assert iso.text.startswith("Duy trì và thực hiện chuyển đổi áp dụng Hệ thống quản lý")
    assert iso.lead_units == ("Các sở, ban, ngành", "UBND cấp huyện")
    assert iso.support_units == ()
    assert tthc.text.startswith("Chủ trì, phối hợp với các cơ quan liên quan tham mưu UBND tỉnh")
    assert tthc.lead_units == ("Văn phòng UBND tỉnh",)
    assert tthc.support_units == ("các cơ quan liên quan",)
