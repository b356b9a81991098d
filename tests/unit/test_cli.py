"""The command line: JSON on stdout, Vietnamese messages on stderr, sysexits exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy import inspect, text

from knowledge.cli import (
    EXIT_DUPLICATE,
    EXIT_EMPTY,
    EXIT_NO_INPUT,
    EXIT_NO_TASKS,
    EXIT_NOT_FOUND,
    EXIT_NOT_PUBLISHED,
    EXIT_UNAVAILABLE,
    EXIT_UNREADABLE,
    EXIT_USAGE,
    main,
)
from knowledge.plans.formats import intake
from knowledge.plans.ingest.records import ParsedDocument, ParsedTask, SourceRef
from knowledge.plans.manifest import SOURCES_DIR
from knowledge.shared.db import make_engine
from knowledge.shared.settings import REPO_ROOT, load_settings
from tests.unit.plans.formats import builders


@pytest.fixture
def cli_kb(kb_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The shared knowledge base, as the CLI's configured database."""
    monkeypatch.setenv("DATABASE_URL", kb_url)
    return kb_url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_stats_json(cli_kb: str, kb, capsys) -> None:
    code, out, _ = run(capsys, "stats", "--json")
    assert code == 0
    stats = json.loads(out)
    assert stats["documents"] == 5
    assert stats["tasks"] == len(kb.tasks)
    assert set(stats) >= {"documents", "tasks", "targets", "deadlines", "units"}


def test_search_json_gives_ranked_tasks_with_their_facts(cli_kb: str, capsys) -> None:
    code, out, _ = run(capsys, "search", "ai chu tri sap xep cac co so bao tro", "--json")
    assert code == 0
    top = json.loads(out)[0]
    assert top["text"] == "Sắp xếp các cơ sở bảo trợ trực thuộc Sở Lao động-Thương binh và Xã hội"
    assert top["lead"] == ["Sở Nội vụ"]
    assert top["support"] == ["Sở Lao động - Thương binh và Xã hội"]
    assert top["due"] == "Quý I/2021"
    assert top["product"] == "Quyết định phê duyệt Đề án của UBND Thành phố"
    assert top["source"].startswith("Kế hoạch ban hành kèm theo Quyết định số 5743/QĐ-UBND")


def test_search_filters(cli_kb: str, capsys) -> None:
    code, out, _ = run(
        capsys, "search", "tuyên truyền", "--document", "longdiena-cchc-2023", "--json"
    )
    assert code == 0
    assert {m["document"] for m in json.loads(out)} == {"longdiena-cchc-2023"}


