"""The generic reader on the shapes plans take, written as the document readers hand them over
(tables as "| cell | cell |" lines), independent of any one shipped document."""

from __future__ import annotations

from datetime import date

from knowledge.plans.ingest.generic import parse
from knowledge.plans.ingest.metadata import read_metadata
from knowledge.plans.ingest.tables import table_tasks

APPENDIX = """\
PHỤ LỤC

| TT | Nội dung công việc | Thời hạn hoàn thành | Đơn vị phối hợp | Cơ quan chủ trì | Ghi chú |
| A | CẢI CÁCH THỂ CHẾ | CẢI CÁCH THỂ CHẾ | CẢI CÁCH THỂ CHẾ | CẢI CÁCH THỂ CHẾ | CẢI CÁCH THỂ CHẾ |
| I | Rà soát văn bản |
| 1 | Rà soát văn bản QPPL của tỉnh | Quý II/2025 | Các sở, ngành / UBND các xã | Sở Tư pháp | |
| 2 | Công bố danh mục văn bản hết hiệu lực | Tháng 12/2025 | | Sở Tư pháp | |
| II | Kiểm soát TTHC |
| TT | Nội dung công việc | Thời hạn hoàn thành | Đơn vị phối hợp | Cơ quan chủ trì | Ghi chú |
| 1 | Công khai thủ tục hành chính | Thường xuyên | Sở Tư pháp | Văn phòng UBND tỉnh | |
| 1 | Số hóa hồ sơ, kết quả | Thường xuyên | Sở Tư pháp | Văn phòng UBND tỉnh | |
"""


def test_columns_are_found_by_their_header_words_in_any_order() -> None:
    first, second, *_ = table_tasks(APPENDIX)
    assert first.text == "Rà soát văn bản QPPL của tỉnh"
    assert first.lead_units == ("Sở Tư pháp",)
    assert first.support_units == ("Các sở, ngành", "UBND các xã")  # " / " separates a list
    assert first.due_text == "Quý II/2025"
    assert second.support_units == ()  # an empty cell of a row with its own number is empty


def test_group_rows_give_context_and_a_repeated_header_is_skipped() -> None:
    tasks = table_tasks(APPENDIX)
    assert len(tasks) == 4
    assert [task.ref for task in tasks] == ["A.I.1", "A.I.2", "A.II.1", "A.II.1"]
    assert tasks[0].group == "CẢI CÁCH THỂ CHẾ – Rà soát văn bản"
    assert tasks[2].group == "CẢI CÁCH THỂ CHẾ – Kiểm soát TTHC"
    # A merged numbering cell repeated on two rows: two tasks of their own.
    assert [t.text for t in tasks[2:]] == [
        "Công khai thủ tục hành chính",
        "Số hóa hồ sơ, kết quả",
    ]


def test_a_header_repeated_without_its_numbering_column_keeps_the_table() -> None:
    text = (
        "| STT | Nhiệm vụ, giải pháp | Đơn vị thực hiện | Đơn vị phối hợp | Thời gian thực hiện |\n"
        "| I | Phát triển hạ tầng |\n"
        "| 1.1 | Phủ sóng di động | Sở Khoa học và Công nghệ | Các sở | 2026 - 2030 |\n"
        "| II | Phát triển dữ liệu |\n"
        "| Nội dung | Đơn vị thực hiện | Đơn vị phối hợp | Thời gian thực hiện |\n"
        "| 2.1 | Kho dữ liệu dùng chung | Công an tỉnh | Các sở | 2026 |\n"
    )
    tasks = table_tasks(text)
    assert [(t.ref, t.text, t.lead_units, t.due_text) for t in tasks] == [
        ("I.1.1", "Phủ sóng di động", ("Sở Khoa học và Công nghệ",), "2026 - 2030"),
        ("II.2.1", "Kho dữ liệu dùng chung", ("Công an tỉnh",), "2026"),
    ]


def test_a_body_row_using_header_words_is_not_a_header() -> None:
    text = (
        "| STT | Nhiệm vụ | Cơ quan chủ trì | Thời gian |\n"
        "| 1 | Tham mưu thực hiện nội dung kiểm tra công tác cải cách hành chính và kết quả "
        "thực hiện | Sở Nội vụ | Quý I |\n"
    )
    (task,) = table_tasks(text)
    assert task.lead_units == ("Sở Nội vụ",)


