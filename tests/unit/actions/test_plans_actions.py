"""The plan actions over a knowledge base built from the real documents, driven with rasa_sdk
Trackers as Rasa would send them. Every expected unit, date and figure was read in the
documents (knowledge/plans/sources/*.txt); line numbers are given where it helps to check."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.plans import actions as plan_actions
from actions.plans.actions import actions_by_intent
from actions.plans.replies import EXAMPLES, examples_reply
from knowledge.plans.build import build
from knowledge.shared.db import get_engine

ACTIONS: dict[str, Action] = actions_by_intent()
LEAD, SUPPORT = ("lead", "chủ trì"), ("support", "phối hợp")
CITY_2024_SOURCE = (
    "Nguồn: Kế hoạch Cải cách hành chính thành phố Hưng Yên năm 2024 (văn bản gốc không ghi "
    "số, ngày ban hành), UBND thành phố Hưng Yên"
)
# The number is printed only in the appendix header: "Kèm theo Kế hoạch số 19 /KH-UBND".
PAPI_SOURCE = "Nguồn: Kế hoạch số 19/KH-UBND ngày 08/02/2023, UBND thành phố Hưng Yên"
HANOI_SOURCE = (
    "Nguồn: Kế hoạch ban hành kèm theo Quyết định số 5743/QĐ-UBND ngày 29/12/2020, "
    "UBND thành phố Hà Nội"
)
COMMUNE_SOURCE = "Nguồn: Kế hoạch số 136/KH-UBND ngày 28/02/2023, UBND xã Long Điền A"
PROVINCE_SOURCE = "Nguồn: Kế hoạch số 146/KH-UBND ngày 24/12/2019, UBND tỉnh Hưng Yên"


@pytest.fixture(scope="module", autouse=True)
def knowledge_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The actions read the knowledge base named by DATABASE_URL, as in production."""
    url = f"sqlite:///{tmp_path_factory.mktemp('plans') / 'knowledge.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        build(get_engine(url))
        yield


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_actions, "today", lambda: date(2026, 11, 22))


class Conversation:
    """One officer's turns, with the slots the actions set carried from turn to turn."""

    def __init__(self) -> None:
        self.slots: dict[str, Any] = {}
        self.events: list[dict[str, Any]] = []

    def say(self, intent: str, text: str, **entities: str | tuple[str, str]) -> dict[str, Any]:
        """Run the action Rasa's rules pick for ``intent``. ``entities`` maps an entity to its
        value, or to (value, the words of ``text`` it was read from) when they differ."""
        found = []
        for name, given in entities.items():
            value, said = given if isinstance(given, tuple) else (given, given)
            start = text.find(said)
            span = {"start": start, "end": start + len(said)} if start >= 0 else {}
            found.append({"entity": name, "value": value, **span})
        if intent == "choose_plan":  # the slot mapping fills it from the payload's entity
            self.slots["plan_document"] = entities["plan_document"]
        message = {"text": text, "intent": {"name": intent}, "entities": found}
        tracker = Tracker(
            "officer", dict(self.slots), message, [], False, None, {}, "action_listen"
        )
        dispatcher = CollectingDispatcher()
        self.events = asyncio.run(ACTIONS[intent].run(dispatcher, tracker, {}))
        for event in self.events:
            if event["event"] == "slot":
                self.slots[event["name"]] = event["value"]
        (reply,) = dispatcher.messages
        return reply


def _payloads(reply: dict[str, Any]) -> list[str]:
    return [button["payload"] for button in reply["buttons"]]


def _task_of(payload: str) -> str:
    """The task id of a "/choose_task{...}" button payload."""
    return str(json.loads("{" + payload.split("{", 1)[1])["task_id"])


# --- who leads, who supports ---------------------------------------------------------------------


