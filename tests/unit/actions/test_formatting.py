"""Shared reply formatting, checked on lines and citations from the plan documents."""

from __future__ import annotations

import json
from datetime import date

import pytest

from actions.formatting import (
    MAX_PAYLOAD_BYTES,
    bullet_list,
    button,
    due_phrase,
    excerpt,
    intent_payload,
    join_units,
    locality_label,
    plan_label,
    shorten,
    source_line,
    text_button,
    units_with_wording,
    vi_date,
)
from knowledge.plans.ingest.due import normalize_due
from knowledge.plans.service import PlanInfo


def _plan(**fields: object) -> PlanInfo:
    """A PlanInfo as the plan service gives it for the Hà Nội plan, fields overridable."""
    values: dict[str, object] = {
        "slug": "hanoi-cchc-2021",
        "title": "Kế hoạch Cải cách hành chính nhà nước năm 2021 của thành phố Hà Nội",
        "kind": "QĐ",
        "number": "5743/QĐ-UBND",
        "issued": "29/12/2020",
        "year": 2021,
        "issuer": "UBND thành phố Hà Nội",
        "locality": "Hà Nội",
        "note": "",
        "citation": "Kế hoạch ban hành kèm theo Quyết định số 5743/QĐ-UBND ngày 29/12/2020, "
        "UBND thành phố Hà Nội",
        "tasks": 54,
        "targets": 6,
        "deadlines": 2,
    }
    values.update(fields)
    return PlanInfo(**values)  # type: ignore[arg-type]


# The city plan prints "Số: /KH-UBND" and "ngày tháng năm 2024": no number, no date.
CITY_2024 = _plan(
    slug="hungyen-tp-cchc-2024",
    kind="KH",
    title="Kế hoạch Cải cách hành chính thành phố Hưng Yên năm 2024",
    number=None,
    issued="",
    year=2024,
    issuer="UBND thành phố Hưng Yên",
    locality="Hưng Yên (thành phố)",
    citation="Kế hoạch Cải cách hành chính thành phố Hưng Yên năm 2024, UBND thành phố Hưng Yên",
)
# The PAPI plan has a date but no number line.
PAPI_2023 = _plan(
    slug="hungyen-tp-papi-2023",
    kind="KH",
    title="Kế hoạch Nâng cao hiệu quả quản trị và hành chính công (PAPI) thành phố Hưng Yên "
    "năm 2023",
    number=None,
    issued="08/02/2023",
    year=2023,
    issuer="UBND thành phố Hưng Yên",
    locality="Hưng Yên (thành phố)",
    citation="Kế hoạch Nâng cao hiệu quả quản trị và hành chính công (PAPI) thành phố Hưng Yên "
    "năm 2023 ngày 08/02/2023, UBND thành phố Hưng Yên",
)
# The province plan is known from a news item.
PROVINCE_2020 = _plan(
    slug="hungyen-tinh-cchc-2020",
    kind="KH",
    title="Kế hoạch cải cách hành chính nhà nước tỉnh Hưng Yên năm 2020",
    number="146/KH-UBND",
    issued="24/12/2019",
    year=2020,
    issuer="UBND tỉnh Hưng Yên",
    locality="Hưng Yên (tỉnh)",
    note="Bản tin tóm tắt kế hoạch",
    citation="Kế hoạch số 146/KH-UBND ngày 24/12/2019, UBND tỉnh Hưng Yên "
    "(Bản tin tóm tắt kế hoạch)",
)


def test_dates_are_written_day_first_with_leading_zeros() -> None:
    assert vi_date(date(2024, 3, 14)) == "14/03/2024"


def test_unit_lists_keep_commas_inside_names_and_drop_repeats() -> None:
    units = ["Sở, Ban, Ngành", "UBND các quận, huyện, thị xã", "Sở, Ban, Ngành"]
    assert join_units(units) == "Sở, Ban, Ngành; UBND các quận, huyện, thị xã"


def test_the_documents_wording_is_shown_when_it_differs_from_the_canonical_name() -> None:
    # PAPI appendix 6.a prints the office as "Văn phòng UBND- UBND thành phố".
    shown = units_with_wording(
        ("Văn phòng HĐND và UBND thành phố",), "Văn phòng UBND- UBND thành phố"
    )
    assert shown == (
        "Văn phòng HĐND và UBND thành phố (văn bản ghi: “Văn phòng UBND- UBND thành phố”)"
    )
    # Hà Nội appendix: "- Sở, Ban, Ngành" and "- UBND các quận, huyện, thị xã" on two lines.
    same = units_with_wording(
        ("Sở, Ban, Ngành", "UBND các quận, huyện, thị xã"),
        "Sở, Ban, Ngành; UBND các quận, huyện, thị xã",
    )
    assert same == "Sở, Ban, Ngành; UBND các quận, huyện, thị xã"
    assert units_with_wording((), "") == ""


def test_long_texts_are_cut_at_a_sentence_or_clause_and_marked() -> None:
    # Long Điền A, II.1: one long sentence with many clauses.
    text = (
        "Quan tâm thực hiện tốt công tác lãnh đạo, điều hành thực hiện nhiệm vụ CCHC từ khâu "
        "lập kế hoạch; phân công trách nhiệm cụ thể từng cá nhân, bộ phận chủ trì thực hiện, "
        "phối hợp, thường xuyên theo dõi, kiểm tra, đôn đốc thực hiện đạt mục đích, yêu cầu, "
        "nhiệm vụ, tiến độ kế hoạch đã đề ra; trách nhiệm báo cáo, tập hợp hồ sơ minh chứng."
    )
    short = shorten(text, 160)
    assert short.endswith(" …") and len(short) <= 162
    assert text.startswith(short.removesuffix(" …"))
    assert shorten("Hằng tháng") == "Hằng tháng"


