"""Reading plan questions from what officials type. Pure: the
plans are the real manifests, no knowledge base is needed."""

from __future__ import annotations

import pytest

from knowledge.plans.manifest import load_manifests
from knowledge.plans.question import (
    LEAD,
    PLAN_INFO,
    PLAN_TARGET,
    REPORTING_DEADLINE,
    SUPPORT,
    TASK_DUE,
    TASK_RESPONSIBLE,
    UNIT_TASKS,
    Entity,
    PlanQuestion,
    content_words,
    entities_of,
    follow_on,
    kind_of,
    localities_of,
    named_documents,
    period_of,
    read_question,
    refine,
    role_of,
    target_topic,
    unit_phrase,
    year_of,
)
from knowledge.plans.service import PlanInfo

PLANS = [
    PlanInfo(
        slug=m.slug,
        title=m.title,
        kind=m.kind,
        number=m.number,
        issued=f"{m.issued:%d/%m/%Y}" if m.issued else "",
        year=m.year,
        issuer=m.issuer,
        locality=m.locality,
        note=m.note,
        citation="",
        tasks=0,
        targets=0,
        deadlines=0,
    )
    for m in load_manifests()
]
LOCALITIES = {p.locality for p in PLANS}
CITY, PROVINCE = "Hưng Yên (thành phố)", "Hưng Yên (tỉnh)"


def _ask(kind: str, text: str, *entities: Entity) -> PlanQuestion:
    return read_question(kind, text, entities, PLANS)


@pytest.mark.parametrize(
    ("text", "roles", "role"),
    [
        ("ai chủ trì số hóa hồ sơ", [], LEAD),
        ("ai chu tri so hoa ho so", [], LEAD),
        ("còn ai phối hợp?", [], SUPPORT),
        ("đơn vị nào phối hợp tuyên truyền CCHC", ["support"], SUPPORT),
        ("tuyên truyền CCHC ở xã Long Điền A ai chủ trì, ai phối hợp", [], None),
        ("ai đầu mối xây dựng quy chế một cửa điện tử dùng chung 3 cấp", [], LEAD),
        ("nhiệm vụ áp dụng ISO 9001 do cơ quan nào thực hiện", [], None),
        # "ph" is only understood through the NLU synonym
        ("phong noi vu ph nhung viec nao", ["support"], SUPPORT),
    ],
)
def test_role_asked_about(text: str, roles: list[str], role: str | None) -> None:
    assert role_of(text, roles) == role


def test_a_bare_hung_yen_names_both_the_city_and_the_province() -> None:
    assert set(localities_of("kế hoạch CCHC của Hưng Yên số mấy", ["Hưng Yên"], LOCALITIES)) == {
        CITY,
        PROVINCE,
    }
    assert localities_of("kế hoạch 2024 của TP Hưng Yên", [], LOCALITIES) == (CITY,)
    assert localities_of("muc tieu ke hoach cchc tinh hung yen 2020", [], LOCALITIES) == (PROVINCE,)


def test_a_locality_normalised_by_the_nlu_wins_over_the_text() -> None:
    # "tphy" is not in the text as a name; the NLU synonym maps it.
    assert localities_of("kế hoạch tphy", ["Hưng Yên (thành phố)"], LOCALITIES) == (CITY,)
    assert localities_of("thế còn ở tp hn?", ["Hà Nội"], LOCALITIES) == ("Hà Nội",)
    assert localities_of("ai chủ trì số hóa hồ sơ", [], LOCALITIES) == ()


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("kế hoạch CCHC 2024 của TP Hưng Yên số mấy", 2024),
        ("lịch nộp báo cáo CCHC năm 2026", 2026),  # said as a year, though no plan has it
        ("ke hoach cchc 2022 cua ha noi", 2022),  # a year without "năm"
        ("chương trình chính quyền số 2021-2025, tầm nhìn 2030", None),  # a horizon
        ("phấn đấu đến năm 2030", None),
        ("đề án đào tạo bồi dưỡng cán bộ công chức giai đoạn 2021 - 2025", None),
        ("Xây dựng tiêu chí đánh giá CCHC giai đoạn 2021-2025", None),
        ("theo Nghị định số 45/2020/NĐ-CP", None),
        ("ke hoach 5743 ban hanh ngay nao", None),
    ],
)
def test_years_are_years_not_ranges_or_numbers(text: str, year: int | None) -> None:
    assert year_of(text, []) == year


