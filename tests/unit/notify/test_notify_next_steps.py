"""What a dossier answer tells the citizen to do next, by status: the paused deadline of a
dossier awaiting the applicant, where to bring or collect, the plans' apology when late, the
buttons and the portal link."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Engine

from actions.dossiers import ActionDossierStatus, format_status
from knowledge.dossiers.models import Dossier
from knowledge.dossiers.next_step import apology_promise
from knowledge.dossiers.store import SqlDossierStore
from knowledge.shared.ratelimit import SlidingWindowLimiter
from knowledge.shared.settings import SettingError, load_settings

AddDossier = Callable[..., Dossier]
CODE = "H31.31.01-260115-0001"
TODAY = date(2026, 12, 4)


def status_of(engine: Engine, today: date = TODAY) -> Any:
    found = SqlDossierStore(engine, today=lambda: today).get(CODE)
    assert found is not None
    return found


async def answer(engine: Engine, plans: Engine, env: dict[str, str] | None = None) -> Any:
    action = ActionDossierStatus(
        SqlDossierStore(engine, today=lambda: TODAY),
        SlidingWindowLimiter(10, 600),
        today=lambda: TODAY,
        plans=plans,
    )
    dispatcher = CollectingDispatcher()
    latest = {"text": CODE, "intent": {"name": "inform"}, "entities": []}
    tracker = Tracker(
        "telegram:4242", {"dossier_code": CODE}, latest, [], False, None, {}, "action_listen"
    )
    await action.run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    return message


def test_notify_a_dossier_awaiting_the_applicant_says_its_deadline_is_paused_not_on_time(
    engine: Engine, add_dossier: AddDossier
) -> None:
    # The answer of the issue: due 16/10/2026, asked on 04/12/2026, waiting for the applicant.
    add_dossier(status="supplement_required", due_on=date(2026, 10, 16))
    text = format_status(status_of(engine), TODAY)
    assert "chưa quá hạn" not in text and "trong thời hạn" not in text
    assert "tạm dừng vì hồ sơ chờ Anh/chị bổ sung" in text
    assert "dù ngày hẹn 16/10/2026 đã qua" in text
    assert "tính lại từ ngày cơ quan nhận đủ hồ sơ" in text
    # What to bring and where.
    assert "Phiếu yêu cầu bổ sung" in text and "nộp phần bổ sung tại UBND phường Lam Sơn" in text


def test_notify_a_paused_deadline_not_yet_reached_does_not_say_it_has_passed(
    engine: Engine, add_dossier: AddDossier
) -> None:
    add_dossier(status="supplement_required", due_on=date(2026, 12, 20))
    text = format_status(status_of(engine), TODAY)
    assert "tạm dừng" in text and "đã qua" not in text


def test_notify_a_ready_result_says_where_to_collect_and_what_to_bring(
    engine: Engine, add_dossier: AddDossier
) -> None:
    add_dossier(status="result_ready", due_on=date(2026, 12, 10), finished_on=date(2026, 12, 3))
    text = format_status(status_of(engine), TODAY)
    assert "đúng hạn" in text
    assert "Anh/chị đến UBND phường Lam Sơn trong giờ hành chính để nhận" in text
    assert "phiếu hẹn trả kết quả" in text and "căn cước công dân" in text


def test_notify_a_result_sent_by_post_says_so_instead_of_coming_in(
    engine: Engine, add_dossier: AddDossier
) -> None:
    add_dossier(
        status="result_ready",
        due_on=date(2026, 12, 10),
        finished_on=date(2026, 12, 3),
        result_by_post=True,
    )
    text = format_status(status_of(engine), TODAY)
    assert "gửi qua bưu chính công ích" in text and "trong giờ hành chính" not in text


def test_notify_the_plans_promise_an_apology_for_late_dossiers_cited(plans: Engine) -> None:
    promise = apology_promise(plans)
    assert promise is not None
    assert "xin lỗi" in promise.quote
    assert promise.source.startswith(("Kế hoạch", "Quyết định"))


async def test_notify_a_late_dossier_says_how_to_ask_and_cites_the_apology_promise(
    engine: Engine, add_dossier: AddDossier, plans: Engine
) -> None:
    add_dossier(status="processing", due_on=date(2026, 11, 30))
    message = await answer(engine, plans)
    text = message["text"]
    assert "Hồ sơ đã quá hạn giải quyết." in text
    assert "quá ngày hẹn trả 30/11/2026" in text
    assert "hỏi UBND phường Lam Sơn (nơi nộp hồ sơ) lý do chậm" in text
    assert "phiếu xin lỗi và hẹn lại ngày trả" in text
    assert "Kế hoạch cải cách hành chính cam kết: “" in text and "xin lỗi" in text
    assert "\nNguồn: " in text


async def test_notify_an_on_time_dossier_has_no_apology_and_three_buttons(
    engine: Engine, add_dossier: AddDossier, plans: Engine
) -> None:
    add_dossier(status="processing", due_on=date(2026, 12, 10))
    message = await answer(engine, plans)
    assert "Hồ sơ đang trong thời hạn giải quyết." in message["text"]
    assert "chưa cần làm gì thêm" in message["text"] and "Nguồn:" not in message["text"]
    assert [b["title"] for b in message["buttons"]] == [
        "Nhận thông báo khi hồ sơ có thay đổi",
        "Gửi phản ánh",
        "Liên hệ",
    ]
    notify, feedback, _contact = message["buttons"]
    assert notify["payload"] == f'/subscribe_dossier{{"dossier_code":"{CODE}"}}'
    assert CODE.lower() in feedback["payload"].lower()


async def test_notify_the_portal_is_linked_only_when_configured(
    engine: Engine,
    add_dossier: AddDossier,
    plans: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_dossier(status="processing", due_on=date(2026, 12, 10))
    monkeypatch.delenv("DOSSIER_PORTAL_URL", raising=False)
    assert "Cổng Dịch vụ công của tỉnh" not in (await answer(engine, plans))["text"]
    monkeypatch.setenv("DOSSIER_PORTAL_URL", "https://dichvucong.hungyen.gov.vn")
    text = (await answer(engine, plans))["text"]
    assert "Cổng Dịch vụ công của tỉnh: https://dichvucong.hungyen.gov.vn" in text


def test_notify_a_portal_setting_that_is_no_web_address_stops_the_process() -> None:
    with pytest.raises(SettingError, match="DOSSIER_PORTAL_URL"):
        load_settings({"DOSSIER_PORTAL_URL": "javascript:alert(1)"})
