"""Backups: complaints filed, the database backed up while the app writes, restored into a fresh
database, and every complaint found there (SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from knowledge import migrations
from knowledge.cli import main
from knowledge.feedback import Feedback, FeedbackDraft, FeedbackService
from knowledge.shared.backup import BackupError, create_backup, restore_backup
from knowledge.shared.db import make_engine

FILED = 40
NewDatabase = Callable[[str], AbstractContextManager[str]]


def _draft(n: int) -> FeedbackDraft:
    return FeedbackDraft(
        category="cham_tre",
        content=f"Hồ sơ số {n} của tôi đã quá hạn mà chưa có kết quả, mong cơ quan xem xét.",
        citizen_name="Nguyễn Văn An",
        phone="0912 345 678",
        sender_id=f"telegram:{n}",
    )


def _complaints(url: str) -> list[tuple[Any, ...]]:
    """Every complaint of the database at ``url``, in filing order, with what officials see."""
    engine = make_engine(url)
    columns = (Feedback.code, Feedback.content, Feedback.phone, Feedback.sender_id)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(*columns, Feedback.status, Feedback.reply, Feedback.created_at).order_by(
                    Feedback.id
                )
            )
            return [tuple(row) for row in rows]
    finally:
        engine.dispose()


def _live_database(url: str) -> FeedbackService:
    engine = make_engine(url)
    migrations.upgrade(engine)
    service = FeedbackService(engine)
    codes = [service.submit(_draft(n)) for n in range(FILED)]
    service.reply(codes[0], "Đã chuyển Phòng Tư pháp xử lý.", by="telegram:42")
    return service


def test_backup_of_sqlite_taken_while_complaints_arrive_restores_every_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = f"sqlite:///{tmp_path / 'live' / 'knowledge.db'}"
    service = _live_database(live)
    stop = threading.Event()

    def keep_filing() -> None:
        n = FILED
        while not stop.is_set():
            service.submit(_draft(n))
            n += 1

    writer = threading.Thread(target=keep_filing)
    writer.start()
    try:
        out = tmp_path / "backups"
        assert main(["backup", "create", "--database-url", live, "--out", str(out)]) == 0
    finally:
        stop.set()
        writer.join()
    (backup,) = out.iterdir()  # one self-contained file, nothing half-written beside it
    assert backup.suffix == ".sqlite3"
    assert str(backup) in capsys.readouterr().out

    fresh = f"sqlite:///{tmp_path / 'fresh' / 'knowledge.db'}"
    assert main(["backup", "restore", str(backup), "--database-url", fresh]) == 0
    restored, now_live = _complaints(fresh), _complaints(live)
    assert len(restored) >= FILED
    # Every complaint filed before the backup, the replied one included, and no partial write.
    assert restored == now_live[: len(restored)]
    assert migrations.current(make_engine(fresh)) == migrations.head()


def test_backup_restore_keeps_a_database_holding_data_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = f"sqlite:///{tmp_path / 'knowledge.db'}"
    _live_database(live)
    backup = create_backup(live, tmp_path / "backups")
    before = _complaints(live)
    FeedbackService(make_engine(live)).submit(_draft(FILED))

    assert main(["backup", "restore", str(backup), "--database-url", live]) == 73
    assert "--force" in capsys.readouterr().err
    assert len(_complaints(live)) == FILED + 1
    assert main(["backup", "restore", str(backup), "--database-url", live, "--force"]) == 0
    assert _complaints(live) == before


def test_backup_restore_refuses_a_file_that_is_no_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("not a database", encoding="utf-8")
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert main(["backup", "restore", str(notes), "--database-url", fresh]) == 65
    assert "không phải bản sao lưu" in capsys.readouterr().err
    gone = tmp_path / "gone.sqlite3"
    assert main(["backup", "restore", str(gone), "--database-url", fresh]) == 66
    assert main(["backup", "create", "--database-url", fresh, "--out", str(tmp_path)]) == 66


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="no pg_dump (postgresql-client)")
def test_backup_of_postgresql_restores_every_complaint_into_a_fresh_database(
    new_postgres_database: NewDatabase, tmp_path: Path
) -> None:
    with new_postgres_database("backup_live") as live, new_postgres_database("backup_new") as fresh:
        service = _live_database(live)
        backup = create_backup(live, tmp_path)
        assert backup.read_bytes().startswith(b"PGDMP")
        service.submit(_draft(FILED))  # after the backup: not in it

        restore_backup(backup, fresh)
        assert _complaints(fresh) == _complaints(live)[:FILED]
        with pytest.raises(BackupError) as refused:
            restore_backup(backup, fresh)
        assert refused.value.reason == "not_empty"
        restore_backup(backup, fresh, force=True)
        assert _complaints(fresh) == _complaints(live)[:FILED]