def test_who_leads_answers_with_units_due_and_the_source_section() -> None:
    # City plan, IV.5.a: "Chủ trì, phối hợp với các cơ quan có liên quan thực hiện nhiệm vụ về
    # cải cách tài chính công" under "5. Phòng Tài chính - Kế hoạch thành phố".
    talk = Conversation()
    reply = talk.say(
        "ask_task_responsible",
        "nhiệm vụ cải cách tài chính công ở thành phố Hưng Yên do ai phụ trách",
    )
    text = reply["text"]
    assert "cải cách tài chính công" in text
    assert "Đơn vị chủ trì: Phòng Tài chính - Kế hoạch thành phố" in text
    assert "Đơn vị phối hợp" not in text  # "do ai phụ trách" asks who leads, nothing more
    assert text.endswith(CITY_2024_SOURCE + ", Mục IV.5.a")
    both = talk.say(
        "ask_task_responsible",
        "cải cách tài chính công ở thành phố Hưng Yên ai chủ trì, ai phối hợp, hạn khi nào",
    )["text"]
    assert "Đơn vị phối hợp: Các cơ quan, đơn vị có liên quan" in both
    assert "(văn bản ghi: “các cơ quan có liên quan”)" in both
    assert "Thời hạn: kế hoạch không ghi thời hạn" in both
    assert talk.slots["last_plan_document"] == "hungyen-tp-cchc-2024"
    assert talk.slots["last_plan_question"] == "ask_task_responsible"
    assert talk.slots["last_task_id"]


@pytest.mark.parametrize(
    "question",
    [
        "ai chủ trì số hóa hồ sơ kết quả giải quyết TTHC",
        "ai chu tri so hoa ho so ket qua giai quyet tthc",
    ],
)
def test_who_leads_digitisation_narrows_to_the_lead(question: str) -> None:
    # PAPI appendix 6.b (line 216): "Thực hiện đầy đủ việc số hóa hồ sơ, kết quả giải quyết TTHC
    # theo đúng quy định"; its chủ trì cell is merged with 6.a's "Văn phòng UBND- UBND thành phố".
    # The city plan's digitisation rows (II.2.b) name no lead: they cannot answer "ai chủ trì".
    text = Conversation().say("ask_task_responsible", question, role=LEAD)["text"]
    assert "Thực hiện đầy đủ việc số hóa hồ sơ, kết quả giải quyết TTHC" in text
    assert "Đơn vị chủ trì: Văn phòng HĐND và UBND thành phố" in text
    assert "“Văn phòng UBND- UBND thành phố”" in text
    assert "Đơn vị phối hợp" not in text
    assert text.endswith(PAPI_SOURCE + ", Phụ lục, mục 6.b")


def test_follow_ups_refer_to_the_last_task() -> None:
    talk = Conversation()
    talk.say(
        "ask_task_responsible", "kế hoạch PAPI: ai chủ trì số hóa hồ sơ kết quả giải quyết TTHC"
    )
    task, query = talk.slots["last_task_id"], talk.slots["last_plan_query"]
    support = talk.say("ask_task_responsible", "còn ai phối hợp?", role=SUPPORT)["text"]
    # Line 212: "Các cơ quan, đơn vị ; UBND các phường, xã", merged down to 6.b.
    assert "Đơn vị phối hợp: Các cơ quan, đơn vị; UBND các phường, xã" in support
    assert "Đơn vị chủ trì" not in support
    due = talk.say("ask_task_due", "hạn khi nào?")["text"]
    assert "Thời hạn: Thường xuyên" in due and "Phụ lục, mục 6.b" in due
    assert "việc số hóa hồ sơ, kết quả giải quyết TTHC" in due  # cut around the question
    assert talk.slots["last_task_id"] == task
    assert talk.slots["last_plan_query"] == query  # still the question the follow-ups refer to


def test_a_follow_up_without_a_task_asks_which_task() -> None:
    reply = Conversation().say("ask_task_due", "hạn khi nào?")
    assert "nhiệm vụ nào" in reply["text"]
    assert len(reply["buttons"]) == len(EXAMPLES["ask_task_due"])


def test_due_of_a_task_is_restated_as_days() -> None:
    # Hà Nội appendix I.12 (lines 411-423): "Tổ chức tập huấn công tác CCHC …", Sở Nội vụ,
    # "Quý III/2021".
    text = Conversation().say("ask_task_due", "tập huấn công tác CCHC hạn khi nào")["text"]
    assert "Thời hạn: Quý III/2021 (01/07/2021 – 30/09/2021)" in text
    assert "Đơn vị chủ trì: Sở Nội vụ" in text
    assert text.endswith(HANOI_SOURCE + ", Phụ lục, mục I.12")