def test_periods_come_from_the_text_and_a_bare_nam_entity_is_not_a_period() -> None:
    assert period_of("hạn nộp báo cáo CCHC quý 3", []) == "Q3"
    assert period_of("bao cao 6 thang dau nam", []) == "H1"
    assert period_of("báo cáo CCHC năm 2024", [Entity("period", "Y", "năm")]) is None
    assert period_of("báo cáo q.2", [Entity("period", "Q2", "q.2")]) == "Q2"


def test_plans_are_named_by_number_or_acronym() -> None:
    assert named_documents("kế hoạch 146/KH-UBND của tỉnh Hưng Yên nói về gì", PLANS) == [
        "hungyen-tinh-cchc-2020"
    ]
    assert named_documents("quyet dinh 5743 ban hanh ngay nao", PLANS) == ["hanoi-cchc-2021"]
    assert named_documents("ke hoach 136 kh ubnd cua dau", PLANS) == ["longdiena-cchc-2023"]
    assert named_documents("việc tiếp công dân trong kế hoạch PAPI do ai phụ trách", PLANS) == [
        "hungyen-tp-papi-2023"
    ]
    assert named_documents("kế hoạch năm 2024", PLANS) == []


def test_an_acronym_is_a_topic_where_the_place_or_year_is_another_plans() -> None:
    # "PAPI" titles Hưng Yên city's 2023 plan, but Hà Nội's plan sets a target about PAPI.
    hanoi = _ask(
        "ask_targets", "Chỉ tiêu bồi dưỡng cán bộ xã về PAPI, SIPAS ở Hà Nội là bao nhiêu %"
    )
    assert hanoi.document is None and hanoi.localities == ("Hà Nội",)
    # The city's 2024 plan aims at a PAPI rank: the 2023 PAPI plan is not the one asked about.
    city = _ask("ask_targets", "năm 2024 thành phố Hưng Yên muốn chỉ số PAPI nằm trong nhóm mấy")
    assert city.document is None and city.year == 2024
    assert _ask("ask_targets", "kế hoạch PAPI 2023 của thành phố Hưng Yên").document == (
        "hungyen-tp-papi-2023"
    )


@pytest.mark.parametrize(
    "text",
    ["còn ai phối hợp?", "hạn khi nào?", "vậy đơn vị phối hợp là những ai", "thế ai chủ trì"],
)
def test_follow_ups_name_no_task(text: str) -> None:
    assert content_words(text, LOCALITIES) == []
    assert not _ask(TASK_RESPONSIBLE, text).asks_anew


def test_a_task_question_names_its_task() -> None:
    words = content_words("ai chủ trì kiểm tra công vụ", LOCALITIES)
    assert words == ["kiem", "tra", "cong", "vu"]
    assert _ask(TASK_DUE, "Tập huấn công tác CCHC hạn khi nào?").asks_anew


def test_a_bare_locality_names_something_and_asks_nothing_new() -> None:
    question = _ask(PLAN_INFO, "thế còn ở Hà Nội?", Entity("locality", "Hà Nội", "Hà Nội"))
    assert question.localities == ("Hà Nội",)
    assert not question.asks_anew and question.names_something


def test_an_entity_is_not_taken_for_a_task_word() -> None:
    unit = Entity("unit", "Phòng Tư pháp", "Phòng Tư pháp")
    question = _ask(UNIT_TASKS, "Phòng Tư pháp thì sao?", unit)
    assert question.unit == "Phòng Tư pháp" and not question.asks_anew


def test_refining_keeps_the_question_and_replaces_what_is_named() -> None:
    last = _ask(
        TASK_RESPONSIBLE,
        "ai chịu trách nhiệm khắc phục tình trạng trễ hạn giải quyết TTHC ở Long Điền A",
    )
    assert last.localities == ("Long Điền A",) and last.role is None
    new = _ask(PLAN_INFO, "thế còn ở Hà Nội?", Entity("locality", "Hà Nội", "Hà Nội"))
    refined = refine(last, new)
    assert refined.kind == TASK_RESPONSIBLE and refined.text == last.text
    assert refined.localities == ("Hà Nội",) and refined.asks_anew


