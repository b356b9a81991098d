"""The PAPI appendix table parser, on the real document and on real lines cut from it."""

from __future__ import annotations

from functools import cache

import pytest
import yaml

from knowledge.plans.ingest.records import ParsedTask
from knowledge.plans.ingest.tables import table_tasks
from knowledge.shared.text import fold_vi
from tests.paths import GOLD, SOURCES

SOURCE = SOURCES / "hungyen-tp-papi-2023.txt"
GOLD_FILE = GOLD / "hungyen-tp-papi-2023.yaml"

HEADER = (
    "TT\tChỉ số nội dung\tNội dung thành phần\tNhiệm vụ\tKết quả\tĐơn vị chủ trì"
    "\tĐơn vị phối hợp thực hiện\tThời gian thực hiện\t\t"
)


@cache
def _source_lines() -> tuple[str, ...]:
    return tuple(SOURCE.read_text(encoding="utf-8").split("\n"))


@cache
def _tasks() -> dict[int, ParsedTask]:
    """All tasks of the real document by source line."""
    tasks = table_tasks(SOURCE.read_text(encoding="utf-8"))
    return {task.source.line: task for task in tasks}


def _excerpt(first: int, last: int) -> str:
    """Real source lines ``first``..``last`` (1-based, inclusive)."""
    return "\n".join(_source_lines()[first - 1 : last])


def test_every_table_row_yields_one_task() -> None:
    # Counted by hand: 81 tab-separated lines from line 161 on, 10 of them header rows.
    body_rows = {
        number
        for number, line in enumerate(_source_lines(), start=1)
        if "\t" in line and "Đơn vị chủ trì" not in line
    }
    assert len(body_rows) == 71
    assert set(_tasks()) == body_rows


def test_blank_cells_inherit_the_merged_cell_above() -> None:
    # Lines 162-165: 1.a; line 164 names its own leads, line 165 is blank from column 1 on.
    tasks = table_tasks(_excerpt(161, 165))
    lead_ban_tuyen_giao = ("Ban Tuyên giáo Thành ủy", "Phòng Văn hóa - Thông tin")
    assert [task.lead_units for task in tasks] == [
        ("Phòng Nội vụ",),
        ("Phòng Nội vụ",),
        lead_ban_tuyen_giao,
        lead_ban_tuyen_giao,
    ]
    last = tasks[-1]
    assert last.text.startswith("Đăng thông cáo báo chí và trên cổng thông tin của thành phố")
    assert last.ref == "1.a"
    assert last.support_units == (
        "Ủy ban MTTQVN và các đoàn thể chính trị các cấp",
        "UBND các phường, xã",
        "Trung tâm Văn hóa và truyền thanh thành phố",
    )
    assert last.due_text.startswith("Thường xuyên khi có công tác bầu cử")


def test_page_furniture_and_repeated_header_between_blocks_are_skipped() -> None:
    # Header, first row of TT 1, then lines 172-178: the end of TT 1, the page line
    # "ỦY BAN NHÂN DÂN", the header again and the first row of TT 2.
    tasks = table_tasks(_excerpt(161, 162) + "\n" + _excerpt(172, 178))
    assert [task.source.line for task in tasks] == [2, 3, 4, 9]
    assert tasks[2].ref == "1.d"
    first_of_2 = tasks[-1]
    assert first_of_2.ref == "2.a"
    assert first_of_2.group == (
        "Chỉ số nội dung 2: Việc thực hiện dân chủ trong hoạt động của cơ quan, đơn vị"
        " – Ban hành nội quy, quy chế của cơ quan, đơn vị"
    )
    assert first_of_2.lead_units == ("Các cơ quan, đơn vị", "UBND các phường xã")


@pytest.mark.parametrize(
    ("line", "ref", "group_start"),
    [
        (
            190,
            "3.d",
            "Chỉ số nội dung 3: Công khai, minh bạch trong việc ra quyết định – Công khai",
        ),
        (216, "6.b", "Chỉ số nội dung 6: Thủ tục hành chính công – Dịch vụ cấp phép xây dựng"),
        (240, "7.c", "Chỉ số nội dung 7: Cung ứng dịch vụ công – Cơ sở hạ tầng căn bản"),  # "IT"
    ],
)
def test_rows_after_a_repeated_header_stay_in_their_block(
    line: int, ref: str, group_start: str
) -> None:
    task = _tasks()[line]
    assert task.ref == ref
    assert task.group.startswith(group_start)
    assert task.source.section == f"Phụ lục, mục {ref}"


