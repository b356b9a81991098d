"""Service questions and "gặp cán bộ" through the real servers, with and without diacritics."""

from __future__ import annotations

import uuid

import pytest

from knowledge.faq.retrieval import PLACEHOLDERS
from tests.e2e.conftest import RunningStack

# Copied from knowledge/plans/sources/hungyen-tp-cchc-2024.txt, Mục II.2.e.
PAYMENT_TARGET = (
    "Tối thiểu 80% TTHC có yêu cầu nghĩa vụ tài chính được triển khai thanh toán trực tuyến"
)


def _texts(replies: list[dict[str, object]]) -> str:
    return "\n".join(str(reply.get("text", "")) for reply in replies)


def _ask(stack: RunningStack, text: str) -> str:
    return _texts(stack.say(f"e2e-services-{uuid.uuid4().hex[:8]}", text))


@pytest.mark.parametrize(
    "question", ["Nộp phí, lệ phí trực tuyến như thế nào?", "nop le phi online the nao"]
)
def test_online_payment_is_answered_with_the_plan_target(
    stack: RunningStack, question: str
) -> None:
    text = _ask(stack, question)
    assert text.startswith("Dạ,") and "thanh toán trực tuyến" in text
    assert PAYMENT_TARGET in text and "Mục II.2.e" in text


@pytest.mark.parametrize(
    "question", ["Nhận kết quả qua bưu điện được không?", "nhan ket qua qua buu dien dc ko"]
)
def test_postal_service_is_answered(stack: RunningStack, question: str) -> None:
    text = _ask(stack, question)
    assert "bưu chính công ích" in text and "Nguồn:" in text


@pytest.mark.parametrize(
    "question", ["Dịch vụ công trực tuyến toàn trình là gì?", "dvc toan trinh la gi"]
)
def test_online_services_are_answered(stack: RunningStack, question: str) -> None:
    text = _ask(stack, question)
    assert "toàn trình" in text and "một phần" in text


@pytest.mark.parametrize("question", ["gặp cán bộ", "gap can bo", "cho số tổng đài"])
def test_a_person_is_reached_through_the_hotline_and_one_stop_office(
    stack: RunningStack, question: str
) -> None:
    text = _ask(stack, question)
    for name, (variable, default) in PLACEHOLDERS.items():
        expected = (stack.settings.get(variable) or "").strip() or default
        assert expected in text, name
