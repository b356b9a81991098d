"""Plan and deadline services: what an official is told, with its source."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import Engine

from knowledge.plans.deadlines import deadlines_between, next_deadlines
from knowledge.plans.search import Catalog, DocumentInfo
from knowledge.plans.service import (
    NotFoundError,
    cite,
    find_targets,
    find_tasks,
    locality_hint,
    plan_info,
    targets_of,
    task_by_id,
    unit_work,
)

LOCALITIES = ["Hưng Yên (thành phố)", "Hưng Yên (tỉnh)", "Hà Nội", "Long Điền A"]


def test_who_leads_a_task_with_support_due_product_and_source(kb_engine: Engine, kb) -> None:
    match = find_tasks("ai chủ trì xây dựng kiến trúc chính quyền điện tử", engine=kb_engine)[0]
    assert match.text == "Ban hành Kiến trúc chính quyền điện tử Thành phố"
    assert match.lead == ("Sở Thông tin và Truyền thông",)
    assert match.support == ("Sở, Ban, Ngành", "UBND các quận, huyện, thị xã")
    assert match.due == "Quý I/2020"  # as printed, although the plan is for 2021
    assert match.product == "Quyết định của UBND Thành phố"
    assert match.source == (
        "Kế hoạch ban hành kèm theo Quyết định số 5743/QĐ-UBND ngày 29/12/2020, "
        "UBND thành phố Hà Nội, Phụ lục, mục VII.2"
    )
    assert match.section == "Phụ lục, mục VII.2"
    assert (match.due_kind, match.due_start, match.due_end) == (
        "quarter",
        date(2020, 1, 1),
        date(2020, 3, 31),
    )


def test_a_task_is_found_again_by_its_id(kb_engine: Engine, kb) -> None:
    # A follow-up ("còn ai phối hợp?") has only the id of the task answered before.
    for match in find_tasks("tập huấn công tác cải cách hành chính", engine=kb_engine):
        assert task_by_id(match.task_id, engine=kb_engine) == replace(
            match, score=0.0, coverage=0.0
        )
    assert task_by_id("hanoi-cchc-2021:task:0:1", engine=kb_engine) is None


def test_names_are_canonical_and_also_kept_as_written(kb_engine: Engine, kb) -> None:
    # PAPI appendix 6.a writes the office "Văn phòng UBND- UBND thành phố".
    match = find_tasks(
        "lắp đặt Bộ nhận diện thương hiệu Bộ phận một cửa", engine=kb_engine, limit=1
    )[0]
    assert match.lead == ("Văn phòng HĐND và UBND thành phố",)
    assert match.lead_as_written == "Văn phòng UBND- UBND thành phố"


def test_a_locality_named_in_the_query_restricts_the_search(kb_engine: Engine, kb) -> None:
    matches = find_tasks("kiểm tra công vụ ở xã Long Điền A", engine=kb_engine)
    assert matches
    assert {m.document for m in matches} == {"longdiena-cchc-2023"}


@pytest.mark.parametrize(
    ("query", "rest", "named"),
    [
        ("ai chủ trì cải cách thể chế ở TP Hưng Yên", "ai chu tri cai cach the che o",
         ("Hưng Yên (thành phố)",)),
        ("cổng thông tin tỉnh Hưng Yên", "cong thong tin", ("Hưng Yên (tỉnh)",)),
        ("kế hoạch Hưng Yên", "ke hoach", ("Hưng Yên (thành phố)", "Hưng Yên (tỉnh)")),
        ("kiem tra cong vu", "kiem tra cong vu", ()),
    ],
)  # fmt: skip
def test_locality_hint(query: str, rest: str, named: tuple[str, ...]) -> None:
    assert locality_hint(query, LOCALITIES) == (rest if named else query, named)


def _document(**changes) -> DocumentInfo:
    fields = {
        "slug": "hungyen-tp-cchc-2024",
        "title": "Kế hoạch Cải cách hành chính thành phố Hưng Yên năm 2024",
        "kind": "KH",
        "number": None,
        "issued": None,
        "year": 2024,
        "issuer": "UBND thành phố Hưng Yên",
        "locality": "Hưng Yên (thành phố)",
        "level": "city",
        "note": "",
    }
    return DocumentInfo(**{**fields, **changes})


def test_citation_of_a_plan_without_number_or_date_names_the_plan() -> None:
    assert cite(_document(), "Mục IV.4.a") == (
        "Kế hoạch Cải cách hành chính thành phố Hưng Yên năm 2024, UBND thành phố Hưng Yên, "
        "Mục IV.4.a"
    )


def test_citation_of_a_numbered_plan_and_of_a_news_item() -> None:
    numbered = _document(
        number="136/KH-UBND", issued=date(2023, 2, 28), issuer="UBND xã Long Điền A"
    )
    assert cite(numbered, "Mục II.3") == (
        "Kế hoạch số 136/KH-UBND ngày 28/02/2023, UBND xã Long Điền A, Mục II.3"
    )
    news = _document(
        number="146/KH-UBND", issued=date(2019, 12, 24), note="Bản tin tóm tắt kế hoạch"
    )
    assert cite(news).endswith("(Bản tin tóm tắt kế hoạch)")


def test_tasks_a_unit_leads_and_supports(kb_engine: Engine, kb) -> None:
    (work,) = unit_work("VP HĐND-UBND", locality="Hưng Yên (thành phố)", engine=kb_engine)
    assert work.unit.name == "Văn phòng HĐND và UBND thành phố"
    assert work.lead and work.support and work.duties
    led_texts = [t.text for t in work.lead]
    assert any("Bộ nhận diện thương hiệu" in text for text in led_texts)
    assert all(t.source for t in work.lead)


def test_an_ambiguous_unit_name_gives_one_answer_per_locality(kb_engine: Engine, kb) -> None:
    works = unit_work("Văn phòng UBNDTP", engine=kb_engine)
    assert sorted(w.unit.locality for w in works) == ["Hà Nội", "Hưng Yên (thành phố)"]


def test_role_filter_of_unit_work(kb_engine: Engine, kb) -> None:
    (work,) = unit_work("Sở Nội vụ", locality="Hà Nội", role="support", engine=kb_engine)
    assert work.lead == ()
    assert work.support


def test_unknown_unit_is_reported_in_vietnamese(kb_engine: Engine, kb) -> None:
    with pytest.raises(NotFoundError, match="Không tìm thấy đơn vị “Sở Ngoại giao”"):
        unit_work("Sở Ngoại giao", engine=kb_engine)


def test_targets_by_topic_carry_their_figures(kb_engine: Engine, kb) -> None:
    top = find_targets(
        "tỷ lệ hồ sơ giải quyết đúng hạn", document="hungyen-tp-cchc-2024", engine=kb_engine
    )[0]
    assert top.text == "Trên 95% số hồ sơ TTHC được trả kết quả giải quyết đúng hạn"
    assert top.figures == ("95%",)
    assert top.source.endswith("Mục II.2.a") and top.section == "Mục II.2.a"


def test_the_targets_of_a_plan_in_its_order(kb_engine: Engine, kb) -> None:
    # Hà Nội, Mục I.3: six targets, the on-time one second ("Tối thiểu 99% số hồ sơ TTHC …").
    targets = targets_of("hanoi-cchc-2021", engine=kb_engine)
    assert len(targets) == plan_info("hanoi-cchc-2021", engine=kb_engine).targets == 6
    assert targets[1].text.startswith("Tối thiểu 99% số hồ sơ TTHC được trả kết quả")
    assert {t.section for t in targets} == {"Mục I.3"}
    assert targets_of("longdiena-cchc-2023", engine=kb_engine) == []


def test_plan_info_counts_the_plan_facts(kb_engine: Engine, kb: Catalog) -> None:
    info = plan_info("longdiena-cchc-2023", engine=kb_engine)
    assert (info.kind, info.number, info.issued, info.issuer) == (
        "KH",
        "136/KH-UBND",
        "28/02/2023",
        "UBND xã Long Điền A",
    )
    assert plan_info("hanoi-cchc-2021", engine=kb_engine).kind == "QĐ"
    assert info.tasks == sum(t.document.slug == "longdiena-cchc-2023" for t in kb.tasks) > 0
    with pytest.raises(NotFoundError):
        plan_info("khong-co", engine=kb_engine)


def test_deadlines_in_a_window_by_date(kb_engine: Engine, kb) -> None:
    found = deadlines_between(
        date(2024, 6, 1), date(2024, 9, 30), document="hungyen-tp-cchc-2024", engine=kb_engine
    )
    assert [(o.date, o.title) for o in found] == [
        (date(2024, 6, 14), "Báo cáo CCHC 6 tháng năm 2024"),
        (date(2024, 9, 14), "Báo cáo CCHC quý III năm 2024"),
    ]
    assert found[0].recipient == "UBND thành phố (qua Phòng Nội vụ)"
    # Across all plans, the rules of earlier plans fall in the window too, in date order.
    everywhere = deadlines_between(date(2024, 6, 1), date(2024, 6, 30), engine=kb_engine)
    assert [(o.date, o.document) for o in everywhere] == [
        (date(2024, 6, 5), "longdiena-cchc-2023"),
        (date(2024, 6, 14), "hungyen-tp-cchc-2024"),
        (date(2024, 6, 15), "hanoi-cchc-2021"),
        (date(2024, 6, 15), "hanoi-cchc-2021"),
    ]


def test_deadlines_of_one_reporting_period(kb_engine: Engine, kb) -> None:
    # The city's dated reports are told apart by their titles (Mục IV.2.k), the rules of Long
    # Điền A (IV) and Hà Nội (III.1) by the month they fall in.
    q3 = deadlines_between(date(2024, 1, 1), date(2024, 12, 31), period="Q3", engine=kb_engine)
    assert [(o.date, o.document) for o in q3] == [
        (date(2024, 9, 5), "longdiena-cchc-2023"),
        (date(2024, 9, 14), "hungyen-tp-cchc-2024"),
        (date(2024, 9, 15), "hanoi-cchc-2021"),
        (date(2024, 9, 15), "hanoi-cchc-2021"),
    ]
    assert q3[1].title == "Báo cáo CCHC quý III năm 2024"
    half = deadlines_between(
        date(2024, 1, 1),
        date(2024, 12, 31),
        document="hungyen-tp-cchc-2024",
        period="H1",
        engine=kb_engine,
    )
    assert [o.title for o in half] == ["Báo cáo CCHC 6 tháng năm 2024"]


def test_recurring_rule_repeats_from_its_plan_year_on(kb_engine: Engine, kb) -> None:
    # Long Điền A, Mục IV: "Thời gian báo cáo: chậm nhất ngày 05 của các tháng 3, tháng 6,
    # tháng 9, tháng 12". Nothing before the plan's year 2023, every quarter after it.
    found = deadlines_between(
        date(2022, 1, 1), date(2025, 12, 31), document="longdiena-cchc-2023", engine=kb_engine
    )
    assert [o.date for o in found] == [
        date(year, month, 5) for year in (2023, 2024, 2025) for month in (3, 6, 9, 12)
    ]
    assert all(o.recurring for o in found)
    assert found[0].rule == "chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12"


def test_a_dated_deadline_falls_once(kb_engine: Engine, kb) -> None:
    assert (
        deadlines_between(
            date(2025, 1, 1), date(2025, 12, 31), document="hungyen-tp-cchc-2024", engine=kb_engine
        )
        == []
    )


def test_next_deadline_after_a_date(kb_engine: Engine, kb) -> None:
    (after_june,) = next_deadlines(
        date(2024, 6, 14), document="hungyen-tp-cchc-2024", engine=kb_engine
    )
    assert after_june.date == date(2024, 9, 14)
    # Hà Nội's two quarterly rules both fall on 15/3/2021.
    hanoi = next_deadlines(date(2021, 1, 1), locality="Hà Nội", engine=kb_engine)
    assert {o.date for o in hanoi} == {date(2021, 3, 15)}
    assert len(hanoi) == 2


def test_next_deadline_years_after_the_plans_names_its_plan(kb_engine: Engine, kb) -> None:
    (commune,) = next_deadlines(date(2026, 11, 22), engine=kb_engine)
    assert commune.date == date(2026, 12, 5)
    assert commune.recurring
    assert commune.document == "longdiena-cchc-2023"
    plan = commune.plan
    assert (plan.number, plan.year, plan.issuer) == ("136/KH-UBND", 2023, "UBND xã Long Điền A")
    assert commune.section == "Mục IV"
    assert commune.source == "Kế hoạch số 136/KH-UBND ngày 28/02/2023, UBND xã Long Điền A, Mục IV"


def test_next_deadline_of_a_rule_before_its_plan_year_is_its_first(kb_engine: Engine, kb) -> None:
    (first,) = next_deadlines(date(2020, 1, 1), document="longdiena-cchc-2023", engine=kb_engine)
    assert first.date == date(2023, 3, 5)


def test_next_deadline_of_past_dated_deadlines_is_none(kb_engine: Engine, kb) -> None:
    assert next_deadlines(date(2025, 1, 1), document="hungyen-tp-cchc-2024", engine=kb_engine) == []


def test_rules_run_to_the_end_of_the_calendar(kb_engine: Engine, kb) -> None:
    last = deadlines_between(
        date(9999, 12, 1), date.max, document="longdiena-cchc-2023", engine=kb_engine
    )
    assert [o.date for o in last] == [date(9999, 12, 5)]
    assert next_deadlines(date(9999, 12, 5), document="longdiena-cchc-2023", engine=kb_engine) == []
