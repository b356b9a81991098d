"""Reporting deadlines: schedules read from real lines, next due day, whole-document extraction."""

from __future__ import annotations

import calendar
import unicodedata
from datetime import date

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from knowledge.plans.ingest.deadlines import (
    Recurrence,
    extract_deadlines,
    next_occurrence,
    parse_schedule,
    periodic_report,
)
from knowledge.shared.text import fold_vi
from tests.paths import GOLD, SOURCES

PLAN_YEAR = {
    "hungyen-tp-cchc-2024": 2024,
    "hungyen-tp-papi-2023": 2023,
    "hanoi-cchc-2021": 2021,
    "longdiena-cchc-2023": 2023,
    "hungyen-tinh-cchc-2020": 2020,
}
QUARTER_ENDS = (3, 6, 9, 12)

# Hà Nội 2021, heading III.1 and the rule under it (lines 164 and 166)
HANOI_PERIODS = (
    "1. Thời gian gửi báo cáo và thời điểm chốt số liệu báo cáo CCHC Quý I, 6 tháng, 9 tháng, "
    "báo cáo CCHC năm và các báo cáo chuyên đề CCHC"
)
HANOI_RULE = (
    "- Thời hạn UBND Thành phố (qua Sở Nội vụ) nhận báo cáo chậm nhất là ngày 15 của tháng "
    "cuối kỳ báo cáo."
)


def _source(slug: str) -> str:
    return (SOURCES / f"{slug}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("- Báo cáo CCHC quý III năm 2024: trước ngày 14/9/2024;", 2024, date(2024, 9, 14)),
        ("- Báo cáo CCHC năm 2024: trước ngày 14/12/2024.", 2024, date(2024, 12, 14)),
        ("Báo cáo 6 tháng đầu năm trước ngày 05/6/2023", 2023, date(2023, 6, 5)),
        # the bold markup of the source line
        (
            "gửi về UBND thành phố (*qua Phòng Nội vụ*) trước ngày **20/01/2024**",
            2024,
            date(2024, 1, 20),
        ),
        # no year written: the plan year
        ("báo cáo cả năm trước ngày 25/10", 2023, date(2023, 10, 25)),
    ],
)
def test_parse_schedule_reads_a_dated_deadline(text, year, expected):
    assert parse_schedule(text, year) == (expected, None)


def test_parse_schedule_reads_listed_months():
    line = (
        "- Kết quả thực hiện các nội dung trong kế hoạch này được báo cáo định kỳ 3 tháng, 6 "
        "tháng, 9 tháng, năm. Thời gian báo cáo: chậm nhất ngày 05 của các tháng 3, tháng 6, "
        "tháng 9, tháng 12⁽⁷⁾."
    )
    when, rule = parse_schedule(line, 2023)
    assert when is None
    assert rule == Recurrence(
        5, QUARTER_ENDS, "chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12"
    )


def test_the_rule_description_is_quoted_as_written_from_messy_input():
    messy = unicodedata.normalize(
        "NFD", "  Thời gian báo cáo:  chậm nhất ngày 05 của các tháng 3, tháng 6"
    )
    _, rule = parse_schedule(messy, 2023)
    assert rule is not None
    assert rule.description == "chậm nhất ngày 05 của các tháng 3, tháng 6"
    assert rule.months == (3, 6)


def test_a_quarter_end_rule_falls_in_the_last_month_of_each_quarter():
    line = (
        "chậm nhất ngày 15 của tháng cuối quý, tổng hợp, báo cáo kết quả kiểm tra hằng quý về "
        "UBND Thành phố (qua Sở Nội vụ)."
    )
    _, rule = parse_schedule(line, 2021)
    assert rule is not None
    assert (rule.day, rule.months) == (15, QUARTER_ENDS)
    assert rule.description == "chậm nhất ngày 15 của tháng cuối quý"


def test_an_end_of_period_rule_needs_the_periods_named():
    assert parse_schedule(HANOI_RULE, 2021) == (None, None)
    _, rule = parse_schedule(f"{HANOI_PERIODS}\n{HANOI_RULE}", 2021)
    assert rule is not None
    assert (rule.day, rule.months) == (15, QUARTER_ENDS)


def test_an_end_of_period_rule_takes_only_the_periods_named():
    # fragments of the real lines: a half-year report and a year report only
    _, rule = parse_schedule(
        "Báo cáo 6 tháng đầu năm; báo cáo cả năm: chậm nhất là ngày 15 của tháng cuối kỳ báo cáo",
        2023,
    )
    assert rule is not None
    assert rule.months == (6, 12)


