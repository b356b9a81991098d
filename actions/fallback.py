"""Two-stage fallback: first suggest what the user may have meant, then offer a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.core import MENU, menu_buttons
from knowledge.faq import FaqIndex, render

# What each intent is about, as a button: (title, text sent when pressed).
SUGGESTIONS: dict[str, tuple[str, str]] = {
    "ask_dossier_status": ("Tra cứu hồ sơ", "Tôi muốn tra cứu tình trạng hồ sơ"),
    "ask_online_payment": ("Nộp phí trực tuyến", "Nộp phí, lệ phí trực tuyến như thế nào?"),
    "ask_postal_service": ("Bưu chính công ích", "Nhận kết quả qua bưu chính công ích thế nào?"),
    "ask_online_service": ("Dịch vụ công trực tuyến", "Dịch vụ công trực tuyến toàn trình là gì?"),
    "submit_feedback": ("Gửi phản ánh", "Tôi muốn gửi phản ánh, kiến nghị"),
    "check_feedback_status": ("Tra cứu phản ánh", "Tôi muốn kiểm tra kết quả phản ánh"),
    "ask_task_responsible": (
        "Ai chủ trì nhiệm vụ",
        "Ai chủ trì nhiệm vụ cải cách thủ tục hành chính?",
    ),
    "ask_reporting_deadline": ("Hạn báo cáo", "Hạn nộp báo cáo cải cách hành chính là khi nào?"),
    "ask_plan_target": ("Chỉ tiêu kế hoạch", "Chỉ tiêu hồ sơ giải quyết đúng hạn là bao nhiêu?"),
    "request_human": ("Gặp cán bộ", "Tôi muốn gặp cán bộ"),
}
HUMAN = SUGGESTIONS["request_human"]
FIRST_TRY = "Dạ, em chưa hiểu rõ ý Anh/chị. Có phải Anh/chị muốn hỏi một trong các mục sau không ạ?"
SECOND_TRY = "Dạ, em xin lỗi vì chưa hỗ trợ được Anh/chị."
MAX_SUGGESTIONS = 3


def suggestion_buttons(intent_ranking: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Buttons for the best-ranked intents that have a suggestion, then "Gặp cán bộ"."""
    chosen = [SUGGESTIONS[i["name"]] for i in intent_ranking if i.get("name") in SUGGESTIONS]
    picked = [pair for pair in dict.fromkeys(chosen) if pair != HUMAN][:MAX_SUGGESTIONS]
    if not picked:
        picked = list(MENU[:MAX_SUGGESTIONS])
    return [{"title": title, "payload": text} for title, text in [*picked, HUMAN]]


def consecutive_fallbacks(events: list[dict[str, Any]]) -> int:
    """How many user messages in a row, counting the latest, fell below the NLU threshold."""
    count = 0
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        if (event.get("parse_data") or {}).get("intent", {}).get("name") != "nlu_fallback":
            break
        count += 1
    return count


def contact_text() -> str:
    entries = FaqIndex.load().by_topic("contact")
    return render(entries[0]) if entries else ""


class ActionFallbackSuggest(Action):
    def name(self) -> str:
        return "action_fallback_suggest"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if consecutive_fallbacks(tracker.events) >= 2:
            dispatcher.utter_message(text=f"{SECOND_TRY}\n{contact_text()}", buttons=menu_buttons())
            return []
        ranking = tracker.latest_message.get("intent_ranking") or []
        dispatcher.utter_message(text=FIRST_TRY, buttons=suggestion_buttons(ranking))
        return []