NARRATIVE = """\
KẾ HOẠCH
Thực hiện nhiệm vụ năm 2025

I. MỤC TIÊU
1. Phấn đấu 100% hồ sơ được giải quyết đúng hạn.

II. NHIỆM VỤ
1. Công tác chỉ đạo
- Kiện toàn Ban Chỉ đạo cải cách hành chính.
- Cơ quan chủ trì: Sở Nội vụ.
- Cơ quan phối hợp: Văn phòng UBND tỉnh.
- Thời gian thực hiện: Quý I/2025.
2. Kiểm soát thủ tục hành chính
Giao Văn phòng UBND tỉnh chủ trì, phối hợp với Sở Tư pháp rà soát quy trình nội bộ.
3. Sở Tài chính
a) Bố trí kinh phí thực hiện Kế hoạch.
b) Phối hợp Sở Nội vụ đánh giá chỉ số cải cách hành chính.

III. TỔ CHỨC THỰC HIỆN
1. Sở Nội vụ
a) Chủ trì, phối hợp với các sở, ngành theo dõi, đôn đốc thực hiện Kế hoạch.
b) Tổng hợp, báo cáo UBND tỉnh trước ngày 30/11 hằng năm.
2. Đề nghị Ủy ban Mặt trận Tổ quốc tỉnh phối hợp giám sát việc thực hiện.

Trên đây là Kế hoạch thực hiện nhiệm vụ năm 2025.
"""


def _task(document, start: str):
    (task,) = [t for t in document.tasks if t.text.startswith(start)]
    return task


def test_assignment_lines_give_lead_support_and_due_to_the_items_above() -> None:
    task = _task(parse(NARRATIVE), "Kiện toàn Ban Chỉ đạo")
    assert (task.lead_units, task.support_units, task.due_text) == (
        ("Sở Nội vụ",),
        ("Văn phòng UBND tỉnh",),
        "Quý I/2025",
    )


def test_a_lead_written_inside_the_sentence() -> None:
    task = _task(parse(NARRATIVE), "Giao Văn phòng UBND tỉnh chủ trì")
    assert task.lead_units == ("Văn phòng UBND tỉnh",)
    assert task.support_units == ("Sở Tư pháp",)


def test_a_heading_naming_a_unit_leads_the_items_below_it() -> None:
    document = parse(NARRATIVE)
    assert _task(document, "Bố trí kinh phí").lead_units == ("Sở Tài chính",)
    task = _task(document, "Phối hợp Sở Nội vụ đánh giá")
    assert (task.lead_units, task.support_units) == (("Sở Tài chính",), ("Sở Nội vụ",))


def test_duties_by_unit_and_the_tasks_they_state() -> None:
    document = parse(NARRATIVE)
    part_iii = [d for d in document.responsibilities if d.source.section.startswith("Mục III")]
    duties = [(d.unit, d.role) for d in part_iii]
    assert duties == [
        ("Sở Nội vụ", "lead"),
        ("Sở Nội vụ", "carry_out"),
        ("Ủy ban Mặt trận Tổ quốc tỉnh", "support"),
    ]
    led = _task(document, "Chủ trì, phối hợp với các sở, ngành")
    assert (led.lead_units, led.support_units) == (("Sở Nội vụ",), ("các sở, ngành",))
    # The closing formula is neither a task nor a duty.
    assert all("Trên đây" not in t.text for t in document.tasks)


def test_aims_are_no_tasks() -> None:
    assert all("100% hồ sơ" not in t.text for t in parse(NARRATIVE).tasks)


def test_metadata_from_a_header_table() -> None:
    text = (
        "| ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK -------- | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
        "| Số: 012/CT-UBND | Đắk Lắk, ngày 26 tháng 11 năm 2025 |\n\n"
        "CHỈ THỊ\n\n"
        "VỀ VIỆC TĂNG CƯỜNG CẢI CÁCH THỦ TỤC HÀNH CHÍNH TRÊN ĐỊA BÀN TỈNH ĐẮK LẮK\n\n"
        "Thời gian qua, tỉnh Đắk Lắk đã có nhiều nỗ lực.\n"
    )
    meta = read_metadata(text)
    assert (meta.number, meta.kind, meta.issued, meta.year) == (
        "012/CT-UBND",
        "CT",
        date(2025, 11, 26),
        2025,
    )
    assert (meta.issuer, meta.locality, meta.level) == ("UBND tỉnh Đắk Lắk", "Đắk Lắk", "province")
    assert meta.title == (
        "Chỉ thị về việc tăng cường cải cách thủ tục hành chính trên địa bàn tỉnh Đắk Lắk"
    )