@pytest.mark.parametrize("argv", [["search", "   "], ["unit", ""], ["targets", " "]])
def test_empty_queries_are_usage_errors(cli_kb: str, capsys, argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == EXIT_USAGE
    assert out == ""
    assert "không được để trống" in err


def test_bad_arguments_are_usage_errors(cli_kb: str, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["deadlines", "--from", "2024-13-01"])
    assert exit_info.value.code == EXIT_USAGE
    assert "ngày không hợp lệ" in capsys.readouterr().err


def test_unknown_unit_is_not_found(cli_kb: str, capsys) -> None:
    code, out, err = run(capsys, "unit", "Sở Ngoại giao", "--json")
    assert code == EXIT_NOT_FOUND
    assert out == ""
    assert "Không tìm thấy đơn vị “Sở Ngoại giao”" in err


def test_search_without_match_is_not_found(cli_kb: str, capsys) -> None:
    code, _, err = run(capsys, "search", "bóng đá ngoại hạng anh")
    assert code == EXIT_NOT_FOUND
    assert "Không tìm thấy nhiệm vụ" in err


def test_unit_json_lists_lead_and_support(cli_kb: str, capsys) -> None:
    code, out, _ = run(
        capsys, "unit", "Phong Tu phap", "--locality", "Hưng Yên (thành phố)", "--json"
    )
    assert code == 0
    (work,) = json.loads(out)
    assert work["unit"]["name"] == "Phòng Tư pháp thành phố"
    assert work["lead"] and work["support"]


def test_deadlines_window_json(cli_kb: str, capsys) -> None:
    code, out, _ = run(capsys, "deadlines", "--from", "2023-06-01", "--to", "2023-06-30", "--json")
    assert code == 0
    found = [(d["date"], d["document"]) for d in json.loads(out)]
    assert found == [
        ("2023-06-05", "hungyen-tp-papi-2023"),
        ("2023-06-05", "longdiena-cchc-2023"),
        ("2023-06-15", "hanoi-cchc-2021"),  # Hà Nội's 2021 quarterly rules still apply
        ("2023-06-15", "hanoi-cchc-2021"),
    ]


def test_deadlines_reversed_window_is_a_usage_error(cli_kb: str, capsys) -> None:
    code, _, err = run(capsys, "deadlines", "--from", "2024-12-31", "--to", "2024-01-01")
    assert code == EXIT_USAGE
    assert "--from" in err


def test_targets_json(cli_kb: str, capsys) -> None:
    code, out, _ = run(
        capsys, "targets", "TTHC có nghĩa vụ tài chính thanh toán trực tuyến", "--json"
    )
    assert code == 0
    assert "80%" in json.loads(out)[0]["figures"]


def test_unbuilt_knowledge_base_says_how_to_build(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    code, _, err = run(capsys, "stats")
    assert code == EXIT_UNAVAILABLE
    assert "python -m knowledge build" in err


def test_settings_default_to_a_sqlite_file_under_var_dir() -> None:
    assert load_settings({}).database_url == f"sqlite:///{REPO_ROOT / 'var' / 'knowledge.db'}"
    assert load_settings({"VAR_DIR": "/srv/tro-ly"}).database_url == (
        "sqlite:////srv/tro-ly/knowledge.db"
    )
    url = "postgresql+psycopg://kb@db/kb"
    assert load_settings({"DATABASE_URL": url, "VAR_DIR": "/srv"}).database_url == url


def test_module_entry_point(cli_kb: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "knowledge", "stats", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": cli_kb},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["documents"] == 5


def test_build_prepares_the_whole_database_and_keeps_its_dossiers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    code, _, _ = run(capsys, "build", "--json")
    assert code == 0
    tables = set(inspect(make_engine(url)).get_table_names())
    assert {"documents", "tasks", "dossiers", "feedback"} <= tables
    assert json.loads(run(capsys, "seed-demo", "--count", "3", "--json")[1]) == {"inserted": 3}
    code, _, _ = run(capsys, "build")  # again: the knowledge tables are replaced, nothing else
    assert code == 0
    with make_engine(url).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM dossiers")).scalar_one() == 3


def test_seed_demo_adds_only_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    assert json.loads(run(capsys, "seed-demo", "--count", "4", "--json")[1]) == {"inserted": 4}
    assert json.loads(run(capsys, "seed-demo", "--count", "4", "--json")[1]) == {"inserted": 0}
    assert json.loads(run(capsys, "seed-demo", "--count", "6", "--json")[1]) == {"inserted": 2}
    code, out, _ = run(capsys, "seed-demo", "--count", "6", "--seed", "7")
    assert code == 0
    assert "Đã thêm 6 hồ sơ mẫu" in out  # another seed, other dossiers


def test_seed_demo_count_must_be_positive(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["seed-demo", "--count", "0"])
    assert exit_info.value.code == EXIT_USAGE
    assert "số nguyên dương" in capsys.readouterr().err


def test_lookups_writes_the_nlu_tables(tmp_path: Path, capsys) -> None:
    code, out, _ = run(capsys, "lookups", "--out", str(tmp_path / "lookups"), "--json")
    assert code == 0
    written = [Path(path) for path in json.loads(out)]
    assert [path.name for path in written] == ["units.yml", "localities.yml"]
    units = yaml.safe_load(written[0].read_text(encoding="utf-8"))
    assert units["nlu"][0]["lookup"] == "unit"
    assert "- Phòng Tư pháp thành phố\n" in units["nlu"][0]["examples"]
    assert "- phong tu phap thanh pho\n" in units["nlu"][0]["examples"]


def test_next_deadline_json_names_the_plan_it_follows(cli_kb: str, capsys) -> None:
    code, out, _ = run(capsys, "deadlines", "--from", "2026-11-22", "--next", "--json")
    assert code == 0
    (found,) = json.loads(out)
    assert found["date"] == "2026-12-05"
    assert (found["plan"]["number"], found["plan"]["year"]) == ("136/KH-UBND", 2023)
    assert found["section"] == "Mục IV"


def test_deadlines_window_defaults_to_a_year_from_its_start(cli_kb: str, capsys) -> None:
    code, out, _ = run(capsys, "deadlines", "--from", "2026-01-01", "--json")
    assert code == 0
    dates = [d["date"] for d in json.loads(out)]
    assert dates[0] == "2026-03-05" and dates[-1] == "2026-12-15"
    assert len(dates) == 12  # Long Điền A's rule and Hà Nội's two, every quarter


# --- add, remove: an official adds a plan document and withdraws it ------------------------------

NEW_PLAN = REPO_ROOT / "tests" / "plans" / "laichau-tieuchuan-2025.txt"


@pytest.fixture
def sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped plan documents as the folder ``add`` publishes into, and a fresh
    database as the knowledge base it rebuilds."""
    folder = tmp_path / "sources"
    folder.mkdir()
    for path in SOURCES_DIR.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(intake, "SOURCES_DIR", folder)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kb.db'}")
    return folder


@pytest.fixture
def new_plan_docx(tmp_path: Path) -> Path:
    """A real plan of another province, as the official has it: a .docx."""
    path = tmp_path / "KH 7360 Lai Chau.docx"
    path.write_bytes(builders.docx_from_text(NEW_PLAN.read_text(encoding="utf-8")))
    return path


def test_add_dry_run_shows_what_was_read_and_publishes_nothing(
    sources: Path, new_plan_docx: Path, capsys
) -> None:
    before = sorted(p.name for p in sources.iterdir())
    code, out, _ = run(capsys, "add", str(new_plan_docx), "--dry-run", "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["status"] == "dry_run"
    assert shown["file_kind"] == "docx"
    assert shown["metadata"]["number"] == "7360/KH-UBND"
    assert shown["metadata"]["issued"] == "2025-11-19"
    assert shown["metadata"]["locality"] == "Lai Châu"
    assert shown["counts"]["tasks"] > 0
    assert set(shown["counts"]) >= {"tasks", "targets", "deadlines", "tasks_without_lead"}
    assert "text" not in shown
    assert sorted(p.name for p in sources.iterdir()) == before


def test_add_dry_run_in_words(sources: Path, new_plan_docx: Path, capsys) -> None:
    code, out, _ = run(capsys, "add", str(new_plan_docx), "--dry-run")
    assert code == 0
    assert "Đã đọc “KH 7360 Lai Chau.docx” (docx)" in out
    assert "Số 7360/KH-UBND, ngày 19/11/2025" in out
    assert "nhiệm vụ," in out and "chỉ tiêu," in out and "hạn báo cáo" in out
    assert "Chạy thử (--dry-run) nên chưa đăng" in out


def test_add_publishes_rebuilds_and_remove_withdraws(
    sources: Path, new_plan_docx: Path, capsys
) -> None:
    code, out, err = run(capsys, "add", str(new_plan_docx), "--force", "--json")
    assert code == 0, err
    added = json.loads(out)
    slug = added["slug"]
    assert added["status"] == "published"
    assert added["build"]["documents"] == 6
    assert (sources / f"{slug}.txt").exists() and (sources / f"{slug}.yaml").exists()
    code, out, _ = run(capsys, "plans", "--json")
    assert slug in {plan["slug"] for plan in json.loads(out)}

    code, out, _ = run(capsys, "remove", slug)
    assert code == 0
    assert f"Đã gỡ kế hoạch “{slug}”" in out
    assert not (sources / f"{slug}.txt").exists()
    code, out, _ = run(capsys, "plans", "--json")
    plans = json.loads(out)
    assert slug not in {plan["slug"] for plan in plans}
    assert len(plans) == 5


def test_the_same_document_again_is_a_duplicate_in_any_format(
    sources: Path, tmp_path: Path, capsys
) -> None:
    # A shipped plan, re-sent as a .docx: same words, so the same fingerprint.
    shipped = (sources / "longdiena-cchc-2023.txt").read_text(encoding="utf-8")
    again = tmp_path / "ke-hoach-long-dien-a.docx"
    again.write_bytes(builders.docx_from_text(shipped))
    code, _, err = run(capsys, "add", str(again), "--dry-run")
    assert code == EXIT_DUPLICATE
    assert "longdiena-cchc-2023" in err and "không đăng lại" in err


def test_the_same_number_and_issuer_is_a_duplicate(
    sources: Path, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ban-sua.txt"
    path.write_text("Bản sửa của kế hoạch 19.\n", encoding="utf-8")
    monkeypatch.setattr(
        intake,
        "read_metadata",
        lambda text, name, overrides: {
            **dict.fromkeys(intake.META_FIELDS),
            "number": "19/KH-UBND",
            "issuer": "UBND thành phố Hưng Yên",
        },
    )
    code, _, err = run(capsys, "add", str(path), "--dry-run")
    assert code == EXIT_DUPLICATE
    assert "19/KH-UBND" in err and "hungyen-tp-papi-2023" in err


def test_an_empty_file_is_refused(sources: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "trong.docx"
    path.write_bytes(b"")
    code, out, err = run(capsys, "add", str(path))
    assert code == EXIT_EMPTY
    assert out == ""
    assert "trống" in err


def test_an_unreadable_file_is_refused_with_its_reason(
    sources: Path, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "hong.pdf"
    path.write_bytes(b"%PDF-1.7 this is not a PDF")
    code, out, err = run(capsys, "add", str(path), "--json")
    assert code == EXIT_UNREADABLE
    assert json.loads(out)["reason"] == "damaged"
    assert "hong.pdf" in err and "Traceback" not in err


def test_a_missing_file_is_refused(sources: Path, tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "add", str(tmp_path / "khong-co.docx"))
    assert code == EXIT_NO_INPUT
    assert "Không tìm thấy tệp" in err


def test_a_document_with_no_tasks_is_refused(sources: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "thong-bao.txt"
    path.write_text("Thông báo lịch họp giao ban tuần.\n", encoding="utf-8")
    code, _, err = run(capsys, "add", str(path))
    assert code == EXIT_NO_TASKS
    assert "Không tìm thấy nhiệm vụ nào" in err
    assert not (sources / "thong-bao.txt").exists()


def _tasks_without_leads(text: str) -> tuple[str | None, ParsedDocument]:
    tasks = [
        ParsedTask(text=f"Nhiệm vụ {n}", source=SourceRef("Mục II", n), lead_units=())
        for n in range(1, 6)
    ]
    return None, ParsedDocument(tasks=tasks)


def test_a_document_read_poorly_is_published_only_with_force(
    sources: Path, new_plan_docx: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "parse_text", _tasks_without_leads)
    code, out, err = run(capsys, "add", str(new_plan_docx))
    assert code == EXIT_NOT_PUBLISHED
    assert "5/5 nhiệm vụ không đọc được đơn vị chủ trì" in out
    assert "--force" in err
    assert len(list(sources.glob("*.txt"))) == 5


def test_remove_of_an_unknown_plan_is_not_found(sources: Path, capsys) -> None:
    code, _, err = run(capsys, "remove", "khong-co-ke-hoach-nay")
    assert code == EXIT_NOT_FOUND
    assert "Không có kế hoạch nào mang mã" in err
