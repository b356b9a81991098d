"""Service questions and "gặp cán bộ": the FAQ entry for the question, contact details from the
environment, and the plan line behind the answer with its source."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Engine

from actions.services import ActionAnswerFaq, pick_entry
from knowledge.faq import FaqIndex
from knowledge.plans.build import build
from knowledge.shared.db import make_engine

# Copied from knowledge/plans/sources/hungyen-tp-cchc-2024.txt, Mục II.2.e.
PAYMENT_TARGET = (
    "Tối thiểu 80% TTHC có yêu cầu nghĩa vụ tài chính được triển khai thanh toán trực tuyến; "
    "tỷ lệ giao dịch thanh toán trực tuyến đạt từ 40% trở lên."
)
INDEX = FaqIndex.load()


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('faq') / 'kb.db'}")
    build(engine)
    return engine


def tracker(text: str, intent: str) -> Tracker:
    latest = {"text": text, "intent": {"name": intent}, "entities": []}
    return Tracker("rest:citizen", {}, latest, [], False, None, {}, "action_listen")


async def reply(engine: Engine, text: str, intent: str, env: dict[str, str] | None = None) -> str:
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq(INDEX, engine, env or {}).run(dispatcher, tracker(text, intent), {})
    (message,) = dispatcher.messages
    return message["text"]


@pytest.mark.parametrize(
    ("text", "intent", "entry"),
    [
        (
            "Nộp phí, lệ phí trực tuyến như thế nào?",
            "ask_online_payment",
            "payment_how_to_pay_online",
        ),
        ("nop ho so qua buu dien", "ask_postal_service", "postal_submit"),
        ("dvc toan trinh la gi", "ask_online_service", "online_full_vs_partial"),
        ("cho so tong dai", "request_human", "contact_hotline"),
        # The NLU took a payment question for one about online services: the payment entry
        # fits clearly better, so it answers.
        (
            "đóng tiền lệ phí khi nộp hồ sơ trên mạng thì làm thế nào",
            "ask_online_service",
            "payment_how_to_pay_online",
        ),
    ],
)
def test_the_entry_closest_to_the_question_is_picked(text: str, intent: str, entry: str) -> None:
    picked = pick_entry(INDEX, intent, text)
    assert picked is not None and picked.id == entry


def test_a_question_matching_no_entry_gets_no_entry_but_asking_for_a_person_does() -> None:
    # No generic text passed off as the answer: the action then says it cannot help here.
    assert pick_entry(INDEX, "ask_postal_service", "ờ") is None
    assert pick_entry(INDEX, "ask_online_service", "căn cước cho con cần giấy tờ gì") is None
    contact = pick_entry(INDEX, "request_human", "ờ")
    assert contact is not None and contact.id == INDEX.by_topic("contact")[0].id


@pytest.mark.parametrize("text", ["nộp lệ phí online thế nào", "nop le phi online the nao"])
async def test_payment_answer_quotes_the_city_plan_with_its_source(
    engine: Engine, text: str
) -> None:
    answer = await reply(engine, text, "ask_online_payment")
    assert answer.startswith("Dạ,") and "thanh toán trực tuyến" in answer
    assert f"“{PAYMENT_TARGET}”" in answer
    assert "Nguồn: Kế hoạch Cải cách hành chính thành phố Hưng Yên năm 2024" in answer
    assert "UBND thành phố Hưng Yên, Mục II.2.e" in answer


async def test_an_entry_without_plan_line_gets_no_source(engine: Engine) -> None:
    answer = await reply(engine, "gửi hồ sơ qua bưu điện có mất phí không", "ask_postal_service")
    assert "cước" in answer and "Nguồn:" not in answer


async def test_asking_for_a_person_gives_the_configured_hotline_and_office(engine: Engine) -> None:
    env = {
        "CONTACT_HOTLINE": "số 0221.3xxx.xxx",
        "CONTACT_OFFICE": "Bộ phận Một cửa phường X",
    }
    answer = await reply(engine, "gặp cán bộ", "request_human", env)
    assert "số 0221.3xxx.xxx" in answer and "Bộ phận Một cửa phường X" in answer


async def test_without_configured_contacts_the_wording_stays_neutral(engine: Engine) -> None:
    answer = await reply(engine, "gap can bo", "request_human")
    assert "đường dây nóng của UBND nơi Anh/chị nộp hồ sơ" in answer


async def test_an_unreadable_knowledge_base_drops_the_quote_not_the_answer(tmp_path: Path) -> None:
    empty = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    answer = await reply(empty, "nộp lệ phí online thế nào", "ask_online_payment")
    assert answer.startswith("Dạ,") and "Nguồn:" not in answer and PAYMENT_TARGET not in answer


async def test_what_the_plans_promise_citizens_is_answered_from_the_plan_with_its_source(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # City plan II.2.a: "100% hồ sơ TTHC giải quyết quá hạn phải thực hiện xin lỗi cá nhân, tổ
    # chức theo đúng quy định." No FAQ entry speaks of it; the plans' targets do.
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    answer = await reply(
        engine,
        "Hồ sơ của tôi ở thành phố Hưng Yên bị trễ hẹn thì có được xin lỗi không?",
        "ask_online_service",
    )
    assert "xin lỗi cá nhân, tổ chức" in answer
    assert "Nguồn: Kế hoạch Cải cách hành chính thành phố Hưng Yên năm 2024" in answer


@pytest.mark.parametrize(
    "text", ["thủ tục làm căn cước cho con cần giấy tờ gì?", "đăng ký khai sinh online được không"]
)
async def test_what_the_assistant_does_not_handle_is_said_with_where_to_ask(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    answer = await reply(engine, text, "ask_online_service", {"CONTACT_HOTLINE": "0221 123 456"})
    assert answer.startswith("Dạ, việc này em chưa hỗ trợ được")
    assert "0221 123 456" in answer and "dichvucong.gov.vn" in answer
    assert "Nguồn" not in answer


async def test_a_plan_question_routed_to_the_faq_is_read_by_the_plan_reader(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # City plan IV.5.a: Phòng Tài chính - Kế hoạch thành phố leads cải cách tài chính công.
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    answer = await reply(
        engine,
        "Ở thành phố Hưng Yên năm 2024 thì cải cách tài chính công do phòng nào chủ trì?",
        "ask_online_service",
    )
    assert "Đơn vị chủ trì: Phòng Tài chính - Kế hoạch thành phố" in answer
    assert "Mục IV.5.a" in answer
