"""Dossier status for citizens ("hồ sơ của tôi đến đâu rồi"): dossier_form asks for the code
(actions/forms.py says how the citizens' forms tell answers from interruptions), then
action_dossier_status looks it up."""

from __future__ import annotations

import asyncio
import logging
import math
import os
from collections.abc import Mapping
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.formatting import vi_date
from actions.forms import REQUESTED_SLOT, Cancellation, CodeField
from knowledge.dossiers.codes import find_dossier_code, normalize_dossier_code
from knowledge.dossiers.lookup import make_dossier_lookup
from knowledge.dossiers.status import DossierLookup, DossierServiceUnavailable, DossierStatus
from knowledge.shared.ratelimit import SlidingWindowLimiter
from knowledge.shared.settings import Rate, env_rate

logger = logging.getLogger(__name__)

MAX_CODE_ATTEMPTS = 3
CODE_EXAMPLE = "H31.29-260115-0001"
DEFAULT_LOOKUP_LIMIT = Rate(10, 600.0)  # lookups per sender, window in seconds

WRONG_SHAPE = (
    "Dạ, mã Anh/chị gửi chưa đúng dạng mã hồ sơ. Mã hồ sơ gồm mã cơ quan, ngày tiếp nhận "
    "(6 chữ số năm-tháng-ngày) và số thứ tự (4 chữ số), ví dụ: " + CODE_EXAMPLE + "."
)
TOO_MANY_WRONG = (
    "Dạ, em vẫn chưa nhận được mã hồ sơ đúng dạng nên xin tạm dừng tra cứu ạ. Anh/chị xem lại "
    "mã in trên giấy tiếp nhận hồ sơ / phiếu hẹn trả kết quả (ví dụ " + CODE_EXAMPLE + "), "
    "hoặc liên hệ Bộ phận Một cửa nơi nộp hồ sơ để được hỗ trợ. Khi có mã, Anh/chị nhắn lại "
    "cho em nhé."
)
NOT_FOUND = (
    "Dạ, em không tìm thấy hồ sơ có mã {code}. Anh/chị vui lòng kiểm tra lại mã in trên giấy "
    "tiếp nhận hồ sơ / phiếu hẹn trả kết quả, nhất là 6 chữ số ngày tiếp nhận và 4 chữ số thứ "
    "tự. Nếu mã đúng mà vẫn không tìm thấy, Anh/chị liên hệ Bộ phận Một cửa nơi nộp hồ sơ hoặc "
    "tra cứu trên Cổng Dịch vụ công của tỉnh để được kiểm tra ạ."
)
UNAVAILABLE = (
    "Dạ, hệ thống tra cứu đang gián đoạn, em chưa tra được hồ sơ {code}. Anh/chị vui lòng thử "
    "lại sau ít phút, hoặc liên hệ Bộ phận Một cửa nơi nộp hồ sơ ạ."
)
RATE_LIMITED = (
    "Dạ, Anh/chị đã tra cứu nhiều hồ sơ trong thời gian ngắn. Để bảo vệ thông tin hồ sơ của "
    "người dân, Anh/chị vui lòng thử lại sau khoảng {minutes} phút ạ."
)
CANCELLATIONS = {
    "dossier_form": Cancellation(
        "Dạ, em đã dừng tra cứu hồ sơ. Khi cần, Anh/chị gửi mã hồ sơ (in trên giấy tiếp nhận / "
        "phiếu hẹn trả kết quả) để em tra cứu ạ.",
        extra_slots=("dossier_code_attempts",),
    )
}


def lookup_limit(env: Mapping[str, str]) -> tuple[int, float]:
    """(lookups, window in seconds) from ``DOSSIER_LOOKUP_LIMIT``: "10/600" or just "10"
    (per 10 minutes); the default when unset. A wrong value stops the action server at start."""
    rate = env_rate(env, "DOSSIER_LOOKUP_LIMIT", DEFAULT_LOOKUP_LIMIT)
    return rate.count, rate.window_s


def yes_no(flag: bool) -> str:
    return "có" if flag else "không"