def test_similar_matches_in_several_plans_ask_which_plan_then_answer_it() -> None:
    talk = Conversation()
    reply = talk.say("ask_task_responsible", "Hưng Yên: ai chủ trì cải cách thủ tục hành chính")
    # "Hưng Yên" is the city and the province: which plan, with buttons.
    assert "kế hoạch nào" in reply["text"] and reply["buttons"]
    assert set(_payloads(reply)) >= {
        '/choose_plan{"plan_document":"hungyen-tp-cchc-2024"}',
        '/choose_plan{"plan_document":"hungyen-tinh-cchc-2020"}',
    }
    reply = {
        "buttons": [
            {"payload": p}
            for p in (
                '/choose_plan{"plan_document":"hungyen-tp-cchc-2024"}',
                '/choose_plan{"plan_document":"hungyen-tinh-cchc-2020"}',
            )
        ]
    }
    # News item, paragraph 11: "Văn phòng UBND tỉnh chủ trì … Chủ trì, phối hợp với các cơ quan
    # liên quan tham mưu UBND tỉnh tổ chức thực hiện các nhiệm vụ về công tác cải cách TTHC".
    chosen = talk.say("choose_plan", _payloads(reply)[1], plan_document="hungyen-tinh-cchc-2020")[
        "text"
    ]
    assert "Đơn vị chủ trì: Văn phòng UBND tỉnh" in chosen
    assert chosen.endswith(PROVINCE_SOURCE + ", Bản tin, đoạn 11 (Bản tin tóm tắt kế hoạch)")
    assert talk.slots["plan_document"] is None
    # City plan IV.3.a: "Chủ trì, phối hợp với các cơ quan liên quan thực hiện các nhiệm vụ
    # về cải cách TTHC, kiểm soát và đơn giản hóa TTHC" under "3. Văn phòng HĐND và UBND".
    other = talk.say("choose_plan", _payloads(reply)[0], plan_document="hungyen-tp-cchc-2024")
    assert "Đơn vị chủ trì: Văn phòng HĐND và UBND thành phố" in other["text"]
    assert other["text"].endswith(CITY_2024_SOURCE + ", Mục IV.3.a")


def test_a_locality_after_an_answer_asks_the_same_question_there() -> None:
    talk = Conversation()
    reply = talk.say("ask_task_responsible", "ai chủ trì kiểm tra công vụ")
    assert reply["buttons"]  # Hà Nội appendix I.1, Long Điền A II.4.a, ...: which task?
    hanoi = talk.say("inform", "thế còn ở Hà Nội?", locality="Hà Nội")["text"]
    # Hà Nội appendix I.1 (lines 263-275).
    assert "Xây dựng Kế hoạch và thành lập các đoàn kiểm tra công vụ, kiểm tra CCHC." in hanoi
    assert "Đơn vị chủ trì: Sở Nội vụ" in hanoi
    assert hanoi.endswith(HANOI_SOURCE + ", Phụ lục, mục I.1")
    # The NLU may take a bare locality for another plan question: it still narrows.
    commune = talk.say("ask_task_due", "còn ở Long Điền A thì sao", locality="Long Điền A")
    # Long Điền A II.4.a (line 97) with "Cơ quan thực hiện: Công chức Văn Phòng – Thống kê."
    assert "Kiện toàn Tổ kiểm tra công vụ của xã" in commune["text"]
    assert "Công chức Văn phòng - Thống kê" in commune["text"]
    assert commune["text"].endswith(COMMUNE_SOURCE + ", Mục II.4.a")


def test_an_unknown_task_is_said_honestly_naming_no_unit() -> None:
    talk = Conversation()
    reply = talk.say("ask_task_responsible", "ai chủ trì nuôi cá sấu trên sao hỏa")
    assert "không ghi nhiệm vụ nào khớp" in reply["text"]
    assert "Nguồn" not in reply["text"] and "Đơn vị chủ trì" not in reply["text"]
    assert talk.slots["answer_outcome"] == "abstain"
    # Nearest topics, if any, are buttons to press, never stated as the answer.
    assert all(p.startswith("/choose_task{") for p in _payloads(reply))


@pytest.mark.parametrize(
    ("intent", "question"), [(kind, q) for kind, qs in EXAMPLES.items() for q in qs]
)
def test_every_suggested_question_is_answered_from_a_plan(intent: str, question: str) -> None:
    reply = Conversation().say(intent, question)
    assert not reply["buttons"]
    cited = "Dạ, em có 5 kế hoạch:" if intent == "ask_plan_info" else "Nguồn: Kế hoạch"
    assert cited in reply["text"]


# --- what a unit must do -----------------------------------------------------------------------


