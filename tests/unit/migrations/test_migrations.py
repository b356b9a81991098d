"""Migrations of the application database: a database from the release before migrations
upgrades with nothing lost, on SQLite and PostgreSQL, and the models match the migrations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, func, insert, inspect, select, text

from knowledge import migrations
from knowledge.dossiers.store import SqlDossierStore
from knowledge.feedback import FeedbackDraft, FeedbackService
from knowledge.reminders.service import ReminderService
from knowledge.shared.db import make_engine

FILED = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)

COMPLAINTS: list[dict[str, Any]] = [
    {
        "id": number,
        "code": f"PAKN-2026-{number:06d}",
        "category": "cham_tre",
        "content": f"Hồ sơ đất đai số {number} quá hạn chưa có kết quả.",
        "citizen_name": "Nguyễn Văn An",
        "phone": "0912345678",
        "dossier_code": None,
        "sender_id": f"telegram:{100 + number}",
        "status": "answered" if number == 2 else "new",
        "reply": "Hồ sơ đã được chuyển phòng Tài nguyên." if number == 2 else None,
        "replied_at": FILED if number == 2 else None,
        "handled_by": "web:can-bo" if number == 2 else None,
        "created_at": FILED,
        "updated_at": FILED,
    }
    for number in (1, 2, 3)
]

DOSSIER: dict[str, Any] = {
    "code": "H31.31.01-260115-0001",
    "procedure": "Đăng ký khai sinh",
    "field": "Hộ tịch",
    "receiving_unit": "UBND phường Lam Sơn",
    "locality": "Hưng Yên",
    "applicant_name": "Trần Thị Bình",
    "applicant_phone": "0987654321",
    "channel": "online",
    "received_on": date(2026, 1, 15),
    "due_on": date(2026, 1, 20),
    "status": "processing",
    "finished_on": None,
    "fee_vnd": 0,
    "paid_online": False,
    "result_by_post": False,
    "note": "",
}


def baseline_metadata() -> MetaData:
    """The tables exactly as the last release before migrations created them."""
    script = ScriptDirectory.from_config(migrations.config()).get_revision(migrations.BASELINE)
    assert script is not None
    metadata = script.module._baseline()
    assert isinstance(metadata, MetaData)
    return metadata


def previous_release(engine: Engine, tables: list[str] | None = None) -> MetaData:
    """``engine``'s database as the previous release left it: tables made with create_all (all
    of them, or ``tables`` only, as services made theirs on first use), rows, no version."""
    metadata = baseline_metadata()
    chosen = None if tables is None else [metadata.tables[name] for name in tables]
    metadata.create_all(engine, tables=chosen)
    with engine.begin() as connection:
        connection.execute(insert(metadata.tables["feedback"]), COMPLAINTS)
        if "dossiers" in (tables or metadata.tables):
            connection.execute(insert(metadata.tables["dossiers"]), [DOSSIER])
        if "reminder_subscriptions" in (tables or metadata.tables):
            connection.execute(
                insert(metadata.tables["reminder_subscriptions"]),
                [{"subscriber": "telegram:7", "days_before": 5, "subscribed_at": FILED}],
            )
    return metadata


@pytest.fixture(params=["sqlite", "postgresql"])
def any_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "postgresql":
        yield request.getfixturevalue("postgres_engine")
        return
    engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    yield engine
    engine.dispose()


def rows(engine: Engine, metadata: MetaData, table: str) -> list[dict[str, Any]]:
    model = metadata.tables[table]
    with engine.connect() as connection:
        found = connection.execute(select(model).order_by(*model.primary_key.columns))
        return [dict(row._mapping) for row in found]


def test_migrate_upgrades_a_previous_release_database_with_nothing_lost(
    any_engine: Engine,
) -> None:
    metadata = previous_release(any_engine)
    before = {table: rows(any_engine, metadata, table) for table in metadata.tables}
    assert migrations.current(any_engine) is None

    migrations.upgrade(any_engine)

    assert migrations.current(any_engine) == migrations.head()
    assert {table: rows(any_engine, metadata, table) for table in metadata.tables} == before
    # The services read what the old release stored, and number new complaints after it.
    service = FeedbackService(any_engine)
    status = service.status("PAKN-2026-000002", asked_by="telegram:102")
    assert status is not None
    assert (status.status, status.reply) == ("answered", "Hồ sơ đã được chuyển phòng Tài nguyên.")
    dossier = SqlDossierStore(any_engine).get(DOSSIER["code"])
    assert dossier is not None and dossier.status == "processing"
    assert ReminderService(any_engine).subscription("telegram:7") is not None


def test_migrate_completes_a_previous_release_database_that_made_only_some_tables(
    tmp_path: Path,
) -> None:
    # Before migrations each service made its own table on first use: a database where only
    # complaints were ever filed holds the feedback table alone.
    engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    metadata = previous_release(engine, tables=["feedback"])
    complaints = rows(engine, metadata, "feedback")
    assert inspect(engine).get_table_names() == ["feedback"]

    migrations.upgrade(engine)

    assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    assert rows(engine, metadata, "feedback") == complaints
    assert migrations.differences(engine) == []
    # New complaints are filed beside the old ones, whose codes still answer.
    service = FeedbackService(engine, clock=lambda: FILED)
    new = service.submit(_draft())
    assert new not in {row["code"] for row in complaints}
    assert [item.code for item in service.inbox(status=None)] == [
        "PAKN-2026-000001",
        "PAKN-2026-000002",
        "PAKN-2026-000003",
        new,
    ]


def _draft() -> FeedbackDraft:
    return FeedbackDraft(
        category="thu_tuc",
        content="Thủ tục cấp đổi căn cước phải đi lại nhiều lần.",
        citizen_name="Lê Văn Cường",
        phone="0912 000 111",
        sender_id="web:abc",
    )


def test_migrate_twice_changes_nothing(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    migrations.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(insert(baseline_metadata().tables["feedback"]), COMPLAINTS[:1])
    migrations.upgrade(engine)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM feedback")) == 1
        assert (
            connection.scalar(text("SELECT version_num FROM alembic_version")) == migrations.head()
        )


def test_models_and_migrations_agree(any_engine: Engine) -> None:
    """What `alembic check` does: after the migrations, autogenerate finds nothing to change.
    A model changed without a new revision fails here."""
    migrations.upgrade(any_engine)
    assert migrations.differences(any_engine) == []


def test_migration_differences_are_found_when_a_table_lacks_a_column(tmp_path: Path) -> None:
    # The agreement check above can fail: a database missing a model's column is reported.
    engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    migrations.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE feedback DROP COLUMN handled_by"))
    differences = migrations.differences(engine)
    assert [(kind, column.name) for kind, *_, column in differences] == [
        ("add_column", "handled_by")
    ]


def test_migrate_leaves_other_programs_tables_alone(tmp_path: Path) -> None:
    # Rasa's tracker store may share the database: its table is neither dropped nor reported.
    engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, data TEXT)"))
        connection.execute(text("INSERT INTO events (data) VALUES ('{}')"))
    migrations.upgrade(engine)
    assert migrations.differences(engine) == []
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(text("events"))) == 1