def test_an_excerpt_shows_the_sentence_the_question_is_about() -> None:
    # PAPI appendix 6.b: the digitisation sentence comes second.
    text = (
        "Đẩy mạnh thực hiện TTHC trên môi trường điện tử dựa trên dữ liệu số. Cung cấp dịch vụ "
        "công trực tuyến toàn trình đối với 100% TTHC đủ điều kiện trên Hệ thống thông tin giải "
        "quyết TTHC tỉnh, đảm bảo tích hợp trên Công Dịch vụ Quốc gia. Thực hiện đầy đủ việc số "
        "hóa hồ sơ, kết quả giải quyết TTHC theo đúng quy định"
    )
    shown = excerpt(text, "ai chu tri so hoa ho so ket qua", limit=120)
    assert (
        shown == "… Thực hiện đầy đủ việc số hóa hồ sơ, kết quả giải quyết TTHC theo đúng quy định"
    )
    assert excerpt(text, "dịch vụ công trực tuyến toàn trình", limit=120).startswith(
        "… Cung cấp dịch vụ công trực tuyến toàn trình"
    )
    assert excerpt(text, "môi trường điện tử, dữ liệu số", limit=120).startswith("Đẩy mạnh")


def test_localities_read_as_in_a_sentence() -> None:
    assert locality_label("Hưng Yên (thành phố)") == "thành phố Hưng Yên"
    assert locality_label("Hà Nội") == "Hà Nội"


def test_plan_labels_name_place_year_and_number_or_acronym() -> None:
    assert plan_label(_plan()) == "Hà Nội 2021 (5743/QĐ-UBND)"
    assert plan_label(PAPI_2023) == "Thành phố Hưng Yên 2023 (PAPI)"
    assert plan_label(CITY_2024) == "Thành phố Hưng Yên 2024 (CCHC)"


def test_source_line_has_number_date_issuer_and_section() -> None:
    assert source_line(_plan(), ["Phụ lục, mục VII.2"]) == (
        "Nguồn: Kế hoạch ban hành kèm theo Quyết định số 5743/QĐ-UBND ngày 29/12/2020, "
        "UBND thành phố Hà Nội, Phụ lục, mục VII.2"
    )


def test_source_line_says_when_the_document_gives_no_number_or_date() -> None:
    assert source_line(CITY_2024, ["Mục IV.5.a"]) == (
        "Nguồn: Kế hoạch Cải cách hành chính thành phố Hưng Yên năm 2024 (văn bản gốc không "
        "ghi số, ngày ban hành), UBND thành phố Hưng Yên, Mục IV.5.a"
    )
    assert source_line(PAPI_2023, ["Phụ lục, mục 6.b"]) == (
        "Nguồn: Kế hoạch Nâng cao hiệu quả quản trị và hành chính công (PAPI) thành phố Hưng "
        "Yên năm 2023 ngày 08/02/2023 (văn bản gốc không ghi số), UBND thành phố Hưng Yên, "
        "Phụ lục, mục 6.b"
    )


def test_source_line_keeps_the_news_item_note_last_and_lists_several_sections() -> None:
    assert source_line(PROVINCE_2020, ["Bản tin, đoạn 11", "Bản tin, đoạn 10"]) == (
        "Nguồn: Kế hoạch số 146/KH-UBND ngày 24/12/2019, UBND tỉnh Hưng Yên, "
        "Bản tin, đoạn 11; Bản tin, đoạn 10 (Bản tin tóm tắt kế hoạch)"
    )


@pytest.mark.parametrize(
    ("due", "year", "shown"),
    [
        ("Quý II/2021", 2021, "Quý II/2021 (01/04/2021 – 30/06/2021)"),
        ("Tháng 10/2021", 2021, "Tháng 10/2021 (01/10/2021 – 31/10/2021)"),
        ("Thường xuyên", 2023, "Thường xuyên"),
        ("Theo hướng dẫn của Bộ Nội vụ", 2021, "Theo hướng dẫn của Bộ Nội vụ"),
        # Long Điền A: the period repeats in later years, so it is not one period of days.
        ("Quý I/2023 và những năm tiếp theo", 2023, "Quý I/2023 và những năm tiếp theo"),
    ],
)
def test_due_times_are_restated_as_days_only_when_that_helps(
    due: str, year: int, shown: str
) -> None:
    spec = normalize_due(due, year)  # as the knowledge base keeps it with the task
    assert due_phrase(due, spec.kind, spec.start, spec.end) == shown


def test_payloads_set_intent_and_entity_and_fit_telegram() -> None:
    payload = intent_payload("choose_plan", plan_document="hungyen-tinh-cchc-2020")
    assert payload == '/choose_plan{"plan_document":"hungyen-tinh-cchc-2020"}'
    assert json.loads(payload.removeprefix("/choose_plan")) == {
        "plan_document": "hungyen-tinh-cchc-2020"
    }
    assert len(payload.encode()) <= MAX_PAYLOAD_BYTES
    with pytest.raises(ValueError):
        button("x", "/choose_plan" + "x" * MAX_PAYLOAD_BYTES)


def test_text_buttons_drop_diacritics_only_when_the_text_would_not_fit() -> None:
    short = text_button("Có những kế hoạch nào?")
    assert short == {"title": "Có những kế hoạch nào?", "payload": "Có những kế hoạch nào?"}
    long = text_button("Ai chủ trì số hóa hồ sơ, kết quả giải quyết TTHC?")
    assert long["title"] == "Ai chủ trì số hóa hồ sơ, kết quả giải quyết TTHC?"
    assert long["payload"] == "ai chu tri so hoa ho so, ket qua giai quyet tthc?"


def test_bullets() -> None:
    assert bullet_list(["a", "b"]) == "• a\n• b"
