"""The build: every document in, units resolved, ids stable, portable SQL only."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine, event, inspect, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable

from knowledge.plans.build import KNOWLEDGE_TABLES, BuildReport, build, collect, fact_ids
from knowledge.plans.ingest import PARSERS
from knowledge.plans.manifest import load_manifests
from knowledge.plans.models import (
    Base,
    Document,
    ReportingDeadline,
    Responsibility,
    Target,
    Task,
    TaskUnit,
    UnitAlias,
)
from knowledge.plans.units import load_registry, unit_key
from knowledge.shared.db import make_engine, session_scope


def _snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, as sorted tuples of column values."""
    with session_scope(engine) as session:
        return {
            table.name: sorted(tuple(row) for row in session.execute(select(*table.columns)).all())
            for table in (model.__table__ for model in KNOWLEDGE_TABLES)
        }


def test_build_reads_every_document(kb_report: BuildReport) -> None:
    assert kb_report.documents == len(load_manifests()) == 5
    assert kb_report.tasks > 200
    assert kb_report.targets > 30
    assert kb_report.deadlines >= 10


def test_every_unit_the_documents_name_is_declared(kb_report: BuildReport) -> None:
    assert kb_report.unlisted_units == ()


def test_every_document_has_tasks_with_a_lead_unit(kb_engine: Engine, kb_report) -> None:
    with session_scope(kb_engine) as session:
        led = set(
            session.scalars(
                select(Task.document_id).join(TaskUnit).where(TaskUnit.role == "lead").distinct()
            )
        )
    assert led == {m.slug for m in load_manifests()}


@dataclass(frozen=True)
class Rebuild:
    before: dict[str, list[tuple]]
    after: dict[str, list[tuple]]
    statements: list[str]  # SQL the rebuild sent


@pytest.fixture(scope="module")
def rebuild(kb_url: str) -> Rebuild:
    """The shared knowledge base built a second time, watched (on an engine of its own)."""
    engine = make_engine(kb_url)
    before = _snapshot(engine)
    statements: list[str] = []
    event.listen(
        engine,
        "before_cursor_execute",
        lambda _conn, _cursor, statement, *_: statements.append(statement),
    )
    build(engine)
    return Rebuild(before, _snapshot(engine), statements)


def test_rebuild_gives_identical_rows(rebuild: Rebuild) -> None:
    assert rebuild.after == rebuild.before
    assert all(rebuild.before.values())


def test_build_creates_and_replaces_only_knowledge_tables(kb_engine: Engine, kb_report) -> None:
    # Dossiers and feedback share ``Base`` and the database; a rebuild must not touch them.
    assert set(inspect(kb_engine).get_table_names()) == {
        model.__tablename__ for model in KNOWLEDGE_TABLES
    }


def test_adding_a_document_keeps_the_ids_of_the_others() -> None:
    manifests = load_manifests()
    registry = load_registry()
    alone = collect(manifests[:1], registry, PARSERS)
    together = collect(manifests, registry, PARSERS)
    slug = manifests[0].slug
    for kind in ("tasks", "targets", "deadlines", "responsibilities"):
        ids_alone = [row.id for row in getattr(alone, kind)]
        ids_together = [row.id for row in getattr(together, kind) if row.document_id == slug]
        assert ids_alone == ids_together, kind


def test_fact_ids_count_facts_starting_on_the_same_line() -> None:
    assert fact_ids("hungyen-tp-papi-2023", "deadline", [121, 121, 183]) == [
        "hungyen-tp-papi-2023:deadline:121:1",
        "hungyen-tp-papi-2023:deadline:121:2",
        "hungyen-tp-papi-2023:deadline:183:1",
    ]


def test_task_units_are_resolved_in_the_document_locality(kb_engine: Engine, kb_report) -> None:
    # Hà Nội appendix I.5 prints its support cell glued: "- Sở Nội vụ Văn phòng UBND Thành phố".
    with session_scope(kb_engine) as session:
        task = session.scalars(
            select(Task).where(Task.document_id == "hanoi-cchc-2021", Task.line == 319)
        ).one()
        links = {(link.role, link.unit.name, link.unit.locality) for link in task.unit_links}
    assert links == {
        ("lead", "Viện Nghiên cứu Phát triển KT-XH", "Hà Nội"),
        ("support", "Sở Nội vụ", "Hà Nội"),
        ("support", "Văn phòng UBND Thành phố", "Hà Nội"),
    }