@pytest.mark.parametrize(
    "line",
    [
        # a data cut-off, not a deadline to send anything
        "- Thời điểm chốt số liệu của từng loại báo cáo là từ ngày 10/12/2020 đến ngày 10 tháng "
        "cuối kỳ của báo cáo.",
        # a meeting some days after the month, not a day of the month
        "Tổ chức họp định kỳ hàng tháng (chậm nhất 05 ngày sau khi kết thúc tháng), cuối năm "
        "(chậm nhất 10 ngày sau khi kết thúc năm) rà soát, đánh giá",
        "e) Thực hiện chế độ báo cáo CCHC định kỳ, báo cáo đột xuất theo yêu cầu các cấp bảo đảm "
        "theo quy định.",
    ],
)
def test_lines_without_a_deadline_give_nothing(line):
    assert parse_schedule(line, 2021) == (None, None)


@pytest.mark.parametrize(
    ("rule", "after", "expected"),
    [
        (Recurrence(5, QUARTER_ENDS, "ngày 05"), date(2023, 2, 28), date(2023, 3, 5)),
        # strictly after: the due day itself moves on to the next period
        (Recurrence(5, QUARTER_ENDS, "ngày 05"), date(2023, 3, 5), date(2023, 6, 5)),
        (Recurrence(5, QUARTER_ENDS, "ngày 05"), date(2023, 12, 5), date(2024, 3, 5)),
        (Recurrence(15, (12,), "ngày 15"), date(2024, 12, 15), date(2025, 12, 15)),
        # a day past a month's end falls on its last day
        (Recurrence(31, (2, 4), "ngày 31"), date(2024, 1, 31), date(2024, 2, 29)),
        (Recurrence(31, (2, 4), "ngày 31"), date(2023, 1, 31), date(2023, 2, 28)),
        (Recurrence(31, (2, 4), "ngày 31"), date(2024, 2, 29), date(2024, 4, 30)),
    ],
)
def test_next_occurrence(rule, after, expected):
    assert next_occurrence(rule, after) == expected


@pytest.mark.parametrize(
    ("day", "months"), [(0, (3,)), (32, (3,)), (5, ()), (5, (0, 3)), (5, (13,))]
)
def test_a_recurrence_rejects_impossible_days_and_months(day, months):
    with pytest.raises(ValueError):
        Recurrence(day, months, "")


@given(
    day=st.integers(1, 31),
    months=st.sets(st.integers(1, 12), min_size=1).map(lambda s: tuple(sorted(s))),
    after=st.dates(date(1900, 1, 1), date(2200, 12, 31)),
)
def test_next_occurrence_is_the_next_listed_month_within_a_year(day, months, after):
    due = next_occurrence(Recurrence(day, months, ""), after)
    assert due > after
    assert due.month in months
    assert (due.year * 12 + due.month) - (after.year * 12 + after.month) <= 12
    assert due.day == min(day, calendar.monthrange(due.year, due.month)[1])


def _summary(slug: str) -> list[tuple[int, str, str, str, object]]:
    year = PLAN_YEAR[slug]
    rows = []
    for d in extract_deadlines(_source(slug)):
        when, rule = parse_schedule(d.text, year)
        # A periodic report without a day keeps its period as written ("định kỳ").
        schedule = when or (rule.months if rule else periodic_report(d.text))
        rows.append((d.source.line, d.source.section, d.title, d.recipient, schedule))
    return rows


def test_hung_yen_2024_deadlines():
    recipient = "UBND thành phố (qua Phòng Nội vụ)"
    assert _summary("hungyen-tp-cchc-2024") == [
        (
            230,
            "Mục IV.2.a",
            "Kế hoạch CCHC năm 2024 của cơ quan, đơn vị mình",
            recipient,
            date(2024, 1, 20),
        ),
        (248, "Mục IV.2.k", "Báo cáo CCHC quý I năm 2024", recipient, date(2024, 3, 14)),
        (249, "Mục IV.2.k", "Báo cáo CCHC 6 tháng năm 2024", recipient, date(2024, 6, 14)),
        (250, "Mục IV.2.k", "Báo cáo CCHC quý III năm 2024", recipient, date(2024, 9, 14)),
        (251, "Mục IV.2.k", "Báo cáo CCHC năm 2024", recipient, date(2024, 12, 14)),
        # Periodic reports without a day ("Định kỳ báo cáo UBND thành phố kết quả ...").
        (
            287,
            "Mục IV.3.h",
            "Báo cáo UBND thành phố kết quả thực hiện thủ tục hành chính thuộc thẩm quyền của "
            "UBND thành phố",
            "",
            "định kỳ",
        ),
        (295, "Mục IV.4.b", "Báo cáo UBND thành phố kết quả xây dựng, thẩm định", "", "Định kỳ"),
    ]


