"""On-time statistics: the unit and period read from the question, the figures, the plan target
they are set against (read from the real plan) and the buttons for an ambiguous unit."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Engine

from actions.stats import (
    PERIODS,
    ActionOntimeStats,
    StatsQuery,
    meets_target,
    parse_query,
    period_label,
    unit_phrase,
)
from knowledge.dossiers.models import Dossier, create_dossier_tables
from knowledge.plans.build import build
from knowledge.plans.service import TargetMatch
from knowledge.shared.db import make_engine, session_scope
from knowledge.shared.periods import THIS_QUARTER
from tests.unit.actions.replies import said

TODAY = date(2026, 11, 22)
# Copied from knowledge/plans/sources/hungyen-tp-cchc-2024.txt, Mục II.2.a, and hanoi-cchc-2021.txt.
CITY_TARGET = "Trên 95% số hồ sơ TTHC được trả kết quả giải quyết đúng hạn"
HANOI_TARGET = "Tối thiểu 99% số hồ sơ TTHC được trả kết quả giải quyết đúng hạn, trước hạn."


def _dossier(serial: int, unit: str, due: date, finished: date) -> Dossier:
    return Dossier(
        code=f"H31.31.01-260701-{serial:04d}",
        procedure="Đăng ký khai sinh",
        field="Hộ tịch",
        receiving_unit=unit,
        locality="thành phố Hưng Yên",
        applicant_name="Nguyễn Văn A",
        applicant_phone="0900000000",
        channel="in_person",
        received_on=due - timedelta(days=1),
        due_on=due,
        status="returned",
        finished_on=finished,
    )


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The real plans, and dossiers whose counts are known: in Q3 2026 Lam Sơn settles four,
    one late; Hiến Nam two, on time. In Q4 2026 Lam Sơn settles one, on time."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('stats') / 'kb.db'}")
    build(engine)
    create_dossier_tables(engine)
    lam_son, hien_nam = "UBND phường Lam Sơn", "UBND phường Hiến Nam"
    july, august = date(2026, 7, 15), date(2026, 8, 20)
    rows = [
        _dossier(1, lam_son, july, july),
        _dossier(2, lam_son, july, july - timedelta(days=1)),
        _dossier(3, lam_son, august, august),
        _dossier(4, lam_son, august, august + timedelta(days=3)),
        _dossier(5, hien_nam, july, july),
        _dossier(6, hien_nam, august, august),
        _dossier(7, lam_son, date(2026, 10, 12), date(2026, 10, 12)),
    ]
    with session_scope(engine) as session:
        session.add_all(rows)
    return engine


def tracker(
    text: str,
    intent: str = "ask_ontime_stats",
    *,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
) -> Tracker:
    latest = {"text": text, "intent": {"name": intent}, "entities": entities or []}
    return Tracker("rest:official", slots or {}, latest, [], False, None, {}, "action_listen")


async def ask(
    engine: Engine, t: Tracker, env: dict[str, str] | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    action = ActionOntimeStats(engine, today=lambda: TODAY, env=env or {})
    events = await action.run(dispatcher, t, {})
    (message,) = dispatcher.messages
    return message, events


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("tỷ lệ hồ sơ đúng hạn của phường Hiến Nam quý này", "phuong hien nam"),
        ("ty le hs tre han phuong minh khai", "phuong minh khai"),
        ("UBND phường Lam Sơn có bao nhiêu hồ sơ quá hạn", "ubnd phuong lam son"),
        ("xã Bảo Khê đúng hạn được bao nhiêu hồ sơ", "xa bao khe"),
        ("thống kê hồ sơ đúng hạn của Sở Tư pháp", "so tu phap"),
        ("tỷ lệ giải quyết hồ sơ đúng hạn hiện nay là bao nhiêu", None),
        ("số liệu hồ sơ trễ hạn năm 2025", None),
        ("hiện tại tỷ lệ hồ sơ đúng hạn toàn thành phố là bao nhiêu phần trăm", None),
    ],
)
def test_the_unit_is_read_from_the_question(text: str, phrase: str | None) -> None:
    assert unit_phrase(text) == phrase


def test_the_period_defaults_to_this_quarter_and_a_year_alone_to_the_whole_year() -> None:
    assert parse_query("tỷ lệ hồ sơ đúng hạn", {}, TODAY) == StatsQuery(
        None, THIS_QUARTER, 2026, period_given=False
    )
    assert parse_query("số liệu hồ sơ trễ hạn năm 2025", {}, TODAY) == StatsQuery(
        None, "Y", 2025, period_given=True
    )
    assert parse_query("đúng hạn quý III năm 2025 của xã Bảo Khê", {}, TODAY) == StatsQuery(
        "xa bao khe", "Q3", 2025, period_given=True
    )
    # A locality is a unit to look for, not "all units".
    assert parse_query("tỷ lệ đúng hạn của Hà Nội", {"locality": "Hà Nội"}, TODAY).unit == "Hà Nội"


def _target(text: str, figure: str) -> TargetMatch:
    return TargetMatch("plan", text, "TTHC", (figure,), "section", "source", 100.0)


def test_above_a_figure_is_strict_and_at_least_is_not() -> None:
    assert meets_target(0.96, _target(CITY_TARGET, "95%")) is True
    assert meets_target(0.95, _target(CITY_TARGET, "95%")) is False
    assert meets_target(0.99, _target(HANOI_TARGET, "99%")) is True


async def test_a_unit_and_quarter_are_compared_with_the_city_plan_target(engine: Engine) -> None:
    message, _ = await ask(engine, tracker("tỷ lệ hồ sơ đúng hạn của phường Lam Sơn quý 3"))
    text = message["text"]
    assert "UBND phường Lam Sơn" in text and "quý III năm 2026" in text
    assert "01/07/2026" in text and "30/09/2026" in text
    assert "75,0%" in text and "3/4 hồ sơ đúng hạn, 1 hồ sơ trễ hạn" in text
    assert f"“{CITY_TARGET}” — chưa đạt chỉ tiêu" in text
    assert "Nguồn: Kế hoạch Cải cách hành chính thành phố Hưng Yên năm 2024" in text
    assert "UBND thành phố Hưng Yên, Mục II.2.a" in text
    assert "chưa nêu kỳ" not in text


async def test_without_a_period_this_quarter_is_used_and_said(engine: Engine) -> None:
    message, _ = await ask(engine, tracker("ty le ho so dung han cua phuong lam son"))
    text = message["text"]
    assert "quý IV năm 2026" in text and "01/10/2026" in text and "22/11/2026" in text
    assert "100,0%" in text and "— đạt chỉ tiêu" in text
    assert "chưa nêu kỳ thống kê nên em lấy số liệu quý này" in text


async def test_all_units_show_the_total_and_the_weakest(engine: Engine) -> None:
    message, _ = await ask(engine, tracker("tỷ lệ hồ sơ đúng hạn toàn thành phố quý 3"))
    text = message["text"]
    assert "tất cả đơn vị" in text and "83,3%" in text and "5/6" in text
    assert text.index("UBND phường Lam Sơn: 75,0%") < text.index("UBND phường Hiến Nam: 100,0%")


async def test_an_ambiguous_unit_is_asked_with_short_buttons_then_answered(
    engine: Engine,
) -> None:
    message, events = await ask(engine, tracker("tỷ lệ đúng hạn của phường quý 3"))
    buttons = {b["title"]: b["payload"] for b in message["buttons"]}
    assert set(buttons) == {"UBND phường Hiến Nam", "UBND phường Lam Sơn"}
    assert all(len(payload.encode()) <= 64 for payload in buttons.values())
    slots = {e["name"]: e["value"] for e in events}
    index = slots["stats_candidates"].index("UBND phường Lam Sơn")
    assert buttons["UBND phường Lam Sơn"] == f'/choose_stats_unit{{"stats_choice":"{index}"}}'
    pressed = tracker(
        buttons["UBND phường Lam Sơn"],
        "choose_stats_unit",
        entities=[{"entity": "stats_choice", "value": str(index)}],
        slots=slots,
    )
    answer, _ = await ask(engine, pressed)
    assert "UBND phường Lam Sơn" in answer["text"] and "quý III năm 2026" in answer["text"]
    assert "75,0%" in answer["text"]


async def test_a_stale_button_is_not_guessed(engine: Engine) -> None:
    pressed = tracker("x", "choose_stats_unit", entities=[{"entity": "stats_choice", "value": "4"}])
    message, _ = await ask(engine, pressed)
    assert "hỏi lại" in said(message)


async def test_an_unknown_unit_is_said_so(engine: Engine) -> None:
    entities = [{"entity": "locality", "value": "Hà Nội"}]
    message, _ = await ask(engine, tracker("tỷ lệ đúng hạn của Hà Nội", entities=entities))
    assert "không tìm thấy đơn vị “Hà Nội”" in message["text"]
    assert "%" not in message["text"]


@pytest.mark.parametrize("period", PERIODS)
def test_every_period_a_question_may_name_is_worded_with_its_year(period: str) -> None:
    assert period_label(period, 2025, TODAY).endswith("năm 2025")


def test_no_period_named_is_the_quarter_under_way() -> None:
    assert period_label(THIS_QUARTER, 2025, TODAY) == "quý IV năm 2026"


async def test_a_period_not_begun_has_no_figures(engine: Engine) -> None:
    message, _ = await ask(engine, tracker("tỷ lệ đúng hạn quý 1 năm 2027"))
    assert message["text"] == "Dạ, quý I năm 2027 chưa bắt đầu nên chưa có số liệu ạ."


async def test_a_unit_with_nothing_settled_gets_no_rate(engine: Engine) -> None:
    message, _ = await ask(engine, tracker("tỷ lệ đúng hạn của phường Hiến Nam quý 1"))
    assert "chưa có hồ sơ nào giải quyết xong" in message["text"]
    assert "chỉ tiêu" not in message["text"]


async def test_demo_figures_are_labelled_as_demo(engine: Engine) -> None:
    message, _ = await ask(engine, tracker("tỷ lệ đúng hạn quý 3"), env={"SEED_DEMO_DOSSIERS": "1"})
    assert "Dữ liệu mẫu (demo), không phải hồ sơ thật" in message["text"]


async def test_no_dossier_table_is_a_polite_outage(tmp_path: Path) -> None:
    empty = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    message, _ = await ask(empty, tracker("tỷ lệ đúng hạn quý 3"))
    assert "đang gián đoạn" in said(message)