def test_a_units_tasks_and_duties_by_plan() -> None:
    # City plan, 4. Phòng Tư pháp thành phố: a) chủ trì cải cách thể chế, b) định kỳ báo cáo,
    # c) and đ) phối hợp Phòng Nội vụ; PAPI appendix 3.a and 4.c name it chủ trì.
    text = Conversation().say(
        "ask_unit_tasks", "Phòng Tư pháp phụ trách những gì", unit="Phòng Tư pháp"
    )["text"]
    assert text.startswith("Dạ, Phòng Tư pháp thành phố (thành phố Hưng Yên)")
    city, papi = text.split("\n\nTheo ")[1:]
    assert "Chủ trì (1):" in city and "cải cách thể chế" in city and "(Mục IV.4.a)" in city
    assert "Phối hợp (2):" in city and "(Mục IV.4.c)" in city and "(Mục IV.4.đ)" in city
    assert "Nhiệm vụ khác được giao (1):" in city and "(Mục IV.4.b)" in city
    assert city.endswith(CITY_2024_SOURCE)
    assert "Luật Tiếp cận thông tin" in papi and "(Phụ lục, mục 3.a)" in papi
    assert papi.endswith(PAPI_SOURCE)


def test_what_a_unit_leads_lists_a_few_and_counts_the_rest() -> None:
    text = Conversation().say(
        "ask_unit_tasks", "Sở Nội vụ chủ trì nhiệm vụ nào", unit="Sở Nội vụ", role=LEAD
    )["text"]
    assert text.startswith("Dạ, Sở Nội vụ (Hà Nội):")
    assert "Xây dựng Kế hoạch và thành lập các đoàn kiểm tra công vụ" in text  # appendix I.1
    assert "… và " in text and "Phối hợp (" not in text
    assert text.endswith(HANOI_SOURCE)


def test_a_unit_name_shared_by_two_localities_asks_which_plan() -> None:
    talk = Conversation()
    reply = talk.say(
        "ask_unit_tasks",
        "Văn phòng UBND thành phố phải làm những gì",
        unit="Văn phòng UBND thành phố",
    )
    assert _payloads(reply) == [
        '/choose_plan{"plan_document":"hungyen-tp-cchc-2024"}',
        '/choose_plan{"plan_document":"hungyen-tp-papi-2023"}',
        '/choose_plan{"plan_document":"hanoi-cchc-2021"}',
    ]
    text = talk.say("choose_plan", _payloads(reply)[2], plan_document="hanoi-cchc-2021")["text"]
    # Hà Nội appendix III.1: "Xây dựng Kế hoạch rà soát, đánh giá thủ tục hành chính …",
    # chủ trì "Văn phòng UBNDTP".
    assert text.startswith("Dạ, Văn phòng UBND Thành phố (Hà Nội):")
    assert "Kế hoạch rà soát, đánh giá thủ tục hành chính" in text


def test_a_unit_is_asked_for_when_the_officer_says_my_unit() -> None:
    talk = Conversation()
    reply = talk.say("ask_unit_tasks", "phòng tôi có những nhiệm vụ nào")
    assert "tên đơn vị" in reply["text"] and reply["buttons"]
    # The name comes back bare, the NLU finding no entity in it.
    text = talk.say("inform", "Phòng Văn hóa và Thông tin")["text"]
    assert text.startswith("Dạ, Phòng Văn hóa và Thông tin thành phố")
    # City plan, 6. Phòng Văn hóa và Thông tin thành phố: a) and b) chủ trì.
    assert "Chủ trì (2):" in text and "(Mục IV.6.a)" in text and "(Mục IV.6.b)" in text


def test_an_unknown_unit_is_said_honestly() -> None:
    reply = Conversation().say("ask_unit_tasks", "Sở Mật vụ làm gì")
    assert "không tìm thấy đơn vị “Sở Mật vụ”" in reply["text"]
    assert reply["buttons"]


# --- reporting deadlines -------------------------------------------------------------------------


