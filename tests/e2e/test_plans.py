"""Officials' plan questions through the real Rasa server and action server, over REST.
Expected units, dates and figures are as the documents (knowledge/plans/sources/*.txt) print
them."""

from __future__ import annotations

import uuid

from tests.e2e.conftest import RunningStack

# PAPI appendix 6.a/6.b (lines 212, 216) print the lead office this way.
PAPI_LEAD_AS_WRITTEN = "Văn phòng UBND- UBND thành phố"


def _sender() -> str:
    return f"e2e-plans-{uuid.uuid4().hex[:8]}"


def _text(replies: list[dict[str, object]]) -> str:
    return "\n".join(str(reply.get("text", "")) for reply in replies)


def _buttons(replies: list[dict[str, object]]) -> list[dict[str, str]]:
    return [button for reply in replies for button in reply.get("buttons", [])]  # type: ignore[attr-defined]


def test_who_leads_then_who_supports_then_by_when(stack: RunningStack) -> None:
    sender = _sender()
    lead = _text(stack.say(sender, "ai chủ trì số hóa hồ sơ kết quả giải quyết TTHC"))
    assert "Đơn vị chủ trì: Văn phòng HĐND và UBND thành phố" in lead
    assert PAPI_LEAD_AS_WRITTEN in lead
    # The plan number is printed in the appendix header: "Kèm theo Kế hoạch số 19 /KH-UBND".
    assert "Nguồn: Kế hoạch số 19/KH-UBND ngày 08/02/2023" in lead
    assert lead.endswith("Phụ lục, mục 6.b")
    support = _text(stack.say(sender, "còn ai phối hợp?"))
    assert "Đơn vị phối hợp: Các cơ quan, đơn vị; UBND các phường, xã" in support
    due = _text(stack.say(sender, "hạn khi nào?"))
    assert "Thời hạn: Thường xuyên" in due and "Nguồn:" in due


def test_who_leads_typed_without_diacritics(stack: RunningStack) -> None:
    text = _text(stack.say(_sender(), "ai chu tri so hoa ho so ket qua giai quyet tthc"))
    assert PAPI_LEAD_AS_WRITTEN in text and "Nguồn:" in text


def test_a_task_in_two_plans_is_answered_for_the_plan_chosen(stack: RunningStack) -> None:
    sender = _sender()
    # "Hưng Yên" is the city and the province: which plan, with buttons.
    replies = stack.say(sender, "ở Hưng Yên ai chủ trì cải cách thủ tục hành chính")
    assert "kế hoạch nào" in _text(replies) and "Đơn vị chủ trì" not in _text(replies)
    payloads = {b["title"]: b["payload"] for b in _buttons(replies)}
    assert payloads["Thành phố Hưng Yên 2024 (CCHC)"] == (
        '/choose_plan{"plan_document":"hungyen-tp-cchc-2024"}'
    )
    assert payloads["Tỉnh Hưng Yên 2020 (146/KH-UBND)"] == (
        '/choose_plan{"plan_document":"hungyen-tinh-cchc-2020"}'
    )
    # News item, paragraph 11: "Văn phòng UBND tỉnh chủ trì, phối hợp …"
    chosen = _text(stack.say(sender, payloads["Tỉnh Hưng Yên 2020 (146/KH-UBND)"]))
    assert "Đơn vị chủ trì: Văn phòng UBND tỉnh" in chosen
    assert "Nguồn: Kế hoạch số 146/KH-UBND ngày 24/12/2019, UBND tỉnh Hưng Yên" in chosen


def test_the_next_reporting_deadlines_say_which_plan_and_year(stack: RunningStack) -> None:
    sender = _sender()
    asked = stack.say(sender, "hạn nộp báo cáo CCHC sắp tới")
    # One locality's deadlines are never another's: which plan?
    assert "kế hoạch nào" in _text(asked)
    commune = {b["title"]: b["payload"] for b in _buttons(asked)}["Long Điền A 2023 (136/KH-UBND)"]
    text = _text(stack.say(sender, commune))
    assert "sắp tới" in text and "Hà Nội" not in text
    # Long Điền A IV (line 183) and Hà Nội III.1 (line 166) set the standing rules.
    assert "chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12" in text
    assert "của kế hoạch năm 2023" in text
    assert "Nguồn: Kế hoạch số 136/KH-UBND ngày 28/02/2023, UBND xã Long Điền A, Mục IV" in text


def test_a_target_then_the_same_target_in_ha_noi(stack: RunningStack) -> None:
    sender = _sender()
    both = _text(stack.say(sender, "tỷ lệ hồ sơ đúng hạn phải đạt bao nhiêu"))
    # City plan II.2.a (line 40), Hà Nội I.3 (line 88).
    assert "Trên 95% số hồ sơ TTHC được trả kết quả giải quyết đúng hạn" in both
    assert "Tối thiểu 99% số hồ sơ TTHC được trả kết quả giải quyết đúng hạn" in both
    hanoi = _text(stack.say(sender, "thế còn ở Hà Nội?"))
    assert "99%" in hanoi and "95%" not in hanoi
    assert "Quyết định số 5743/QĐ-UBND ngày 29/12/2020" in hanoi


def test_an_unknown_task_is_said_honestly_and_a_suggestion_works(stack: RunningStack) -> None:
    sender = _sender()
    replies = stack.say(sender, "ai chủ trì nuôi cá sấu trên sao hỏa")
    text = _text(replies)
    assert "không ghi nhiệm vụ nào khớp" in text
    assert "Nguồn:" not in text and "Đơn vị chủ trì" not in text  # no unit named as the answer
    suggestions = _buttons(replies)
    assert 1 <= len(suggestions) <= 3
    assert all(b["payload"].startswith("/choose_task{") for b in suggestions)
    # A nearest topic, pressed, is answered with its source.
    answered = _text(stack.say(sender, suggestions[0]["payload"]))
    assert "Nguồn:" in answered


def test_what_a_unit_must_do(stack: RunningStack) -> None:
    text = _text(stack.say(_sender(), "Phòng Tư pháp phụ trách những gì"))
    # City plan, 4. Phòng Tư pháp thành phố, a) chủ trì cải cách thể chế.
    assert "Phòng Tư pháp thành phố" in text and "(Mục IV.4.a)" in text and "Nguồn:" in text


def test_which_plans_there_are(stack: RunningStack) -> None:
    text = _text(stack.say(_sender(), "có những kế hoạch nào"))
    assert "136/KH-UBND, ngày 28/02/2023" in text and "5743/QĐ-UBND, ngày 29/12/2020" in text