def test_papi_2023_deadlines_take_their_subject_from_the_heading():
    recipient = "UBND thành phố (qua Phòng Nội vụ)"
    subject = "các giải pháp nâng cao Chỉ số PAPI"
    assert _summary("hungyen-tp-papi-2023") == [
        (101, "Mục III.2.đ", "Báo cáo UBND thành phố", "", "định kỳ"),
        (121, "Mục III.3.d", f"Báo cáo 6 tháng đầu năm: {subject}", recipient, date(2023, 6, 5)),
        (121, "Mục III.3.d", f"Báo cáo cả năm: {subject}", recipient, date(2023, 10, 25)),
    ]


def test_hanoi_2021_deadlines_are_recurring():
    recipient = "UBND Thành phố (qua Sở Nội vụ)"
    assert _summary("hanoi-cchc-2021") == [
        (
            166,
            "Mục III.1",
            "Báo cáo CCHC Quý I, 6 tháng, 9 tháng, báo cáo CCHC năm",
            recipient,
            QUARTER_ENDS,
        ),
        (210, "Mục V.1", "Báo cáo kết quả kiểm tra hằng quý", recipient, QUARTER_ENDS),
    ]


def test_long_dien_a_deadline_names_what_is_reported():
    assert _summary("longdiena-cchc-2023") == [
        (
            183,
            "Mục IV",
            "Báo cáo định kỳ 3 tháng, 6 tháng, 9 tháng, năm: "
            "Kết quả thực hiện các nội dung trong kế hoạch này",
            "",
            QUARTER_ENDS,
        ),
        # Part V: the commune official's quarterly summary, no day written.
        (
            197,
            "Mục V",
            "Báo cáo kết quả thực hiện kế hoạch",
            "phòng Nội Vụ",
            "định kỳ 3 tháng, 6 tháng, 9 tháng, năm",
        ),
    ]


def test_the_news_item_has_no_deadline():
    assert extract_deadlines(_source("hungyen-tinh-cchc-2020")) == []


def _gold_deadlines() -> list[tuple[str, dict]]:
    facts = []
    for path in sorted(GOLD.glob("*.targets-deadlines.yaml")):
        gold = yaml.safe_load(path.read_text(encoding="utf-8"))
        facts.extend((gold["document"], fact) for fact in gold.get("deadlines", []))
    return facts


@pytest.mark.parametrize(("slug", "fact"), _gold_deadlines(), ids=lambda v: str(v)[:40])
def test_each_hand_read_deadline_is_extracted(slug, fact):
    year = PLAN_YEAR[slug]
    matches = [
        parse_schedule(d.text, year)
        for d in extract_deadlines(_source(slug))
        if fold_vi(fact["query"]) in fold_vi(f"{d.title} {d.text}")
    ]
    if "date" in fact:
        assert (fact["date"], None) in matches
    else:
        assert any(
            rule and fold_vi(fact["rule"]) in fold_vi(rule.description) for _, rule in matches
        )


def test_a_day_and_month_in_a_recurring_report_fall_every_year():
    text = "Sở Khoa học và Công nghệ tổng hợp, báo cáo UBND Tỉnh trước ngày 30/11 hằng năm."
    assert parse_schedule(text, 2025) == (None, Recurrence(30, (11,), "trước ngày 30/11 hằng năm"))
    # Without a word of recurrence the same day is a date of the plan's year.
    assert parse_schedule("báo cáo UBND Tỉnh trước ngày 30/11.", 2025) == (date(2025, 11, 30), None)


@pytest.mark.parametrize(
    ("text", "period"),
    [
        (
            "Định kỳ 06 tháng các cơ quan có liên quan báo cáo kết quả thực hiện gửi về Sở",
            "Định kỳ 06 tháng",
        ),
        ("Sở báo cáo Chủ tịch UBND tỉnh kết quả thực hiện hằng năm", "hằng năm"),
        ("Xây dựng và định kỳ hàng năm công bố báo cáo dự báo về nhu cầu thị trường", None),
    ],
)
def test_periodic_reports_without_a_day_keep_their_period(text, period):
    assert periodic_report(text) == period


def test_a_deadline_written_in_words():
    text = "Các sở báo cáo kết quả về Sở Nội vụ trước ngày 15 tháng 12 năm 2025."
    assert parse_schedule(text, 2025) == (date(2025, 12, 15), None)
    (deadline,) = extract_deadlines(f"I. CHẾ ĐỘ BÁO CÁO\n\n{text}\n")
    assert deadline.text == text
    yearly = "Sở tổng hợp, báo cáo UBND tỉnh chậm nhất ngày 20 tháng 11 hằng năm."
    assert parse_schedule(yearly, 2025) == (
        None,
        Recurrence(20, (11,), "chậm nhất ngày 20 tháng 11 hằng năm"),
    )
