"""Tables flattened one cell per line, read through the generic reader: the Hà Nội 2021 plan's
appendix, the real document and real rows cut from it."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import pytest
import yaml

from knowledge.plans.ingest.flattened import flattened_tasks
from knowledge.plans.ingest.generic import parse
from knowledge.plans.ingest.records import ParsedDocument, ParsedTask
from knowledge.plans.units import split_units
from knowledge.shared.text import fold_vi
from tests.paths import GOLD, SOURCES

SOURCE = SOURCES / "hanoi-cchc-2021.txt"
GOLD_FILE = GOLD / "hanoi-cchc-2021.yaml"
APPENDIX_LINE = 234

# Just enough of the document around a cut of appendix rows for parse() to run.
HEAD = (
    "V. TỔ CHỨC THỰC HIỆN\n\nPHỤ LỤC\n\nSTT\n\nNội dung thực hiện\n\nSản phẩm\n\n"
    "Cơ quan, đơn vị chủ trì\n\nCơ quan, đơn vị phối hợp\n\nThời gian hoàn thành\n\n"
    "III\n\nCải cách TTHC và thực hiện cơ chế một cửa, một cửa liên thông\n\n"
)


@cache
def document_text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@cache
def document() -> ParsedDocument:
    return parse(document_text())


def appendix_tasks() -> list[ParsedTask]:
    """The tasks of the appendix table (section V's duties state two more, read generically)."""
    return [task for task in document().tasks if task.source.section.startswith("Phụ lục")]


def test_body_tasks_under_unit_headings_and_duties_that_lead_or_support() -> None:
    others = [task for task in document().tasks if task not in appendix_tasks()]
    # III.2 and III.3 are headed by the units that report; V.3 leads, V.4 supports.
    assert [(task.source.line, task.lead_units != ()) for task in others] == [
        (172, True),
        (176, True),
        (224, True),
        (228, False),
    ]
    assert others[0].lead_units == ("Các Sở, cơ quan tương đương Sở, UBND các quận, huyện, thị xã",)


def tasks_at(ref: str) -> list[ParsedTask]:
    return [task for task in appendix_tasks() if task.ref == ref]


def task_at(ref: str) -> ParsedTask:
    (task,) = tasks_at(ref)
    return task


def table(*cells: str) -> str:
    return HEAD + "\n\n".join(cells)


# --- nothing missing -----------------------------------------------------------------------


def test_every_numbered_and_dash_row_of_the_appendix_yields_a_task() -> None:
    appendix = document_text().splitlines()[APPENDIX_LINE - 1 :]
    numbered = [line for line in appendix if re.fullmatch(r"\d+", line)]
    dashes = [line for line in appendix if line == "-"]
    assert (len(numbered), len(dashes)) == (50, 2)  # grep -cx '[0-9]*' / grep -cx -- '-'
    report_rows = 2  # III.3 and III.4 each carry a second, unnumbered row
    assert len(appendix_tasks()) == len(numbered) + len(dashes) + report_rows == 54


def test_refs_and_lines_follow_the_printed_numbering() -> None:
    """Independent scan: a bare roman numeral opens a group, a bare number a task."""
    lines = document_text().splitlines()
    expected, group = [], ""
    for number, line in enumerate(lines[APPENDIX_LINE - 1 :], start=APPENDIX_LINE):
        if re.fullmatch(r"[IVX]+", line):
            group = line
        elif re.fullmatch(r"\d+", line):
            expected.append((f"{group}.{line}", number))
    numbered = [
        (task.ref, task.source.line)
        for task in appendix_tasks()
        if re.fullmatch(r"\d+", lines[task.source.line - 1])
    ]
    assert numbered == expected


def test_tasks_per_group_cover_all_seven_groups() -> None:
    counts = Counter(task.group for task in appendix_tasks())
    assert counts == {
        "Công tác chỉ đạo, điều hành CCHC": 12,
        "Cải cách thể chế": 4,
        "Cải cách TTHC và thực hiện cơ chế một cửa, một cửa liên thông": 11,
        "Cải cách tổ chức bộ máy": 8,
        "Cải cách chế độ công vụ": 3,
        "Cải cách tài chính công": 5,
        "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số": 11,
    }


def test_every_task_has_text_product_lead_and_due() -> None:
    for task in appendix_tasks():
        assert task.text and task.product and task.lead_units and task.due_text, task.ref


# --- the ordinary row ----------------------------------------------------------------------


def test_a_plain_row_fills_every_field_and_cites_its_line() -> None:
    assert task_at("I.1") == ParsedTask(
        text="Xây dựng Kế hoạch và thành lập các đoàn kiểm tra công vụ, kiểm tra CCHC.",
        source=task_at("I.1").source,
        ref="I.1",
        group="Công tác chỉ đạo, điều hành CCHC",
        product="Kế hoạch của UBND Thành phố",
        lead_units=("Sở Nội vụ",),
        support_units=("Sở, Ban, Ngành", "UBND các quận, huyện, thị xã"),
        due_text="Quý I/2021",
    )
    assert (task_at("I.1").source.section, task_at("I.1").source.line) == ("Phụ lục, mục I.1", 263)


def test_unbulleted_support_cell_and_worded_due() -> None:
    task = task_at("I.8")
    assert task.support_units == ("Sở, Ban, Ngành",)
    assert task.due_text == "Theo hướng dẫn của Bộ Nội vụ"


# --- irregular rows ------------------------------------------------------------------------


def test_bulleted_product_is_not_taken_for_a_unit() -> None:
    first = tasks_at("III.3")[0]
    assert first.product == (
        "Kế hoạch của UBND Thành phố - Quyết định thành lập Đoàn kiểm tra liên ngành của Thành phố"
    )
    assert first.lead_units == ("Sở Tài nguyên và Môi trường",)


def test_report_only_row_shares_the_task_and_units_but_has_its_own_due() -> None:
    task, report = tasks_at("III.3")
    assert report.text == task.text
    assert report.product == "Báo cáo kết quả thực hiện về UBND Thành phố (qua Sở Nội vụ)"
    assert report.lead_units == task.lead_units == ("Sở Tài nguyên và Môi trường",)
    assert report.support_units == task.support_units
    assert (task.due_text, report.due_text) == ("Quý I/2021", "Theo thời gian báo cáo CCHC định kỳ")
    assert (report.source.line, report.source.section) == (547, "Phụ lục, mục III.3")


def test_second_row_of_a_task_overrides_units_it_fills_in() -> None:
    guidance, monthly = tasks_at("III.4")
    assert (guidance.product, guidance.support_units, guidance.due_text) == (
        "Văn bản hướng dẫn",
        ("Sở Nội vụ",),
        "Quý I/2021",
    )
    assert monthly.product == "Báo cáo kết quả hàng tháng"
    assert monthly.lead_units == ("Văn phòng UBND Thành phố",)
    assert monthly.support_units == ("Sở, Ban, Ngành", "UBND các quận, huyện, thị xã")
    assert monthly.due_text == "Hằng tháng"


def test_dash_sub_tasks_share_the_parent_units_and_keep_their_own_due() -> None:
    parent, first, second = task_at("III.6"), task_at("III.6.-1"), task_at("III.6.-2")
    assert first.text.startswith("Rà soát, thống kê tên, nội dung các TTHC liên thông")
    assert (first.product, first.due_text) == ("Báo cáo thống kê, tổng hợp, đề xuất", "Quý II/2021")
    assert (second.product, second.due_text) == ("Quy chế phối hợp", "Quý III/2021")
    for sub in (first, second):
        assert sub.lead_units == parent.lead_units == ("Văn phòng UBND Thành phố",)
        assert sub.support_units == parent.support_units
        assert sub.group == parent.group
    assert (first.source.line, first.source.section) == (
        605,
        "Phụ lục, mục III.6, gạch đầu dòng thứ 1",
    )


def test_unit_lines_are_kept_as_written_for_the_resolver() -> None:
    # "- Các Sở: Kế hoạch và Đầu tư; ...; Lao động, Thương binh và xã hội." keeps its ";" so the
    # resolver can share "Sở" across them; only the bullet and the final stop go.
    assert task_at("III.6").support_units == (
        "Các Sở: Kế hoạch và Đầu tư; Xây dựng; Quy hoạch -Kiến trúc; Tài nguyên và Môi trường; "
        "Tài chính; Nội vụ; Lao động, Thương binh và xã hội",
        "UBND quận, huyện, thị xã",
    )
    # Line 327 "- Sở Nội vụ Văn phòng UBND Thành phố" lost a line break; I.4 prints the pair
    # on two lines, typo included.
    assert task_at("I.5").support_units == ("Sở Nội vụ Văn phòng UBND Thành phố",)
    assert task_at("I.4").support_units == ("Sở Nội vụ", "Vãn phòng UBND Thành phố")


def test_unit_names_with_commas_or_hyphens_stay_whole() -> None:
    assert task_at("VII.10").lead_units == ("Văn phòng UBNDTP",)
    assert task_at("IV.4").lead_units == ("Sở Tài nguyên và Môi trường",)
    second_iv_2 = tasks_at("IV.2")[1]
    assert second_iv_2.support_units == ("Sở Lao động - Thương binh và Xã hội",)


def test_duplicate_number_keeps_both_tasks_apart_by_line() -> None:
    first, second = tasks_at("IV.2")
    assert first.text == "Sắp xếp tổ chức bộ máy CBCC phường thực hiện mô hình chính quyền đô thị."
    assert second.text == "Sắp xếp các trường cao đẳng, trung cấp công lập thuộc Thành phố"
    assert (first.source.line, second.source.line) == (669, 681)
    assert (first.due_text, second.due_text) == ("Quý II/2021", "Quý I/2021")


def test_last_row_reads_its_due_from_the_unterminated_last_line() -> None:
    task = appendix_tasks()[-1]
    assert task.ref == "VII.11"
    assert task.due_text == "Tháng 10/2021"


def test_empty_cell_markers_are_optional() -> None:
    """Empty cells are no-break-space lines; dropping them must not shift any field."""
    text = document_text()
    assert "\n\xa0\n" in text
    assert parse(text.replace("\n\xa0\n", "\n\n")).tasks == document().tasks


def test_row_with_empty_cells_inherits_only_what_is_empty() -> None:
    text = table(
        "6",
        "Chủ trì, phối hợp với các cơ quan, vị xây quy chế phối hợp liên thông",
        "Kế hoạch của UBND Thành phố",
        "Văn phòng UBND Thành phố",
        "- UBND quận, huyện, thị xã",
        "Quý I/2021",
        "-",
        "Xây dựng và hoàn thiện quy chế phối hợp giữa các Sở",
        "Quy chế phối hợp",
        "\xa0",
        "Sở Nội vụ",
        "\xa0",
    )
    _, sub = parse(text).tasks
    assert sub.lead_units == ("Văn phòng UBND Thành phố",)
    assert sub.support_units == ("Sở Nội vụ",)
    assert sub.due_text == "Quý I/2021"


def test_empty_due_after_support_closes_the_row_before_a_report_row() -> None:
    text = table(
        "3",
        "Kiểm tra việc tiếp nhận, xử lý và giải quyết các TTHC về cấp giấy chứng nhận",
        "- Kế hoạch của UBND Thành phố - Quyết định thành lập Đoàn kiểm tra liên ngành của "
        "Thành phố",
        "Sở Tài nguyên và Môi trường",
        "- Sở, Ban, Ngành",
        "\xa0",
        "Báo cáo kết quả thực hiện về UBND Thành phố (qua Sở Nội vụ)",
        "\xa0",
        "\xa0",
        "Theo thời gian báo cáo CCHC định kỳ",
    )
    task, report = parse(text).tasks
    assert (task.due_text, report.due_text) == ("", "Theo thời gian báo cáo CCHC định kỳ")
    assert report.lead_units == ("Sở Tài nguyên và Môi trường",)


def test_unrecognised_cell_fails_loudly_with_its_line() -> None:
    # A sản phẩm where the thời gian should stand: refuse rather than guess.
    text = table(
        "1",
        "Xây dựng Kế hoạch thông tin tuyên truyền về kiểm soát TTHC",
        "Kế hoạch của UBND Thành phố",
        "Văn phòng UBNDTP",
        "- Sở, Ban, Ngành",
        "Kế hoạch của UBND Thành phố",
    )
    line = len(text.splitlines())
    with pytest.raises(ValueError, match=f"line {line}:"):
        flattened_tasks(text)
    # Through the generic reader the table gives no task (the build reports the low count)
    # and the document is read on.
    assert parse(text).tasks == []


# --- section V duties ----------------------------------------------------------------------


def test_section_v_duties_name_unit_role_and_place() -> None:
    duties = document().responsibilities
    assert len(duties) == 16  # 10 "-" bullets and 4 "+" bullets of V.1, then V.3 and V.4
    roles = Counter(duty.role for duty in duties)
    assert roles == {"carry_out": 14, "lead": 1, "support": 1}
    first = duties[0]
    assert first.unit.startswith("Giám đốc các Sở/Thủ trưởng các cơ quan tương đương Sở")
    assert first.text.startswith("Cụ thể hóa chỉ tiêu, nhiệm vụ Kế hoạch CCHC")
    assert (first.source.section, first.source.line) == ("Mục V.1", 188)


def test_plus_bullets_belong_to_the_unit_their_intro_names() -> None:
    district = [duty for duty in document().responsibilities if duty.unit == "UBND cấp huyện"]
    assert [duty.source.line for duty in district] == [210, 212, 214, 216]


def test_lead_and_support_duties_name_the_addressed_units() -> None:
    by_role = {duty.role: duty for duty in document().responsibilities}
    assert by_role["lead"].unit == (
        "Trường Đào tạo cán bộ Lê Hồng Phong Hà Nội và các Trung tâm bồi dưỡng chính trị quận, "
        "huyện, thị xã"
    )
    assert by_role["lead"].text.startswith("Chủ trì lồng ghép các nội dung CCHC")
    assert by_role["support"].unit == (
        "Đài Phát thanh và Truyền hình Hà Nội, Báo Hà Nội mới, Báo Kinh tế và Đô thị, "
        "Báo An ninh Thủ đô, Cổng Giao tiếp điện tử thành phố Hà Nội"
    )


def test_list_intros_appendix_pointer_and_closing_are_not_duties() -> None:
    lines = {duty.source.line for duty in document().responsibilities}
    # 186 "... các nhiệm vụ chủ yếu sau:", 208 "- Đối với UBND cấp huyện ...:",
    # 220 "(theo Phụ lục nhiệm vụ kèm theo)", 230 "Trên đây là Kế hoạch ..."
    assert lines.isdisjoint({186, 208, 220, 230})


# --- agreement with the hand-read gold facts -----------------------------------------------


def gold_tasks() -> list[dict]:
    return yaml.safe_load(GOLD_FILE.read_text(encoding="utf-8"))["tasks"]


def resolver_names(cells: tuple[str, ...]) -> list[str]:
    """Names as the build gets them: each cell line split by the unit resolver."""
    return [fold_vi(name) for cell in cells for name in split_units(cell)]


@pytest.mark.parametrize("fact", gold_tasks(), ids=lambda fact: fact["query"][:40])
def test_parser_agrees_with_gold(fact: dict) -> None:
    matches = [t for t in appendix_tasks() if fold_vi(fact["query"]) in fold_vi(t.text)]
    assert matches, fact["query"]
    for task in matches:
        assert resolver_names(task.lead_units) == [fold_vi(u) for u in fact["lead"]]
        assert {fold_vi(u) for u in fact.get("support", ())} <= set(
            resolver_names(task.support_units)
        )
        if "due" in fact:
            assert task.due_text == fact["due"]


def test_gold_covers_every_group() -> None:
    groups = {
        task.group
        for fact in gold_tasks()
        for task in appendix_tasks()
        if fold_vi(fact["query"]) in fold_vi(task.text)
    }
    assert len(gold_tasks()) >= 25
    assert groups == {task.group for task in appendix_tasks()}