def test_due_texts_are_normalised_and_kept_as_written(kb_engine: Engine, kb_report) -> None:
    with session_scope(kb_engine) as session:
        task = session.get(Task, "hanoi-cchc-2021:task:263:1")
    assert task.due_text == "Quý I/2021"
    assert (task.due_kind, task.due_start, task.due_end) == (
        "quarter",
        date(2021, 1, 1),
        date(2021, 3, 31),
    )


def test_deadlines_are_dated_or_recurring(kb_engine: Engine, kb_report) -> None:
    with session_scope(kb_engine) as session:
        dated = session.get(ReportingDeadline, "hungyen-tp-cchc-2024:deadline:250:1")
        rule = session.get(ReportingDeadline, "longdiena-cchc-2023:deadline:183:1")
        periodic = session.get(ReportingDeadline, "longdiena-cchc-2023:deadline:197:1")
    assert dated.due_date == date(2024, 9, 14)
    assert (rule.due_date, rule.rule_day, rule.rule_months) == (None, 5, "3,6,9,12")
    # A periodic report without a day keeps its period as written, and no due day.
    assert (periodic.due_date, periodic.rule_day) == (None, None)
    assert periodic.rule_description == "định kỳ 3 tháng, 6 tháng, 9 tháng, năm"


def test_a_duty_shared_by_two_units_is_each_units_duty(kb_engine: Engine, kb_report) -> None:
    # Hà Nội V.3: "Đề nghị Trường Đào tạo cán bộ Lê Hồng Phong Hà Nội và các Trung tâm bồi
    # dưỡng chính trị quận, huyện, thị xã" → "Chủ trì lồng ghép các nội dung CCHC ..."
    with session_scope(kb_engine) as session:
        duties = session.scalars(
            select(Responsibility).where(
                Responsibility.document_id == "hanoi-cchc-2021", Responsibility.line == 224
            )
        ).all()
        units = sorted((d.role, d.unit.name) for d in duties)
    assert units == [
        ("lead", "Các Trung tâm bồi dưỡng chính trị quận, huyện, thị xã"),
        ("lead", "Trường Đào tạo cán bộ Lê Hồng Phong Hà Nội"),
    ]


def test_units_record_locality_and_level(kb_engine: Engine, kb_report) -> None:
    with session_scope(kb_engine) as session:
        alias = session.get(UnitAlias, ("Hưng Yên (thành phố)", unit_key("VP HĐND-UBND")))
        unit = alias.unit
    assert (unit.name, unit.locality, unit.level, unit.collective) == (
        "Văn phòng HĐND và UBND thành phố",
        "Hưng Yên (thành phố)",
        "district",
        False,
    )


def test_documents_keep_their_manifest_metadata(kb_engine: Engine, kb_report) -> None:
    with session_scope(kb_engine) as session:
        city = session.get(Document, "hungyen-tp-cchc-2024")
        hanoi = session.get(Document, "hanoi-cchc-2021")
    assert (city.number, city.issued, city.year) == (None, None, 2024)
    assert (hanoi.kind, hanoi.number, hanoi.issued) == ("QĐ", "5743/QĐ-UBND", date(2020, 12, 29))


def test_schema_compiles_for_postgresql() -> None:
    dialect = postgresql.dialect()
    for table in (model.__table__ for model in KNOWLEDGE_TABLES):
        str(CreateTable(table).compile(dialect=dialect))
        for index in table.indexes:
            str(CreateIndex(index).compile(dialect=dialect))


# SQL only SQLite accepts; the build must not emit any of it.
_SQLITE_ONLY = re.compile(
    r"\b(?:INSERT OR|REPLACE INTO|AUTOINCREMENT|GLOB|IFNULL|STRFTIME|RETURNING ROWID)\b",
    re.IGNORECASE,
)


def test_build_emits_only_portable_sql(rebuild: Rebuild) -> None:
    emitted = [s for s in rebuild.statements if not s.upper().startswith("PRAGMA")]
    assert emitted
    assert [s for s in emitted if _SQLITE_ONLY.search(s)] == []


@pytest.mark.parametrize("model", [Task, Target, ReportingDeadline, Responsibility])
def test_fact_ids_name_their_document(kb_engine: Engine, kb_report, model: type[Base]) -> None:
    with session_scope(kb_engine) as session:
        rows = session.execute(select(model.id, model.document_id)).all()
    assert rows
    assert all(fact_id.startswith(f"{document}:") for fact_id, document in rows)


