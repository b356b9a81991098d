"""Commune narrative parser (Long Điền A 2023)."""

from __future__ import annotations

from collections import Counter

import pytest

from knowledge.plans.ingest.generic import parse
from knowledge.plans.ingest.records import ParsedDocument, ParsedTask
from tests.paths import SOURCES

SOURCE = SOURCES / "longdiena-cchc-2023.txt"


@pytest.fixture(scope="module")
def document() -> ParsedDocument:
    return parse(SOURCE.read_text(encoding="utf-8"))


def task_at(document: ParsedDocument, line: int) -> ParsedTask:
    (task,) = [task for task in document.tasks if task.source.line == line]
    return task


def test_every_task_paragraph_of_parts_ii_to_iv_is_parsed(document: ParsedDocument) -> None:
    # The source has no area 6; area 4 is split into a) and b).
    assert Counter(task.source.section for task in document.tasks) == {
        "Mục II.1": 6,
        "Mục II.2": 4,
        "Mục II.3": 1,
        "Mục II.4.a": 4,
        "Mục II.4.b": 2,
        "Mục II.5": 4,
        "Mục II.7": 2,
        "Mục II.8": 3,
        "Mục II.9": 2,
        "Mục II.10": 1,
        "Mục III": 2,
        "Mục IV": 4,
    }


def test_assignment_lines_are_never_tasks(document: ParsedDocument) -> None:
    assert not [task for task in document.tasks if task.text.startswith(("Cơ quan", "Thời gian"))]


def test_thuc_hien_units_lead_when_no_chu_tri_is_given(document: ParsedDocument) -> None:
    # "- *Cơ quan thực hiện: Công chức VP – TK ; các ngành liên quan, Ban điều hành CCHC cấp xã.*"
    task = task_at(document, 49)
    assert task.text.startswith("Kiện toàn Ban điều hành CCHC cấp xã")
    assert task.lead_units == (
        "Công chức VP – TK",
        "các ngành liên quan, Ban điều hành CCHC cấp xã",
    )
    assert task.support_units == ()
    assert task.due_text == "Quý I/2023 và những năm tiếp theo"
    assert (task.ref, task.group) == ("-", "Công tác chỉ đạo, điều hành CCHC")


def test_chu_tri_and_phoi_hop_lines(document: ParsedDocument) -> None:
    task = task_at(document, 85)  # the area 3 paragraph, not a "- " item
    assert task.lead_units == ("CC VP -TK",)
    assert task.support_units == ("Bộ phận một cửa",)
    assert task.ref == ""
    assert task.due_text == "thường xuyên trong năm 2023 và những năm tiếp theo"


def test_thuc_hien_units_support_when_a_chu_tri_is_given(document: ParsedDocument) -> None:
    task = task_at(document, 127)
    assert task.lead_units == ("Công chức Văn Phòng – Thống kê(Phụ trách nội vụ)",)
    assert task.support_units == ("Các ngành có liên quan",)


def test_lettered_sub_area_groups_its_tasks(document: ParsedDocument) -> None:
    task = task_at(document, 97)
    assert task.group == "Đối với tổ kiểm tra công vụ"
    assert task.lead_units == ("Công chức Văn Phòng – Thống kê",)


def test_wrapped_item_is_joined_and_footnote_calls_dropped(document: ParsedDocument) -> None:
    assert "tuyên truyền phổ biến rộng rãi trong Nhân dân" in task_at(document, 67).text
    assert task_at(document, 75).text.endswith("tổ chức triển khai thực hiện theo kế hoạch.")


def test_area_without_body_is_its_own_task_without_units(document: ParsedDocument) -> None:
    task = task_at(document, 171)
    assert task.text.startswith("Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam huyện")
    assert task.lead_units == task.support_units == ()
    # Area 4's heading only introduces a) and b): it is no task.
    assert not [task for task in document.tasks if task.source.line == 93]


def test_funding_and_reporting_parts_take_their_thuc_hien_line(document: ParsedDocument) -> None:
    funding = task_at(document, 177)
    assert funding.text.startswith("Công chức Tài Chính – kế toán cân đối ngân sách")
    assert funding.lead_units == (
        "Công chức Tài Chính – Kế toán, Công chức VP - TK, các ngành liên quan",
    )
    assert task_at(document, 189).lead_units == ("CC VP - TK, các ngành liên quan",)


def test_part_v_duties_name_their_unit(document: ParsedDocument) -> None:
    part_v = [duty for duty in document.responsibilities if duty.source.section == "Mục V"]
    assert [(duty.unit, duty.role) for duty in part_v] == [
        ("Công chức Văn Phòng – Thống kê", "carry_out"),
        ("CC VP - TK", "carry_out"),
    ]
    assert part_v[1].text.startswith("Giao CC VP - TK thường xuyên theo dõi")


def test_a_duty_stated_in_a_paragraph_of_another_part_is_kept(document: ParsedDocument) -> None:
    # IV: "Công chức Văn Phòng – Thống kê hướng dẫn cụ thể các ngành thực hiện chế độ ..."
    (duty,) = [duty for duty in document.responsibilities if duty.source.section == "Mục IV"]
    assert duty.unit == "Công chức Văn Phòng – Thống kê"
    assert duty.text.startswith("Công chức Văn Phòng – Thống kê hướng dẫn cụ thể các ngành")