def test_component_in_the_index_column_keeps_the_index_label() -> None:
    task = _tasks()[211]  # "\td) Quyết tâm chống tham nhũng ..." under TT 5
    assert task.ref == "5.d"
    assert task.group == (
        "Chỉ số nội dung 5: Kiểm soát tham nhũng trong khu vực công"
        " – Quyết tâm chống tham nhũng của chính quyền địa phương"
    )


def test_tt_1_has_no_index_label_and_tt_8_no_component_letter() -> None:
    assert _tasks()[166].group == "Chỉ số nội dung 1 – Cơ hội tham gia"
    assert _tasks()[244].ref == "8"
    assert _tasks()[244].group == (
        "Chỉ số nội dung 8: Quản trị môi trường – Nghiêm túc trong bảo vệ môi trường"
    )


def test_both_b_rows_of_tt_4_are_4b() -> None:
    assert _tasks()[194].ref == _tasks()[196].ref == "4.b"
    assert _tasks()[196].lead_units == ("Thanh tra thành phố",)


def test_html_cells_become_clean_text() -> None:
    for task in _tasks().values():
        fields = (task.text, task.product, *task.lead_units, *task.support_units, task.due_text)
        assert not any("<" in field or ">" in field for field in fields), task.source
    ol_cell = _tasks()[179].text
    assert ol_cell.startswith("Công khai những nội dung sau: Chủ trương, chính sách của Đảng")
    assert _tasks()[184].product == "Các văn bản triển khai, báo cáo; Các hình thức công khai..."
    assert _tasks()[184].text.startswith(
        "Phối hợp với các cơ quan, đơn vị, địa phương tiếp tục tuyên truyền"
    )
    assert "thuận lợi, đúng quy định." in _tasks()[202].text
    assert (
        "Tăng cường công tác đầu tư phát triển GTNT trung hạn và dài hạn; Triển khai các hoạt động"
        in _tasks()[240].text
    )
    assert _tasks()[216].product.endswith(
        "Công Dịch vụ công quốc gia; 100% TTHC đủ điều kiện được cung cấp dịch vụ công trực tuyến"
        " toàn trình"
    )


def test_unit_cells_split_on_semicolons_and_bullets_but_not_commas() -> None:
    assert _tasks()[203].support_units == (
        "Phòng Tài nguyên và MT",
        "Quản lý đô thị, Tài chính - KH",
        "Văn phòng HĐND-UBND và UBND các phường, xã",
    )
    assert _tasks()[185].lead_units == ("Phòng Lao động - Thương binh và xã hội",)
    assert _tasks()[186].support_units[-1] == "các cơ quan đơn vị có liên quan"  # "liên quan."
    assert _tasks()[190].lead_units == ("Phòng Tài nguyên và môi trường",)  # "môi trường;"
    assert _tasks()[212].support_units == ("Các cơ quan, đơn vị", "UBND các phường, xã")


def test_due_time_found_in_the_support_column_is_the_due() -> None:
    # "...\tPhòng Giáo dục và Đào tạo\tHoàn thành trước tháng 10 hàng năm\t": one cell short.
    task = _tasks()[235]
    assert task.lead_units == ("Phòng Giáo dục và Đào tạo",)
    assert task.support_units == ()
    assert task.due_text == "Hoàn thành trước tháng 10 hàng năm"
    assert _tasks()[237].due_text == "Hoàn thành trước tháng 10 hàng năm"  # merged below it


def test_text_without_the_table_gives_no_table_task() -> None:
    assert table_tasks(_excerpt(1, 160)) == []


def test_cells_beyond_the_header_are_not_read_as_columns() -> None:
    (task,) = table_tasks(HEADER + "\n1\ta) Tri thức công dân\t\tNhiệm vụ\t\t\t\t\t\tlạc cột")
    assert (task.text, task.ref, task.lead_units, task.due_text) == ("Nhiệm vụ", "1.a", (), "")


def _gold_tasks() -> list[dict[str, object]]:
    return yaml.safe_load(GOLD_FILE.read_text(encoding="utf-8"))["tasks"]


@pytest.mark.parametrize("gold", _gold_tasks(), ids=lambda gold: str(gold["query"])[:40])
def test_hand_read_gold_tasks_are_parsed(gold: dict[str, object]) -> None:
    query = fold_vi(str(gold["query"]))
    found = [task for task in _tasks().values() if query in fold_vi(task.text)]
    assert len(found) == 1, f"{len(found)} tasks match"
    task = found[0]
    assert list(task.lead_units) == gold["lead"]
    assert set(gold.get("support", [])) <= set(task.support_units)
    if "due" in gold:
        assert task.due_text == gold["due"]