def test_concurrent_builds_on_one_postgresql_database_both_succeed(
    postgres_engine: Engine,
) -> None:
    # Several hosts rebuild at start; without the advisory lock the second build's deletes and
    # inserts interleave with the first one's and break foreign keys.
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(lambda _: build(postgres_engine), range(2)))
    assert reports[0].tasks == reports[1].tasks > 0
    with session_scope(postgres_engine) as session:
        assert session.query(Task).count() == reports[0].tasks


# --- documents without a manifest, documents that cannot be read ------------------------------

PLAN_TEXT = """\
| ỦY BAN NHÂN DÂN TỈNH LAI CHÂU | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |
| Số: 7360/KH-UBND | Lai Châu, ngày 19 tháng 11 năm 2025 |

KẾ HOẠCH

TRIỂN KHAI THI HÀNH LUẬT TIÊU CHUẨN TRÊN ĐỊA BÀN TỈNH LAI CHÂU

I. NỘI DUNG
1. Rà soát văn bản
- Rà soát các văn bản quy phạm pháp luật có liên quan.
- Cơ quan chủ trì: Sở Khoa học và Công nghệ.
- Thời gian thực hiện: Quý I/2026.
"""


def test_a_document_without_manifest_is_read_from_its_text(tmp_path) -> None:
    (tmp_path / "laichau-tieuchuan-2025.txt").write_text(PLAN_TEXT, encoding="utf-8")
    (manifest,) = load_manifests(tmp_path)
    assert (manifest.slug, manifest.parser) == ("laichau-tieuchuan-2025", "generic")
    assert (manifest.number, manifest.kind, manifest.year) == ("7360/KH-UBND", "KH", 2025)
    assert (manifest.issued, manifest.issuer) == (date(2025, 11, 19), "UBND tỉnh Lai Châu")
    assert (manifest.locality, manifest.level) == ("Lai Châu", "province")
    assert "number" in manifest.from_text


def test_a_manifest_only_overrides_what_it_names(tmp_path) -> None:
    (tmp_path / "plan.txt").write_text(PLAN_TEXT, encoding="utf-8")
    (tmp_path / "plan.yaml").write_text("note: Bản tóm tắt\nyear: 2026\n", encoding="utf-8")
    (manifest,) = load_manifests(tmp_path)
    assert (manifest.year, manifest.note, manifest.number) == (2026, "Bản tóm tắt", "7360/KH-UBND")
    assert "year" not in manifest.from_text


def test_a_document_that_cannot_be_read_is_named_and_the_others_are_built(tmp_path) -> None:
    (tmp_path / "good.txt").write_text(PLAN_TEXT, encoding="utf-8")
    (tmp_path / "bad.txt").write_text(PLAN_TEXT, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("parser: broken\n", encoding="utf-8")

    def broken(text: str):
        raise RuntimeError("unexpected cell")

    engine = make_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    report = build(
        engine, manifests=load_manifests(tmp_path), parsers={**PARSERS, "broken": broken}
    )
    assert report.documents == 1 and report.tasks == 1
    assert report.problems[0] == "bad: not read (RuntimeError: unexpected cell)"
    assert report.problems[1:] == ["good: only 1 tasks found"]  # one task is few for a plan


def test_a_document_read_poorly_says_so(tmp_path) -> None:
    (tmp_path / "thin.txt").write_text("KẾ HOẠCH\nMột đoạn văn.\n", encoding="utf-8")
    rows = collect(load_manifests(tmp_path), load_registry(), PARSERS)
    (counts,) = rows.counts
    assert counts.problems == ["thin: only 0 tasks found"]


def test_a_document_whose_facts_fail_to_normalise_is_left_out_whole(tmp_path, monkeypatch) -> None:
    import knowledge.plans.build as build_module

    (tmp_path / "good.txt").write_text(PLAN_TEXT, encoding="utf-8")
    (tmp_path / "odd.txt").write_text(PLAN_TEXT.replace("Quý I/2026", "Quý 0/2026"), "utf-8")
    real = build_module.normalize_due

    def strict(text: str, year: int):
        if "Quý 0" in text:
            raise ValueError("no quarter 0")
        return real(text, year)

    monkeypatch.setattr(build_module, "normalize_due", strict)
    rows = collect(load_manifests(tmp_path), load_registry(), PARSERS)
    assert [d.id for d in rows.documents] == ["good"]
    assert {t.document_id for t in rows.tasks} == {"good"}
    assert rows.counts[1].problems == ["odd: not read (ValueError: no quarter 0)"]
