"""Search over the built knowledge base: with or without diacritics, abbreviations, typos,
filters, and the ranking rules that matter for answers."""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from knowledge.plans import build as build_module
from knowledge.plans import search as search_module
from knowledge.plans.build import build
from knowledge.plans.manifest import SOURCES_DIR, load_manifests
from knowledge.plans.retrieval import TopicIndex, syllables
from knowledge.plans.search import Catalog, TaskFilter, catalog, read_stamp, refresh
from knowledge.plans.units import resolve
from knowledge.shared.db import make_engine
from knowledge.shared.text import expand_abbreviations


def _top(kb: Catalog, query: str, **filters) -> str:
    hits = kb.search_tasks(query, TaskFilter(**filters), limit=1)
    assert hits, query
    return hits[0][0].id


def test_syllables_drop_particles_and_expand_abbreviations() -> None:
    assert syllables("Ai chủ trì kiểm soát TTHC ở phường?") == [
        "chu", "tri", "kiem", "soat", "thu", "tuc", "hanh", "chinh", "phuong",
    ]  # fmt: skip


def test_synonyms_of_the_field_are_read_alike() -> None:
    assert syllables("điện tử hóa hồ sơ") == syllables("số hóa hồ sơ")
    assert syllables("chính quyền điện tử") == syllables("chính quyền số")


@pytest.mark.parametrize(
    "query",
    [
        "thành lập các đoàn kiểm tra công vụ",
        "thanh lap cac doan kiem tra cong vu",  # no diacritics
        "THÀNH LẬP CÁC ĐOÀN KIỂM TRA CÔNG VỤ",
        unicodedata.normalize("NFD", "thành lập các đoàn kiểm tra công vụ"),  # decomposed
        "ai chủ trì thành lập đoàn kiểm tra công vụ?",
        "thanh lap doan kiem tre cong vu",  # a typo
    ],
)
def test_spellings_of_one_question_find_the_same_task(kb: Catalog, query: str) -> None:
    # Hà Nội appendix I.1:
    # "Xây dựng Kế hoạch và thành lập các đoàn kiểm tra công vụ, kiểm tra CCHC."
    assert _top(kb, query) == "hanoi-cchc-2021:task:263:1"


def test_abbreviations_meet_their_expansion(kb: Catalog) -> None:
    short = kb.search_tasks("kiểm soát tthc", limit=5)
    full = kb.search_tasks("kiểm soát thủ tục hành chính", limit=5)
    assert [t.id for t, _ in short] == [t.id for t, _ in full]


def test_shared_chat_abbreviations_are_spelt_out() -> None:
    assert syllables("tra kq theo sđt") == ["tra", "ket", "qua", "theo", "so", "dien", "thoai"]


def test_tk_stays_thong_ke_in_unit_names() -> None:
    # Long Điền A writes its office-statistics officer "Công chức VP – TK": "tk" is no
    # "tài khoản" there, so the shared table must not spell it out.
    officer = resolve("Công chức VP – TK", "Long Điền A")
    assert officer is not None
    assert resolve("CC VP-TK", "Long Điền A") == officer
    assert "tai khoan" not in expand_abbreviations("Công chức VP – TK")


def test_filters_restrict_to_a_document_locality_or_year(kb: Catalog) -> None:
    query = "tuyên truyền cải cách hành chính"
    by_document = kb.search_tasks(query, TaskFilter(document="longdiena-cchc-2023"))
    assert by_document
    assert {t.document.slug for t, _ in by_document} == {"longdiena-cchc-2023"}
    by_locality = kb.search_tasks(query, TaskFilter(localities=frozenset({"ha noi"})))
    assert by_locality
    assert {t.document.locality for t, _ in by_locality} == {"Hà Nội"}
    assert {t.document.year for t, _ in kb.search_tasks(query, TaskFilter(year=2023))} == {2023}


def test_unit_and_role_filters(kb: Catalog) -> None:
    # Hà Nội's office leads the "Xây dựng Kế hoạch ..." rows of VII and supports the Viện's
    # "Nghiên cứu ..." rows (I.4, I.5).
    unit = resolve("Văn phòng UBNDTP", "Hà Nội")
    assert unit is not None
    office = frozenset({unit.id})
    led = kb.search_tasks("kế hoạch", TaskFilter(unit_ids=office, role="lead"))
    supported = kb.search_tasks("nghiên cứu", TaskFilter(unit_ids=office, role="support"))
    assert led
    assert all(office & {u.id for u in t.lead} for t, _ in led)
    assert sorted(t.section for t, _ in supported) == ["Phụ lục, mục I.4", "Phụ lục, mục I.5"]
    assert kb.search_tasks("nghiên cứu", TaskFilter(unit_ids=office, role="lead")) == []


def test_words_of_the_task_outrank_words_of_its_heading(kb: Catalog) -> None:
    # "cải cách thể chế" is the heading of several Hà Nội rows but the very words of Phòng Tư
    # pháp's duty in the city plan (IV.4.a).
    # Among the tasks naming a lead (those that can answer "who"):
    task = next(t for t, _ in kb.search_tasks("cải cách thể chế", limit=10) if t.lead)
    assert task.document.slug == "hungyen-tp-cchc-2024"
    assert [u.name for u in task.lead] == ["Phòng Tư pháp thành phố"]