def test_next_deadlines_of_a_place_come_from_its_rules_flagged_as_an_old_plans() -> None:
    talk = Conversation()
    asked = talk.say("ask_reporting_deadline", "hạn nộp báo cáo CCHC sắp tới")
    # One locality's deadlines are never another's: which plan?
    assert "kế hoạch nào" in asked["text"] and asked["buttons"]
    text = talk.say("ask_reporting_deadline", "hạn nộp báo cáo CCHC sắp tới của xã Long Điền A")[
        "text"
    ]
    assert "sau hôm nay, 22/11/2026" in text
    # Long Điền A IV (line 183): "chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12".
    assert "05/12/2026" in text and "của kế hoạch năm 2023" in text
    assert "chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12" in text
    assert COMMUNE_SOURCE + ", Mục IV" in text
    assert "Hà Nội" not in text and "15/12/2026" not in text
    assert "quy định của kế hoạch năm 2023" in text  # said to be an old plan's rule
    hanoi = talk.say("ask_reporting_deadline", "còn Hà Nội thì sao", locality="Hà Nội")["text"]
    # Hà Nội III.1 (line 166): "chậm nhất là ngày 15 của tháng cuối kỳ báo cáo".
    assert "15/12/2026" in hanoi and "chậm nhất là ngày 15 của tháng cuối kỳ báo cáo" in hanoi
    assert HANOI_SOURCE + ", Mục III.1" in hanoi and "Long Điền A" not in hanoi


def test_deadlines_of_a_period_in_a_plan_year(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_actions, "today", lambda: date(2024, 7, 1))
    text = Conversation().say(
        "ask_reporting_deadline", "hạn báo cáo CCHC quý III của thành phố Hưng Yên"
    )["text"]
    # City plan IV.2.k (line 250): "Báo cáo CCHC quý III năm 2024: trước ngày 14/9/2024".
    assert "Báo cáo CCHC quý III năm 2024" in text and "trước ngày 14/09/2024" in text
    assert "05/09/2024" not in text and "15/09/2024" not in text  # other places' rules
    assert "6 tháng" not in text.split("Theo Thành phố Hưng Yên 2024")[1].split("Nguồn")[0]


def test_the_schedule_of_a_year_and_a_locality() -> None:
    text = Conversation().say(
        "ask_reporting_deadline",
        "lịch nộp báo cáo CCHC năm 2024 của TP Hưng Yên",
        year="2024",
        locality="Hưng Yên (thành phố)",
    )["text"]
    # City plan IV.2.a (line 230) and IV.2.k (lines 248-251).
    for due in ("20/01/2024", "14/03/2024", "14/06/2024", "14/09/2024", "14/12/2024"):
        assert f"trước ngày {due}" in text
    assert "gửi UBND thành phố (qua Phòng Nội vụ)" in text
    assert text.endswith(CITY_2024_SOURCE + ", Mục IV.2.a; Mục IV.2.k")


def test_a_plan_whose_dates_are_past_gives_its_last_one() -> None:
    # PAPI III.3.d (line 121): "báo cáo cả năm trước ngày 25/10/2023".
    text = Conversation().say(
        "ask_reporting_deadline", "báo cáo kết quả thực hiện kế hoạch PAPI gửi khi nào"
    )["text"]
    assert "đã qua" in text and "trước ngày 25/10/2023" in text
    assert text.endswith(PAPI_SOURCE + ", Mục III.3.d")


def test_a_plan_without_reporting_deadlines_says_so() -> None:
    text = Conversation().say(
        "ask_reporting_deadline",
        "báo cáo theo kế hoạch của tỉnh Hưng Yên nộp khi nào",
        locality="Hưng Yên (tỉnh)",
    )["text"]
    assert "Tỉnh Hưng Yên 2020 (146/KH-UBND) không ghi hạn báo cáo nào" in text


def test_a_locality_narrows_the_last_deadline_question() -> None:
    talk = Conversation()
    talk.say("ask_reporting_deadline", "hạn nộp báo cáo CCHC sắp tới")
    text = talk.say("inform", "ở Hà Nội", locality="Hà Nội")["text"]
    assert "15/12/2026" in text and "Long Điền A" not in text


# --- targets -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["tỷ lệ hồ sơ đúng hạn phải đạt bao nhiêu", "ty le ho so dung han phai dat bao nhieu"],
)
def test_targets_of_every_plan_that_sets_one(question: str) -> None:
    text = Conversation().say("ask_plan_target", question)["text"]
    # City plan II.2.a (line 40) and Hà Nội I.3 (line 88).
    assert "Trên 95% số hồ sơ TTHC được trả kết quả giải quyết đúng hạn" in text
    assert CITY_2024_SOURCE + ", Mục II.2.a" in text
    assert "Tối thiểu 99% số hồ sơ TTHC được trả kết quả giải quyết đúng hạn, trước hạn." in text
    assert HANOI_SOURCE + ", Mục I.3" in text


def test_a_locality_narrows_the_last_target_question() -> None:
    talk = Conversation()
    talk.say("ask_plan_target", "tỷ lệ hồ sơ đúng hạn phải đạt bao nhiêu")
    text = talk.say("inform", "thế còn ở Hà Nội?", locality="Hà Nội")["text"]
    assert "99%" in text and "95%" not in text


