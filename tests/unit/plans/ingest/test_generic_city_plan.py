"""City plan parser (Hưng Yên 2024); the narrative parsers' gold tasks."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml

from knowledge.plans.ingest.generic import parse
from knowledge.plans.ingest.records import ParsedDocument, ParsedResponsibility, ParsedTask
from knowledge.shared.text import fold_vi
from tests.paths import GOLD, SOURCES


@pytest.fixture(scope="module")
def document() -> ParsedDocument:
    return parse((SOURCES / "hungyen-tp-cchc-2024.txt").read_text(encoding="utf-8"))


def task_at(document: ParsedDocument, line: int) -> ParsedTask:
    (task,) = [task for task in document.tasks if task.source.line == line]
    return task


def duty_at(document: ParsedDocument, line: int) -> ParsedResponsibility:
    (duty,) = [duty for duty in document.responsibilities if duty.source.line == line]
    return duty


def test_every_lettered_item_of_part_iii_is_a_task_of_its_area(document: ParsedDocument) -> None:
    plan_tasks = [task for task in document.tasks if task.source.section.startswith("Mục III.")]
    assert Counter(task.group for task in plan_tasks) == {
        "Cải cách thể chế": 5,
        "Cải cách thủ tục hành chính": 10,
        "Cải cách tổ chức bộ máy": 6,
        "Cải cách chế độ công vụ": 7,
        "Cải cách tài chính công": 7,
        "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số": 5,
    }
    # Part III names no unit: nothing may be invented for it.
    assert all(not task.lead_units and not task.support_units for task in plan_tasks)


def test_part_iii_task_keeps_its_letter_and_section(document: ParsedDocument) -> None:
    task = task_at(document, 108)
    assert (task.source.section, task.ref) == ("Mục III.1.a", "a)")
    assert task.text.startswith("Đổi mới và nâng cao chất lượng công tác xây dựng, ban hành")


def test_page_wrapped_item_is_joined_into_one_task(document: ParsedDocument) -> None:
    # "d) Thực hiện sắp xếp đơn vị hành chính cấp xã trên địa bàn thành phố" / "theo Đề án ..."
    assert "trên địa bàn thành phố theo Đề án sắp xếp đơn vị hành chính cấp xã" in (
        task_at(document, 150).text
    )


def test_appendix_note_is_not_glued_to_the_last_task(document: ParsedDocument) -> None:
    assert task_at(document, 200).text.endswith(
        "được đồng bộ danh mục TTHC với cổng Dịch vụ công quốc gia."
    )
    assert not any("Phụ lục đính kèm" in task.text for task in document.tasks)


def test_every_duty_of_part_iv_is_kept_under_its_unit_as_written(document: ParsedDocument) -> None:
    assert Counter(duty.unit for duty in document.responsibilities) == {
        "Ban Chỉ đạo cải cách hành chính thành phố": 10,  # intro line + 9 letters
        "Các phòng chuyên môn, đơn vị sự nghiệp công lập thuộc thành phố; UBND các phường, xã": 9,
        "Phòng Nội vụ thành phố": 7,
        "Văn phòng HĐND và UBND thành phố": 9,
        "Phòng Tư pháp thành phố": 4,
        "Phòng Tài chính - Kế hoạch thành phố": 5,
        "Phòng Văn hóa và Thông tin thành phố": 4,
        "Trung tâm Văn hóa và truyền thanh thành phố": 2,
    }
    assert Counter(duty.role for duty in document.responsibilities) == {
        "lead": 9,
        "support": 7,
        "carry_out": 34,
    }


def test_duplicate_numbering_of_the_source_is_cited_as_printed(document: ParsedDocument) -> None:
    # The source numbers both "Các phòng chuyên môn ..." and "Phòng Nội vụ" as "2.".
    collective, home_affairs = duty_at(document, 230), duty_at(document, 255)
    assert collective.source.section == home_affairs.source.section == "Mục IV.2.a"
    assert home_affairs.unit == "Phòng Nội vụ thành phố"


def test_tu_phap_leads_cai_cach_the_che(document: ParsedDocument) -> None:
    task = task_at(document, 293)
    assert task.text.startswith("Chủ trì, phối hợp với các cơ quan có liên quan tham mưu")
    assert "các nhiệm vụ về cải cách thể chế" in task.text
    assert task.lead_units == ("Phòng Tư pháp thành phố",)
    assert task.support_units == ("các cơ quan có liên quan",)
    assert (task.source.section, task.ref) == ("Mục IV.4.a", "a)")


def test_chu_tri_without_comma_names_its_partner(document: ParsedDocument) -> None:
    # "b) Chủ trì phối hợp với Trung tâm Văn hóa và Truyền thanh thành phố xây dựng ..."
    task = task_at(document, 319)
    assert task.lead_units == ("Phòng Văn hóa và Thông tin thành phố",)
    assert task.support_units == ("Trung tâm Văn hóa và Truyền thanh thành phố",)


def test_chu_tri_in_a_later_sentence_makes_the_duty_lead(document: ParsedDocument) -> None:
    # "c) Thực hiện việc theo dõi, cập nhật ... Chủ trì, đôn đốc UBND các phường, xã ..."
    assert duty_at(document, 275).role == "lead"
    assert task_at(document, 275).lead_units == ("Văn phòng HĐND và UBND thành phố",)


def test_phoi_hop_duty_supports_without_a_guessed_lead(document: ParsedDocument) -> None:
    # "c) Phối hợp với Phòng Nội vụ và các phòng, ban chuyên môn liên quan kiểm tra ..."
    task = task_at(document, 299)
    assert task.lead_units == ()
    assert task.support_units == ("Phòng Tư pháp thành phố",)


def test_plain_duty_is_a_responsibility_only(document: ParsedDocument) -> None:
    # "a) Hướng dẫn, đôn đốc, theo dõi, kiểm tra các cơ quan chuyên môn ..."
    assert duty_at(document, 255).role == "carry_out"
    assert not [task for task in document.tasks if task.source.line == 255]


def test_report_dates_stay_with_their_duty_and_markup_is_dropped(
    document: ParsedDocument,
) -> None:
    assert duty_at(document, 246).text.endswith(
        "- Báo cáo CCHC quý III năm 2024: trước ngày 14/9/2024; "
        "- Báo cáo CCHC năm 2024: trước ngày 14/12/2024."
    )
    assert "(qua Phòng Nội vụ) trước ngày 20/01/2024;" in duty_at(document, 230).text


def test_closing_formula_and_signature_are_no_duties(document: ParsedDocument) -> None:
    assert max(duty.source.line for duty in document.responsibilities) == 331
    assert duty_at(document, 331).text.endswith("trên địa bàn thành phố.")


def test_no_targets_or_deadlines_are_emitted(document: ParsedDocument) -> None:
    assert document.targets == [] and document.deadlines == []


GOLD_DOCUMENTS = ["hungyen-tp-cchc-2024", "longdiena-cchc-2023", "hungyen-tinh-cchc-2020"]


def _covers(parsed: tuple[str, ...], gold: list[str]) -> bool:
    # The parser leaves comma lists whole ("CC VP -TK, các ngành liên quan"); gold lists names.
    return all(any(fold_vi(name) in fold_vi(unit) for unit in parsed) for name in gold)


@pytest.mark.parametrize("slug", GOLD_DOCUMENTS)
def test_narrative_documents_give_every_hand_read_gold_task(slug: str) -> None:
    parsed = parse((SOURCES / f"{slug}.txt").read_text(encoding="utf-8"))
    gold = yaml.safe_load((GOLD / f"{slug}.yaml").read_text(encoding="utf-8"))
    assert gold["document"] == slug
    for fact in gold["tasks"]:
        (task,) = [task for task in parsed.tasks if fold_vi(fact["query"]) in fold_vi(task.text)]
        assert _covers(task.lead_units, fact["lead"]), fact
        assert _covers(task.support_units, fact.get("support", [])), fact
        if "due" in fact:
            assert task.due_text == fact["due"], fact
