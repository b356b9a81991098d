"""Conversation basics: the capabilities menu, and cancelling whatever form is open."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import dossiers, feedback
from actions.forms import REQUESTED_SLOT, Cancellation

# (button title, text sent back when pressed). Plain text payloads go through NLU like typed text.
MENU: tuple[tuple[str, str], ...] = (
    ("Tra cứu hồ sơ", "Tôi muốn tra cứu tình trạng hồ sơ"),
    ("Nộp phí trực tuyến", "Nộp phí, lệ phí trực tuyến như thế nào?"),
    ("Bưu chính công ích", "Nhận kết quả qua bưu chính công ích thế nào?"),
    ("Gửi phản ánh, kiến nghị", "Tôi muốn gửi phản ánh, kiến nghị"),
    ("Kế hoạch CCHC", "Ai chủ trì nhiệm vụ cải cách thủ tục hành chính?"),
    ("Hạn báo cáo", "Hạn nộp báo cáo cải cách hành chính sắp tới là khi nào?"),
)

MENU_TEXT = (
    "Dạ, em có thể hỗ trợ Anh/chị:\n"
    "• Tra cứu tình trạng hồ sơ thủ tục hành chính theo mã hồ sơ;\n"
    "• Hướng dẫn nộp phí trực tuyến và dịch vụ bưu chính công ích;\n"
    "• Tiếp nhận phản ánh, kiến nghị và tra cứu kết quả xử lý;\n"
    "• Trả lời về kế hoạch cải cách hành chính: đơn vị chủ trì, phối hợp, thời hạn, chỉ tiêu.\n"
    "Anh/chị chọn một mục bên dưới hoặc nhắn câu hỏi ạ."
)


def menu_buttons() -> list[dict[str, str]]:
    return [{"title": title, "payload": payload} for title, payload in MENU]


class ActionCapabilities(Action):
    def name(self) -> str:
        return "action_capabilities"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=MENU_TEXT, buttons=menu_buttons())
        return []


CANCELLED = Cancellation(
    "Dạ, em đã hủy thao tác đang làm. Anh/chị cần hỗ trợ gì khác cứ nhắn em ạ."
)
NOTHING_TO_CANCEL = "Dạ, hiện không có thao tác nào đang làm. Anh/chị cần hỗ trợ gì ạ?"
# What cancelling each form says, in the words of its capability.
CANCELLATIONS: dict[str, Cancellation] = {**dossiers.CANCELLATIONS, **feedback.CANCELLATIONS}


class ActionCancel(Action):
    """Stops the open form, forgets what was typed into it and says so: for the cancel intent
    (Telegram's /huy sends the /cancel payload) and for "hủy" or goodbye inside a form."""

    def name(self) -> str:
        return "action_cancel"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        form = (tracker.active_loop or {}).get("name")
        if not form:
            dispatcher.utter_message(text=NOTHING_TO_CANCEL)
            return []
        cancellation = CANCELLATIONS.get(form, CANCELLED)
        form_slots = domain.get("forms", {}).get(form, {}).get("required_slots", [])
        dispatcher.utter_message(text=cancellation.message)
        return [
            ActiveLoop(None),
            SlotSet(REQUESTED_SLOT, None),
            *(SlotSet(slot, None) for slot in [*form_slots, *cancellation.extra_slots]),
        ]