def test_a_plan_without_figures_says_it_sets_no_target() -> None:
    text = Conversation().say(
        "ask_plan_target", "kế hoạch Long Điền A đặt mục tiêu gì", locality="Long Điền A"
    )["text"]
    assert "Long Điền A 2023 (136/KH-UBND) không đặt chỉ tiêu cụ thể nào" in text
    assert COMMUNE_SOURCE in text


def test_all_targets_of_the_plan_chosen() -> None:
    talk = Conversation()
    reply = talk.say("ask_plan_target", "kế hoạch đặt những chỉ tiêu gì")
    assert "kế hoạch nào" in reply["text"]
    assert '/choose_plan{"plan_document":"longdiena-cchc-2023"}' not in _payloads(reply)
    hanoi = '/choose_plan{"plan_document":"hanoi-cchc-2021"}'
    text = talk.say("choose_plan", hanoi, plan_document="hanoi-cchc-2021")["text"]
    # Hà Nội I.3 (lines 86-94): six targets, the fourth bullet holding two.
    assert "đạt tối thiểu 85%" in text and "Tối thiểu 99%" in text
    assert "… và 2 chỉ tiêu khác" in text
    assert text.endswith(HANOI_SOURCE + ", Mục I.3")


def test_a_plan_named_without_a_topic_it_has_gives_its_targets() -> None:
    text = Conversation().say(
        "ask_plan_target",
        "mục tiêu của kế hoạch cải cách hành chính tỉnh Hưng Yên năm 2020 là gì",
        locality="Hưng Yên (tỉnh)",
    )["text"]
    # News item, paragraph 9: "100% các văn bản quy phạm pháp luật (QPPL) được ban hành …"
    assert "100% các văn bản quy phạm pháp luật (QPPL) được ban hành" in text
    assert PROVINCE_SOURCE in text


def test_an_unknown_target_is_said_honestly() -> None:
    reply = Conversation().say("ask_plan_target", "chỉ tiêu nuôi cá sấu")
    assert "chưa tìm thấy chỉ tiêu" in reply["text"] and reply["buttons"]


# --- the plans themselves ------------------------------------------------------------------------


def test_the_list_of_plans_with_numbers_as_the_sources_give_them() -> None:
    text = Conversation().say("ask_plan_info", "có những kế hoạch nào")["text"]
    assert text.startswith("Dạ, em có 5 kế hoạch:")
    assert "(136/KH-UBND, ngày 28/02/2023, UBND xã Long Điền A)" in text
    assert "(5743/QĐ-UBND, ngày 29/12/2020, UBND thành phố Hà Nội)" in text
    assert "năm 2024 (không ghi số, UBND thành phố Hưng Yên)" in text


def test_a_bare_hung_yen_asks_which_plan_and_the_card_says_what_is_missing() -> None:
    talk = Conversation()
    reply = talk.say("ask_plan_info", "kế hoạch CCHC của Hưng Yên số mấy", locality="Hưng Yên")
    assert _payloads(reply) == [
        '/choose_plan{"plan_document":"hungyen-tp-cchc-2024"}',
        '/choose_plan{"plan_document":"hungyen-tp-papi-2023"}',
        '/choose_plan{"plan_document":"hungyen-tinh-cchc-2020"}',
    ]
    card = talk.say("choose_plan", _payloads(reply)[0], plan_document="hungyen-tp-cchc-2024")
    assert "Số hiệu: văn bản gốc không ghi số" in card["text"]
    assert "Ngày ban hành: văn bản gốc không ghi" in card["text"]
    assert card["text"].endswith(CITY_2024_SOURCE)
    # "this plan" is the one just discussed
    again = talk.say("ask_plan_info", "ai ban hành kế hoạch này")["text"]
    assert "Cơ quan ban hành: UBND thành phố Hưng Yên" in again


def test_a_plan_named_by_its_decision_number() -> None:
    text = Conversation().say("ask_plan_info", "Quyết định 5743/QĐ-UBND ban hành ngày nào")["text"]
    assert "Số hiệu: kế hoạch ban hành kèm theo Quyết định số 5743/QĐ-UBND" in text
    assert "Ngày ban hành: 29/12/2020" in text