def timeliness(status: DossierStatus) -> str:
    if status.finished_on is not None:
        verdict = "trễ hạn" if status.overdue else "đúng hạn"
        return f"Đã giải quyết xong ngày {vi_date(status.finished_on)}, {verdict}."
    return "Hồ sơ đã quá hạn giải quyết." if status.overdue else "Hồ sơ chưa quá hạn."


def format_status(status: DossierStatus) -> str:
    """What a citizen holding the code is told; never the applicant's name or phone."""
    return "\n".join(
        [
            f"Dạ, thông tin hồ sơ {status.code}:",
            f"• Thủ tục: {status.procedure}",
            f"• Đơn vị tiếp nhận: {status.receiving_unit}",
            f"• Tình trạng: {status.status_label}",
            f"• Ngày tiếp nhận: {vi_date(status.received_on)}; "
            f"hẹn trả kết quả: {vi_date(status.due_on)}",
            f"• {timeliness(status)}",
            f"• Đã thanh toán phí, lệ phí trực tuyến: {yes_no(status.paid_online)}",
            f"• Nhận kết quả qua bưu chính công ích: {yes_no(status.result_by_post)}",
        ]
    )


DOSSIER_CODE = CodeField("dossier_code", find_dossier_code, normalize_dossier_code)


class ValidateDossierForm(FormValidationAction):
    def name(self) -> str:
        return "validate_dossier_form"

    async def extract_dossier_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # At activation, a request without a code ("tra cứu hồ sơ") is no try at all.
        return DOSSIER_CODE.extract(tracker)

    def validate_dossier_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        code = DOSSIER_CODE.read(value)
        if code:
            return {"dossier_code": code, "dossier_code_attempts": 0}
        attempts = int(tracker.get_slot("dossier_code_attempts") or 0) + 1
        if attempts >= MAX_CODE_ATTEMPTS:
            # Ends the form; action_dossier_status then says why.
            return {"dossier_code": None, "dossier_code_attempts": attempts, REQUESTED_SLOT: None}
        dispatcher.utter_message(text=WRONG_SHAPE)
        return {"dossier_code": None, "dossier_code_attempts": attempts}


class ActionDossierStatus(Action):
    """Looks the code up (rate-limited per sender) and tells the dossier's status."""

    def __init__(
        self,
        lookup: DossierLookup | None = None,
        limiter: SlidingWindowLimiter | None = None,
    ) -> None:
        self._lookup = lookup
        # Not ``limiter or …``: an unused limiter has no keys, hence is falsy.
        self._limiter = (
            limiter if limiter is not None else SlidingWindowLimiter(*lookup_limit(os.environ))
        )

    def name(self) -> str:
        return "action_dossier_status"

    def lookup(self) -> DossierLookup:
        # Made on first use: the action server imports this module before the database is set.
        if self._lookup is None:
            self._lookup = make_dossier_lookup()
        return self._lookup

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        code = tracker.get_slot("dossier_code")
        reset = [SlotSet("dossier_code", None), SlotSet("dossier_code_attempts", 0)]
        if not code:
            if int(tracker.get_slot("dossier_code_attempts") or 0) >= MAX_CODE_ATTEMPTS:
                dispatcher.utter_message(text=TOO_MANY_WRONG)
            return reset
        dispatcher.utter_message(text=await self.answer(tracker.sender_id, code))
        return reset

    async def answer(self, sender_id: str | None, code: str) -> str:
        key = sender_id or ""
        if not self._limiter.allow(key):
            minutes = max(1, math.ceil(self._limiter.retry_after(key) / 60))
            return RATE_LIMITED.format(minutes=minutes)
        try:
            # The lookup may be an HTTP call: keep the event loop free for other users.
            status = await asyncio.to_thread(self.lookup().get, code)
        except DossierServiceUnavailable:
            logger.warning("dossier lookup unavailable", exc_info=True)
            return UNAVAILABLE.format(code=code)
        if status is None:
            return NOT_FOUND.format(code=code)
        return format_status(status)