def test_a_choice_or_number_names_one_plan() -> None:
    assert _ask(PLAN_INFO, "kế hoạch 146/KH-UBND nói về gì").document == "hungyen-tinh-cchc-2020"
    assert _ask(PLAN_INFO, "có những kế hoạch nào").document is None


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("tỷ lệ hồ sơ đúng hạn phải đạt bao nhiêu", "ty le ho so dung han"),
        ("ty le ho so dung han phai dat bn", "ty le ho so dung han"),
        ("chỉ tiêu dvc toàn trình", "dich vu cong toan trinh"),
        # "đất" is land here, not "đạt"
        (
            "hài lòng về lĩnh vực đất đai, xây dựng phải đạt tối thiểu bao nhiêu",
            "hai long ve linh vuc dat dai xay dung",
        ),
        ("tỷ lệ hồ sơ đúng hạn cần đạt theo kế hoạch 2024 của TP Hưng Yên", "ty le ho so dung han"),
        # asking for all of them
        ("kế hoạch đặt những chỉ tiêu gì", ""),
        ("các chỉ tiêu cụ thể của kế hoạch Hà Nội 2021", ""),
    ],
)
def test_target_topics_lose_the_question_words(text: str, topic: str) -> None:
    assert target_topic(text, LOCALITIES) == topic


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("Phòng Tư pháp phụ trách những gì", "Phòng Tư pháp"),
        ("danh sách nhiệm vụ của Sở Thông tin và Truyền thông", "Sở Thông tin và Truyền thông"),
        (
            "đơn vị tôi là Phòng Giáo dục và Đào tạo, chúng tôi phải làm gì",
            "Phòng Giáo dục và Đào tạo",
        ),
        ("cho em hỏi bên Ban Dân vận Thành ủy có nhiệm vụ gì không ạ", "Ban Dân vận Thành ủy"),
        ("các việc Phòng Nội vụ đang chủ trì và phối hợp", "Phòng Nội vụ"),
        ("Phòng Tài chính - Kế hoạch phối hợp những việc gì", "Phòng Tài chính - Kế hoạch"),
        ("cc vp-tk phu trach viec gi", "cc vp-tk"),
        ("phòng tôi có những nhiệm vụ nào", ""),
        ("đơn vị mình được phân công những việc gì", ""),
    ],
)
def test_unit_names_are_read_from_the_question_as_written(text: str, unit: str) -> None:
    assert unit_phrase(text) == unit


def test_entities_keep_the_words_they_were_read_from() -> None:
    message = {
        "text": "thế còn ở tp hn?",
        "entities": [{"entity": "locality", "value": "Hà Nội", "start": 10, "end": 15}],
    }
    assert entities_of(message) == [Entity("locality", "Hà Nội", "tp hn")]


def test_deadline_and_target_kinds_are_questions_of_their_own() -> None:
    assert _ask(REPORTING_DEADLINE, "hạn nộp báo cáo CCHC quý 3").period == "Q3"
    assert _ask(PLAN_TARGET, "chỉ tiêu 2024", Entity("year", "2024", "2024")).year == 2024


def test_a_follow_on_asks_a_new_topic_like_the_last_question() -> None:
    last = _ask(TASK_DUE, "cải cách tài chính công ở thành phố Hưng Yên năm 2024 hạn khi nào")
    new = follow_on(last, _ask(TASK_RESPONSIBLE, "thế còn cải cách thể chế?"))
    assert new.kind == TASK_DUE and new.localities == (CITY,) and new.year == 2024
    elsewhere = follow_on(last, _ask(TASK_RESPONSIBLE, "thế còn cải cách thể chế ở Hà Nội?"))
    assert elsewhere.localities == ("Hà Nội",) and elsewhere.year is None
    # Not a follow-on: asked as it is.
    plain = _ask(TASK_RESPONSIBLE, "ai chủ trì cải cách thể chế")
    assert follow_on(last, plain) == plain


@pytest.mark.parametrize(
    ("nlu_kind", "text", "kind"),
    [
        # What the words ask wins over the NLU's intent when they say another kind.
        (TASK_DUE, "báo cáo CCHC quý III gửi trước ngày nào", REPORTING_DEADLINE),
        (TASK_RESPONSIBLE, "ai tổng hợp báo cáo kết quả gửi phòng Nội vụ", TASK_RESPONSIBLE),
        (TASK_RESPONSIBLE, "tỷ lệ hồ sơ đúng hạn phải đạt bao nhiêu phần trăm", PLAN_TARGET),
        (
            UNIT_TASKS,
            "đánh giá lại mô hình trung tâm y tế thì kết quả cuối cùng phải nộp là gì",
            TASK_RESPONSIBLE,
        ),
        (UNIT_TASKS, "Phòng Tư pháp phụ trách những gì", UNIT_TASKS),
        (UNIT_TASKS, "Sở Nội vụ chủ trì nhiệm vụ nào", UNIT_TASKS),
    ],
)
def test_the_kind_asked_is_read_from_the_words(nlu_kind: str, text: str, kind: str) -> None:
    assert kind_of(text, nlu_kind) == kind