def test_the_news_item_is_flagged_as_a_summary() -> None:
    text = Conversation().say("ask_plan_info", "kế hoạch 146/KH-UBND nói về gì")["text"]
    assert "bản tin tóm tắt kế hoạch, không phải toàn văn" in text
    assert text.endswith(PROVINCE_SOURCE + " (Bản tin tóm tắt kế hoạch)")


def test_no_plan_of_a_year_lists_what_there_is() -> None:
    text = Conversation().say("ask_plan_info", "kế hoạch năm 2022 có không", year="2022")["text"]
    assert text.startswith("Dạ, em chưa có kế hoạch năm 2022")
    assert text.count("\n• ") == 5


def test_a_plan_chosen_with_nothing_pending_shows_the_plan() -> None:
    text = Conversation().say(
        "choose_plan",
        '/choose_plan{"plan_document":"longdiena-cchc-2023"}',
        plan_document="longdiena-cchc-2023",
    )["text"]
    assert "Số hiệu: 136/KH-UBND" in text and "Ngày ban hành: 28/02/2023" in text


def test_a_bare_reply_naming_nothing_asks_what_is_wanted() -> None:
    talk = Conversation()
    talk.say("ask_plan_target", "tỷ lệ hồ sơ đúng hạn phải đạt bao nhiêu")
    reply = talk.say("inform", "abc xyz")
    assert "muốn hỏi thêm gì" in reply["text"] and reply["buttons"]


# --- questions written by people who had read only the documents ---------------------------


def test_the_question_s_scaffolding_does_not_pull_the_answer_to_another_row() -> None:
    # City plan IV.5.a and IV.5.d (Phòng Tài chính - Kế hoạch); PAPI appendix 3.b (line 186).
    talk = Conversation()
    finance = talk.say(
        "ask_task_responsible",
        "Ai chủ trì cải cách tài chính công của thành phố Hưng Yên năm 2024?",
    )["text"]
    assert "Đơn vị chủ trì: Phòng Tài chính - Kế hoạch thành phố" in finance
    assert finance.endswith(", Mục IV.5.a")
    funding = talk.say(
        "ask_task_responsible",
        "Năm 2024, ở thành phố Hưng Yên ai tham mưu bố trí kinh phí thực hiện các nhiệm vụ "
        "cải cách hành chính?",
    )["text"]
    assert "bố trí kinh phí" in funding and "Phòng Tài chính - Kế hoạch thành phố" in funding
    assert "Mục IV.5" in funding and "Phòng Nội vụ" not in funding
    budget = talk.say(
        "ask_task_responsible",
        "Kế hoạch PAPI 2023: nhiệm vụ thu chi ngân sách đúng Luật Ngân sách nhà nước do ai "
        "chủ trì?",
    )["text"]
    assert "thu chi các khoản kinh phí theo đúng quy định của Luật ngân sách" in budget
    assert budget.endswith(PAPI_SOURCE + ", Phụ lục, mục 3.b")


@pytest.mark.parametrize(
    "question",
    [
        "Kế hoạch CCHC năm 2024 của tỉnh Bắc Ninh giao ai chủ trì cải cách thể chế?",
        "Ai chủ trì dự án xây cầu vượt sông Hồng trong kế hoạch CCHC?",
        "ke hoach cchc 2022 cua ha noi giao ai chu tri cai cach the che?",
    ],
)
def test_a_question_no_plan_answers_names_no_unit(question: str) -> None:
    talk = Conversation()
    text = talk.say("ask_task_responsible", question)["text"]
    assert "Đơn vị chủ trì" not in text and "Nguồn" not in text
    assert talk.slots["answer_outcome"] == "abstain"


def test_a_place_the_base_lacks_is_named_with_the_plans_it_holds() -> None:
    text = Conversation().say(
        "ask_task_responsible", "Kế hoạch CCHC năm 2024 của tỉnh Bắc Ninh giao ai chủ trì?"
    )["text"]
    assert "Bắc Ninh" in text and "Hà Nội 2021 (5743/QĐ-UBND)" in text


def test_two_things_asked_at_once_are_both_answered() -> None:
    # Hà Nội appendix I.12: Sở Nội vụ, Quý III/2021.
    text = Conversation().say(
        "ask_task_responsible",
        "Việc tổ chức tập huấn công tác cải cách hành chính ở Hà Nội do đơn vị nào chủ trì và "
        "hạn khi nào?",
    )["text"]
    assert "Đơn vị chủ trì: Sở Nội vụ" in text and "Thời hạn: Quý III/2021" in text


