"""Dossier status and on-time statistics through the real Rasa and action servers, over REST,
against the demo dossiers the launcher seeds."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import Engine, select

from actions.dossiers import lookup_limit
from knowledge.dossiers.models import STATUS_LABELS, Dossier
from knowledge.shared.db import make_engine, session_scope
from tests.e2e.conftest import RunningStack

ASK_CODE = "Anh/chị cho em xin mã hồ sơ"
# Copied from knowledge/plans/sources/hungyen-tp-cchc-2024.txt, Mục II.2.a.
CITY_TARGET = "Trên 95% số hồ sơ TTHC được trả kết quả giải quyết đúng hạn"


def _sender() -> str:
    return f"e2e-dossier-{uuid.uuid4().hex[:8]}"


def _texts(replies: list[dict[str, object]]) -> str:
    return "\n".join(str(reply.get("text", "")) for reply in replies)


@pytest.fixture(scope="module")
def engine(stack: RunningStack) -> Engine:
    return make_engine(stack.settings["DATABASE_URL"])


@pytest.fixture(scope="module")
def open_dossier(engine: Engine) -> Dossier:
    """A real demo dossier still being processed."""
    with session_scope(engine) as session:
        query = select(Dossier).where(Dossier.status == "processing").order_by(Dossier.code)
        dossier = session.scalars(query).first()
    if dossier is None:
        pytest.fail("no demo dossier in processing: was the demo data seeded?")
    return dossier


def _vi(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def test_a_demo_code_in_the_first_message_gets_its_status(
    stack: RunningStack, open_dossier: Dossier
) -> None:
    text = _texts(stack.say(_sender(), f"hồ sơ {open_dossier.code} đến đâu rồi"))
    assert open_dossier.code in text
    assert STATUS_LABELS[open_dossier.status] in text
    assert open_dossier.procedure in text and open_dossier.receiving_unit in text
    assert _vi(open_dossier.received_on) in text and _vi(open_dossier.due_on) in text
    assert open_dossier.applicant_phone not in text
    assert open_dossier.applicant_name.split()[0] not in text


def test_a_code_typed_loosely_without_diacritics(
    stack: RunningStack, open_dossier: Dossier
) -> None:
    loose = open_dossier.code.lower().replace("-", " ")
    text = _texts(stack.say(_sender(), f"tra cuu hs {loose} giup em"))
    assert open_dossier.code in text and STATUS_LABELS[open_dossier.status] in text


def test_an_unknown_code_is_not_found(stack: RunningStack, engine: Engine) -> None:
    unknown = "H31.29-260115-9999"
    with session_scope(engine) as session:
        assert session.get(Dossier, unknown) is None
    text = _texts(stack.say(_sender(), f"kiểm tra hồ sơ {unknown}"))
    assert f"không tìm thấy hồ sơ có mã {unknown}" in text and "giấy tiếp nhận" in text


def test_an_invalid_code_is_explained_then_a_valid_one_answered(
    stack: RunningStack, open_dossier: Dossier
) -> None:
    sender = _sender()
    assert ASK_CODE in _texts(stack.say(sender, "tra cứu hồ sơ"))
    wrong = _texts(stack.say(sender, "HS-2026-15"))
    assert "chưa đúng dạng" in wrong and ASK_CODE in wrong
    assert STATUS_LABELS[open_dossier.status] in _texts(stack.say(sender, open_dossier.code))


@pytest.mark.parametrize(
    ("message", "answered"),
    [
        ("xin chào", "xin chào"),
        # An official's plan question, answered from PAPI appendix 6.b with its source.
        ("ai chủ trì số hóa hồ sơ, kết quả giải quyết TTHC?", "đơn vị chủ trì"),
    ],
)
def test_something_else_inside_the_form_is_answered_and_the_code_asked_again(
    stack: RunningStack, open_dossier: Dossier, message: str, answered: str
) -> None:
    sender = _sender()
    stack.say(sender, "tra cuu hs")
    text = _texts(stack.say(sender, message))
    assert answered in text.lower() and ASK_CODE in text and "chưa đúng dạng" not in text
    assert open_dossier.code in _texts(stack.say(sender, open_dossier.code))


def test_three_wrong_codes_stop_politely_and_cancel_works(stack: RunningStack) -> None:
    sender = _sender()
    stack.say(sender, "tra cứu hồ sơ")
    stack.say(sender, "abc")
    stack.say(sender, "123")
    assert "tạm dừng tra cứu" in _texts(stack.say(sender, "xyz"))
    other = _sender()
    stack.say(other, "tra cứu hồ sơ")
    assert "đã dừng tra cứu" in _texts(stack.say(other, "hủy"))


def test_lookups_are_rate_limited_per_sender(stack: RunningStack, open_dossier: Dossier) -> None:
    limit, _window = lookup_limit(stack.settings)
    if limit > 20:
        pytest.skip(f"DOSSIER_LOOKUP_LIMIT allows {limit} lookups: too many to exhaust here")
    sender = _sender()
    for _ in range(limit):
        assert open_dossier.code in _texts(stack.say(sender, f"hồ sơ {open_dossier.code}"))
    refused = _texts(stack.say(sender, f"hồ sơ {open_dossier.code}"))
    assert "thử lại sau khoảng" in refused and open_dossier.procedure not in refused
    assert open_dossier.code in _texts(stack.say(_sender(), f"hồ sơ {open_dossier.code}"))


def test_on_time_statistics_of_a_ward_against_the_plan_target(
    stack: RunningStack, engine: Engine
) -> None:
    start, end, unit = date(2026, 7, 1), date(2026, 9, 30), "UBND phường Hiến Nam"
    with session_scope(engine) as session:
        rows = session.execute(
            select(Dossier.finished_on, Dossier.due_on).where(
                Dossier.receiving_unit == unit, Dossier.finished_on.between(start, end)
            )
        ).all()
    on_time = sum(finished <= due for finished, due in rows)
    text = _texts(stack.say(_sender(), "tỷ lệ hồ sơ đúng hạn của phường Hiến Nam quý 3 năm 2026"))
    assert unit in text and f"{on_time}/{len(rows)} hồ sơ đúng hạn" in text
    assert f"“{CITY_TARGET}”" in text and "Mục II.2.a" in text


def test_an_ambiguous_unit_is_chosen_with_buttons(stack: RunningStack) -> None:
    sender = _sender()
    replies = stack.say(sender, "tỷ lệ đúng hạn của Hưng Yên quý 3 năm 2026")
    buttons = {b["title"]: b["payload"] for r in replies for b in r.get("buttons", [])}  # type: ignore[union-attr]
    assert "Sở Tư pháp tỉnh Hưng Yên" in buttons
    text = _texts(stack.say(sender, buttons["Sở Tư pháp tỉnh Hưng Yên"]))
    assert "Sở Tư pháp tỉnh Hưng Yên" in text and "quý III năm 2026" in text