def test_a_task_saying_the_phrase_outranks_one_holding_its_words_scattered(kb: Catalog) -> None:
    # City plan IV.6.b: "... tổ chức thực hiện Kế hoạch tuyên truyền cải cách hành chính năm
    # 2024", led by Phòng Văn hóa và Thông tin. IV.4.a (Phòng Tư pháp) holds "công tác",
    # "tuyên truyền", "cải cách" and "hành chính" too, apart.
    hits = kb.search_tasks(
        "công tác tuyên truyền cải cách hành chính",
        TaskFilter(document="hungyen-tp-cchc-2024"),
        limit=10,
    )
    led = [task for task, _ in hits if task.lead]
    assert [u.name for u in led[0].lead] == ["Phòng Văn hóa và Thông tin thành phố"]


def test_unrelated_query_covers_nothing(kb: Catalog) -> None:
    # Scattered syllables may meet ("ngoại" in another row): none covers the question.
    assert all(hit.coverage < 0.35 for _, hit in kb.search_tasks("bóng đá ngoại hạng anh"))


def test_targets_and_deadlines_are_searchable(kb: Catalog) -> None:
    target = kb.search_targets("hồ sơ giải quyết đúng hạn", document="hungyen-tp-cchc-2024")
    assert "95%" in target[0][0].text
    deadline = kb.search_deadlines("bao cao quy III", document="hungyen-tp-cchc-2024")
    assert deadline[0][0].title == "Báo cáo CCHC quý III năm 2024"


def test_context_words_count_half_of_the_rows_own_words() -> None:
    index = TopicIndex([("kiểm tra công vụ", ""), ("lập kế hoạch", "kiểm tra công vụ")])
    first, second = index.search("kiểm tra công vụ")
    assert (first.position, second.position) == (0, 1)
    assert first.score > second.score
    assert (first.coverage, second.coverage) == (1.0, 0.5)


def test_a_typo_is_read_as_the_syllable_it_misspells() -> None:
    index = TopicIndex([("tuyên truyền cải cách hành chính", "")])
    assert index.query_syllables("tuyen truyeen") == ["tuyen", "truyen"]


def test_catalog_is_loaded_once_and_reloaded_after_a_build(kb_engine: Engine, kb) -> None:
    first = catalog(kb_engine)
    assert catalog(kb_engine) is first
    build(kb_engine)
    reloaded = catalog(kb_engine)
    assert reloaded is not first
    assert [t.id for t in reloaded.tasks] == [t.id for t in first.tasks]


# --- a plan published by another process is seen without a restart -------------------------------

SHIPPED = SOURCES_DIR / "hungyen-tinh-cchc-2020.txt"
NEW_PLAN = Path(__file__).parents[2] / "plans" / "laichau-tieuchuan-2025.txt"
NEW_TASK = "rà soát văn bản quy phạm pháp luật về tiêu chuẩn và quy chuẩn kỹ thuật"


@pytest.fixture
def two_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Engine, Engine, Path]]:
    """One database seen by two engines: the assistant's (which searches) and an official's
    tool (which publishes). A build calls ``invalidate`` in its own process only: here it
    must not reach the assistant's cache, as it would not across processes."""
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / SHIPPED.name).write_bytes(SHIPPED.read_bytes())
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    assistant, official = make_engine(url), make_engine(url)
    build(official, manifests=load_manifests(sources))
    monkeypatch.setattr(build_module, "invalidate", lambda _engine: None)
    yield assistant, official, sources
    search_module.invalidate(assistant)
    assistant.dispose()
    official.dispose()


def _publish_new_plan(official: Engine, sources: Path) -> None:
    (sources / "laichau-tieuchuan-2025.txt").write_bytes(NEW_PLAN.read_bytes())
    build(official, manifests=load_manifests(sources))


def _finds_new_task(kb: Catalog) -> bool:
    hits = kb.search_tasks(NEW_TASK, TaskFilter(document="laichau-tieuchuan-2025"), limit=1)
    return bool(hits) and "quy phạm pháp luật" in hits[0][0].text


def test_reload_a_plan_published_elsewhere_is_answered_without_a_restart(
    two_processes: tuple[Engine, Engine, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant, official, sources = two_processes
    before = catalog(assistant)
    assert "laichau-tieuchuan-2025" not in before.documents
    _publish_new_plan(official, sources)
    # Within the check interval the assistant answers from what it has, without a query.
    assert catalog(assistant) is before
    monkeypatch.setattr(search_module, "RELOAD_CHECK_S", 0.0)
    # The call that notices the new build still answers at once, from the old catalog ...
    assert catalog(assistant) is before
    # ... while the new one loads in the background and then replaces it.
    deadline = time.monotonic() + 20
    while (after := catalog(assistant)) is before and time.monotonic() < deadline:
        time.sleep(0.02)
    assert after is not before
    assert "laichau-tieuchuan-2025" in after.documents
    assert _finds_new_task(after)


def test_reload_only_when_the_base_changed(two_processes: tuple[Engine, Engine, Path]) -> None:
    assistant, official, sources = two_processes
    before = catalog(assistant)
    build(official, manifests=load_manifests(sources))  # the same sources again
    assert read_stamp(assistant) == before.stamp is not None
    assert refresh(assistant) is False and catalog(assistant) is before
    _publish_new_plan(official, sources)
    assert read_stamp(assistant) != before.stamp
    assert refresh(assistant) is True
    assert _finds_new_task(catalog(assistant))
    (sources / "laichau-tieuchuan-2025.txt").unlink()  # withdrawn
    build(official, manifests=load_manifests(sources))
    assert refresh(assistant) is True
    assert "laichau-tieuchuan-2025" not in catalog(assistant).documents


def test_reload_a_base_built_before_stamps_keeps_its_catalog(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        assert read_stamp(engine) is None  # no table at all
    finally:
        engine.dispose()