def test_a_bare_hung_yen_is_asked_city_or_province() -> None:
    talk = Conversation()
    reply = talk.say("ask_task_responsible", "ai chủ trì số hóa hồ sơ ở Hưng Yên?")
    assert "thành phố hoặc tỉnh" in reply["text"] and "Đơn vị chủ trì" not in reply["text"]
    assert talk.slots["answer_outcome"] == "clarify"
    assert '/choose_plan{"plan_document":"hungyen-tinh-cchc-2020"}' in _payloads(reply)


def test_what_the_plan_leaves_out_is_said_and_not_counted_as_an_answer() -> None:
    # City plan IV.5.a gives no due date for cải cách tài chính công.
    talk = Conversation()
    text = talk.say(
        "ask_task_due", "cải cách tài chính công ở thành phố Hưng Yên năm 2024 hạn khi nào?"
    )["text"]
    assert "Thời hạn: kế hoạch không ghi thời hạn" in text and "Mục IV.5.a" in text
    assert talk.slots["answer_outcome"] == "abstain"


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_every_suggested_question_fits_in_a_button(kind: str) -> None:
    # Telegram carries at most 64 bytes of button data: a suggestion too long breaks the reply.
    reply = examples_reply("…", kind)
    assert [b["title"] for b in reply.buttons] == list(EXAMPLES[kind])
    assert all(len(b["payload"].encode()) <= 64 for b in reply.buttons)


def test_a_bare_follow_up_the_nlu_reads_as_inform_asks_the_last_task() -> None:
    # City plan IV.6.b: Phòng Văn hóa và Thông tin leads, with the Trung tâm Văn hóa.
    talk = Conversation()
    talk.say(
        "ask_task_responsible",
        "ai chủ trì kế hoạch tuyên truyền cải cách hành chính năm 2024 của thành phố Hưng Yên",
    )
    text = talk.say("inform", "bên nào phối hợp?")["text"]
    assert "Đơn vị phối hợp: Trung tâm Văn hóa và Truyền thanh thành phố" in text


def test_a_figure_set_in_a_task_row_answers_a_target_question() -> None:
    # PAPI appendix 7.a (line 225): "Tỷ lệ dân số có sổ khám chữa bệnh điện tử ≥70%" is a task
    # row, not one of the plan's targets.
    text = Conversation().say(
        "ask_plan_target", "theo kế hoạch PAPI, sổ khám chữa bệnh điện tử cần đạt tỷ lệ bao nhiêu"
    )["text"]
    assert "≥70%" in text and text.endswith(", Phụ lục, mục 7.a")


def test_who_signed_a_plan_is_read_from_its_signature_block() -> None:
    # Commune plan, last lines: "KT.CHỦ TỊCH / PHÓ CHỦ TỊCH" then "Trương Minh Sơn".
    text = Conversation().say("ask_plan_info", "Ai ký Kế hoạch 136/KH-UBND của xã Long Điền A?")[
        "text"
    ]
    assert "Phó Chủ tịch UBND xã Long Điền A Trương Minh Sơn ký" in text
    assert text.endswith(COMMUNE_SOURCE)
    # Hà Nội: the decision that issues the plan is signed "TM. ỦY BAN NHÂN DÂN / CHÚ TỊCH" (sic).
    hanoi = Conversation().say("ask_plan_info", "ai ky qd 5743 ban hanh ke hoach cchc ha noi")
    assert "Chủ tịch UBND thành phố Hà Nội Chu Ngọc Anh ký" in hanoi["text"]


def test_a_plan_without_a_signature_says_so_rather_than_naming_anyone() -> None:
    # The province's source is a news item about the plan: no signature block.
    reply = Conversation().say("ask_plan_info", "ai ký kế hoạch 146/KH-UBND của tỉnh Hưng Yên")
    assert "em chưa lưu thông tin người ký" in reply["text"]


def test_a_count_set_in_a_duty_is_a_figure_the_plan_sets() -> None:
    # Hà Nội, section V.1 (line 194): dialogues with citizens and businesses "tối thiểu 2 lần/năm".
    reply = Conversation().say(
        "ask_plan_target",
        "mỗi năm các sở, quận huyện ở Hà Nội phải tổ chức đối thoại với người dân, doanh nghiệp "
        "ít nhất bao nhiêu lần?",
    )
    assert "2 lần/năm" in reply["text"]
    assert "Mục V.1" in reply["text"] and HANOI_SOURCE in reply["text"]