def test_metadata_never_invents_what_the_page_leaves_blank() -> None:
    meta = read_metadata("Số: /KH-UBND TP. Hưng Yên, ngày tháng năm 2024\n\nKẾ HOẠCH\nCải cách\n")
    assert (meta.number, meta.issued, meta.year) == (None, None, 2024)
    assert read_metadata("Một đoạn văn không có tiêu đề.\n") == type(meta)()


def test_the_plan_year_is_not_a_horizon() -> None:
    text = (
        "| Số: 552/KH-UBND | Đồng Tháp, ngày 19 tháng 11 năm 2025 |\n\nKẾ HOẠCH\n\n"
        "THỰC HIỆN LỘ TRÌNH ĐỔI MỚI CÔNG NGHỆ ĐẾN NĂM 2035 TRÊN ĐỊA BÀN TỈNH ĐỒNG THÁP\n"
    )
    assert read_metadata(text).year == 2025


def test_a_table_of_targets_gives_targets_with_their_figures_and_tasks_with_their_leads() -> None:
    text = (
        "| STT | Chỉ tiêu | Năm 2025 | Năm 2026 | Đơn vị chủ trì |\n"
        "| 1 | Tỷ lệ hồ sơ trực tuyến toàn trình | 60% | 80% | Văn phòng UBND tỉnh |\n"
        "| 2 | Số hóa kết quả giải quyết TTHC | 100% | 100% | Sở Khoa học và Công nghệ |\n"
    )
    document = parse(text)
    assert [t.text for t in document.targets] == [
        "Tỷ lệ hồ sơ trực tuyến toàn trình: Năm 2025: 60%; Năm 2026: 80%",
        "Số hóa kết quả giải quyết TTHC: Năm 2025: 100%; Năm 2026: 100%",
    ]
    assert [t.lead_units for t in document.tasks] == [
        ("Văn phòng UBND tỉnh",),
        ("Sở Khoa học và Công nghệ",),
    ]


def test_other_labels_of_the_assignment_lines() -> None:
    text = (
        "I. NHIỆM VỤ\n"
        "1. Số hóa hồ sơ\n"
        "- Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính.\n"
        "- Cơ quan, đơn vị chủ trì: Sở Khoa học và Công nghệ.\n"
        "- Sản phẩm: Kho dữ liệu số.\n"
        "- Tiến độ hoàn thành: Quý IV/2025.\n"
        "2. Tập huấn\n"
        "- Tập huấn kỹ năng số cho cán bộ.\n"
        "- Trách nhiệm thực hiện: Sở Nội vụ.\n"
    )
    first, second = parse(text).tasks
    assert (first.lead_units, first.product, first.due_text) == (
        ("Sở Khoa học và Công nghệ",),
        "Kho dữ liệu số",
        "Quý IV/2025",
    )
    assert second.lead_units == ("Sở Nội vụ",)


def test_role_headings_under_a_unit_give_their_role_to_the_items_below() -> None:
    text = (
        "I. TỔ CHỨC THỰC HIỆN\n"
        "1. Sở Công Thương\n"
        "a) Chủ trì, phối hợp với các sở, ban, ngành, UBND các xã, phường\n"
        "- Tổ chức tập huấn kiến thức về hội nhập kinh tế quốc tế.\n"
        "b) Phối hợp với các sở, ngành\n"
        "- Hỗ trợ các nhà đầu tư phát triển hạ tầng thương mại.\n"
        "2. Sở Tư pháp\n"
        "- Tổng hợp, báo cáo UBND tỉnh.\n"
    )
    document = parse(text)
    assert [(d.unit, d.role) for d in document.responsibilities] == [
        ("Sở Công Thương", "lead"),
        ("Sở Công Thương", "support"),
        ("Sở Tư pháp", "carry_out"),
    ]
    led, supported = document.tasks
    assert (led.lead_units, led.support_units) == (
        ("Sở Công Thương",),
        ("các sở, ban, ngành, UBND các xã, phường",),
    )
    assert (supported.lead_units, supported.support_units) == ((), ("Sở Công Thương",))


def test_a_heading_that_is_a_sentence_names_no_unit() -> None:
    text = (
        "I. CHẾ ĐỘ BÁO CÁO\n"
        "1. Sở Công Thương tổng hợp báo cáo UBND tỉnh về tình hình thực hiện Kế hoạch.\n"
        "- Báo cáo định kỳ 6 tháng, hằng năm.\n"
    )
    document = parse(text)
    # The sentence is the unit's duty; it does not lead the items below it.
    assert [(d.unit, d.role) for d in document.responsibilities] == [
        ("Sở Công Thương", "carry_out")
    ]
    assert [task.lead_units for task in document.tasks] == [(), ()]
