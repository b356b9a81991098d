"""normalize_due on the due texts the five plans actually print."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from knowledge.plans.ingest.due import KINDS, DueSpec, normalize_due
from tests.paths import SOURCES

D = date

# (text as printed, plan year, kind, start, end)
CASES = [
    # PAPI 2023 appendix, "Thời gian thực hiện" column
    ("Thường xuyên", 2023, "continuous", None, None),
    (
        "Thường xuyên khi có công tác bầu cử hoặc các văn bản của cấp có thẩm quyền chỉ đạo "
        "thực hiện",
        2023,
        "continuous",
        None,
        None,
    ),
    ("Thường xuyên; định kỳ", 2023, "continuous", None, None),
    ("Năm 2023 và các năm tiếp theo", 2023, "year", D(2023, 1, 1), D(2023, 12, 31)),
    ("Năm 2023 và hàng năm", 2023, "year", D(2023, 1, 1), D(2023, 12, 31)),
    ("Quý, năm", 2023, "year", D(2023, 1, 1), D(2023, 12, 31)),
    ("Năm 2023; 6 tháng; năm", 2023, "year", D(2023, 1, 1), D(2023, 12, 31)),
    ("Sau khi QHKSĐB được cơ quan nhà nước có thẩm quyền phê duyệt.", 2023, "unknown", None, None),
    ("Quý II, III năm 2023", 2023, "range", D(2023, 4, 1), D(2023, 9, 30)),
    ("Trong năm 2023", 2023, "year", D(2023, 1, 1), D(2023, 12, 31)),
    ("Trong năm học", 2023, "unknown", None, None),
    ("Hoàn thành trước tháng 10 hàng năm", 2023, "range", D(2023, 1, 1), D(2023, 9, 30)),
    ("Năm 2023-2025", 2023, "range", D(2023, 1, 1), D(2025, 12, 31)),
    # Hà Nội 2021 appendix, "Thời gian hoàn thành"
    ("Quý I/2021", 2021, "quarter", D(2021, 1, 1), D(2021, 3, 31)),
    ("Quý II/2021", 2021, "quarter", D(2021, 4, 1), D(2021, 6, 30)),
    ("Quý III/2021", 2021, "quarter", D(2021, 7, 1), D(2021, 9, 30)),
    ("Tháng 10/2021", 2021, "month", D(2021, 10, 1), D(2021, 10, 31)),
    # printed so in the 2021 plan (row VII.2); kept as written, not "corrected"
    ("Quý I/2020", 2021, "quarter", D(2020, 1, 1), D(2020, 3, 31)),
    ("Hằng tháng", 2021, "continuous", None, None),
    ("Theo hướng dẫn của Chính phủ, Bộ Nội vụ", 2021, "unknown", None, None),
    ("Ngay sau khi Chỉ số PAPI, SIPAS, PARINDEX được công bố", 2021, "unknown", None, None),
    ("Theo thời gian báo cáo CCHC định kỳ", 2021, "unknown", None, None),
    ("Theo chỉ đạo của Thành phố", 2021, "unknown", None, None),
    # Hà Nội 2021 body, in parentheses after a task
    ("ban hành tháng 01/2021", 2021, "month", D(2021, 1, 1), D(2021, 1, 31)),
    ("hoàn thành trong tháng 11/2021", 2021, "month", D(2021, 11, 1), D(2021, 11, 30)),
    ("hoàn thành trong Quý II/2021", 2021, "quarter", D(2021, 4, 1), D(2021, 6, 30)),
    # Long Điền A 2023, "Thời gian thực hiện:" lines
    ("Quý I/2023 và những năm tiếp theo.", 2023, "quarter", D(2023, 1, 1), D(2023, 3, 31)),
    ("thường xuyên trong năm 2023 và những năm tiếp theo.", 2023, "continuous", None, None),
    ("Quý II/2023 và những năm tiếp theo.", 2023, "quarter", D(2023, 4, 1), D(2023, 6, 30)),
    # Hưng Yên 2024 and PAPI 2023 body
    ("trước ngày **20/01/2024**", 2024, "date", D(2024, 1, 20), D(2024, 1, 20)),
    ("dự kiến quý II, quý III năm 2024", 2024, "range", D(2024, 4, 1), D(2024, 9, 30)),
    ("hoàn thành trong quý I năm 2023", 2023, "quarter", D(2023, 1, 1), D(2023, 3, 31)),
    (
        "Báo cáo CCHC 6 tháng năm 2024: trước ngày 14/6/2024",
        2024,
        "date",
        D(2024, 6, 14),
        D(2024, 6, 14),
    ),
    # shapes the brief names
    ("Tháng 12/2021", 2021, "month", D(2021, 12, 1), D(2021, 12, 31)),
    ("Trước ngày 15/6/2023", 2023, "date", D(2023, 6, 15), D(2023, 6, 15)),
    ("6 tháng; năm", 2023, "year", D(2023, 1, 1), D(2023, 12, 31)),
    ("Tháng 3 - 6/2021", 2021, "range", D(2021, 3, 1), D(2021, 6, 30)),
]


@pytest.mark.parametrize(("text", "year", "kind", "start", "end"), CASES)
def test_normalize_due_reads_the_printed_due_texts(text, year, kind, start, end):
    due = normalize_due(text, year)
    assert due.kind == kind
    assert due.start == start
    assert due.end == end


def test_the_text_is_kept_as_written_with_spaces_collapsed():
    assert normalize_due("Quý  I/2021 ", 2021) == DueSpec(
        "quarter", date(2021, 1, 1), date(2021, 3, 31), "Quý I/2021"
    )


def test_the_plan_year_fills_in_a_text_without_a_year():
    assert normalize_due("Hoàn thành trước tháng 10 hàng năm", 2024).end == date(2024, 9, 30)
    assert normalize_due("6 tháng; năm", 2024).start == date(2024, 1, 1)
    assert normalize_due("Quý I/2021", 2030).end == date(2021, 3, 31)  # a written year wins


def test_decomposed_unicode_reads_like_composed():
    decomposed = unicodedata.normalize("NFD", "Quý II, III năm 2023")
    assert normalize_due(decomposed, 2023).start == date(2023, 4, 1)


def _long_dien_a_due_texts() -> list[str]:
    text = (SOURCES / "longdiena-cchc-2023.txt").read_text(encoding="utf-8")
    marker = "Thời gian thực hiện:"
    return [
        line.split(marker, 1)[1].strip(" *")
        for line in text.splitlines()
        if marker in line and "*" in line
    ]


def test_every_long_dien_a_due_text_names_a_period_or_is_continuous():
    texts = _long_dien_a_due_texts()
    assert len(texts) == 9
    for text in texts:
        due = normalize_due(text, 2023)
        assert due.kind in {"quarter", "continuous"}, text


@pytest.mark.parametrize(("text", "year", "kind", "start", "end"), CASES)
def test_a_period_is_well_formed(text, year, kind, start, end):
    due = normalize_due(text, year)
    assert due.kind in KINDS
    if due.kind in {"continuous", "unknown"}:
        assert due.start is None and due.end is None
    else:
        assert due.start is not None and due.end is not None
        assert due.start <= due.end
