"""The officials' page /can-bo: reporting deadlines as a month calendar, and the complaint inbox.

Off unless OFFICIALS_WEB_TOKEN holds a token of at least 16 characters. Officials log in with
it; the session cookie is "<expiry>.<HMAC>", keyed by the token (changing the token ends every
session), HttpOnly, SameSite=Strict, Secure when served over HTTPS. SameSite=Strict also keeps
other sites from posting the forms with the cookie, and the JSON API's writes take JSON bodies,
which a cross-site form cannot send. Scripts may call the API with "Authorization: Bearer
<token>" instead of the cookie. Nothing under /can-bo is cached or framed.
"""

from __future__ import annotations

import asyncio
import calendar
import functools
import hashlib
import hmac
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy import Engine

from bot.telegram.config import TELEGRAM_API
from bot.telegram.notify import OUTCOME, Delivery, deliver_with_token, telegram_chat_id
from bot.telegram.officials import Clock, utc_now
from bot.web import officials_html as views
from knowledge.feedback import (
    STATUSES,
    FeedbackError,
    FeedbackItem,
    FeedbackNotFound,
    FeedbackReply,
    FeedbackService,
    InvalidFeedback,
    mask_name,
    mask_phone,
    mask_phones_in_text,
    normalize_feedback_code,
)
from knowledge.plans.deadlines import DeadlineOccurrence, deadlines_between
from knowledge.plans.search import catalog
from knowledge.plans.service import cite
from knowledge.reminders.service import upcoming_deadlines
from knowledge.shared.db import get_engine
from knowledge.shared.periods import vietnam_today
from knowledge.shared.settings import load_settings as load_knowledge_settings

PREFIX = "/can-bo"
COOKIE = "can_bo_phien"
SESSION_S = 8 * 3600  # a working day
TOKEN_MIN = 16
INBOX_LIMIT = 100
OFFICIAL = "web:can-bo"  # one shared token: the page cannot tell officials apart
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_SESSION_CONTEXT = b"tro-ly-cchc/can-bo/session"
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'none'"
    ),
}

WRONG_TOKEN = "Mã truy cập không đúng."
SESSION_ENDED = "Phiên đăng nhập đã hết hạn hoặc chưa đăng nhập. Vui lòng đăng nhập lại."
API_LOGIN = "Cần đăng nhập trang cán bộ, hoặc gửi mã truy cập (Authorization: Bearer <mã>)."
BAD_MONTH = "Tháng phải có dạng NNNN-TT, ví dụ 2024-03."
BAD_STATUS = "Trạng thái phải là một trong: " + ", ".join(views.STATUS_FILTERS) + "."
BAD_BODY = 'Nội dung gửi lên phải là JSON: {"noi_dung": "…"}.'

Deliver = Callable[[FeedbackReply], Awaitable[Delivery]]


@dataclass(frozen=True)
class OfficialsDesk:
    token: str | None  # None: the page is off, for ``disabled_reason``
    disabled_reason: str
    feedback: FeedbackService
    engine: Engine
    clock: Clock
    deliver: Deliver

    def today(self) -> date:
        return vietnam_today(self.clock())


DESK = web.AppKey("officials_desk", OfficialsDesk)


# --- the token and the session cookie -----------------------------------------------------------


def token_problem(token: str) -> str | None:
    if not token:
        return "Chưa cấu hình mã truy cập cho cán bộ."
    if len(token) < TOKEN_MIN:
        return f"Mã truy cập đã cấu hình quá ngắn: cần ít nhất {TOKEN_MIN} ký tự."
    return None


def token_matches(given: str, token: str) -> bool:
    """Constant-time comparison; digests first, so not even the length leaks."""
    return hmac.compare_digest(
        hashlib.sha256(given.encode()).digest(), hashlib.sha256(token.encode()).digest()
    )


def _session_mac(token: str, expires: int) -> str:
    key = hmac.new(_SESSION_CONTEXT, token.encode(), hashlib.sha256).digest()
    return hmac.new(key, str(expires).encode(), hashlib.sha256).hexdigest()


def sign_session(token: str, expires: int) -> str:
    return f"{expires}.{_session_mac(token, expires)}"


def session_valid(token: str, value: str, now: float) -> bool:
    expires, _, mac = value.partition(".")
    if not expires.isdigit() or int(expires) <= now:
        return False
    return hmac.compare_digest(mac, _session_mac(token, int(expires)))


def logged_in(request: web.Request) -> bool:
    desk = request.app[DESK]
    if desk.token is None:
        return False
    scheme, _, bearer = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and bearer:
        return token_matches(bearer.strip(), desk.token)
    cookie = request.cookies.get(COOKIE, "")
    return bool(cookie) and session_valid(desk.token, cookie, desk.clock().timestamp())


# --- set-up -------------------------------------------------------------------------------------


async def _without_telegram(reply: FeedbackReply) -> Delivery:
    return Delivery.ON_REQUEST if telegram_chat_id(reply.sender_id) is None else Delivery.FAILED


def default_deliver(environ: Mapping[str, str]) -> Deliver:
    """Replies reach Telegram citizens when this process knows the bot's token."""
    token = environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        return _without_telegram
    base_url = environ.get("TELEGRAM_API_BASE_URL") or TELEGRAM_API
    return functools.partial(deliver_with_token, token, base_url)


def setup(
    app: web.Application,
    environ: Mapping[str, str],
    *,
    clock: Clock = utc_now,
    deliver: Deliver | None = None,
) -> None:
    token = environ.get("OFFICIALS_WEB_TOKEN", "").strip()
    problem = token_problem(token)
    engine = get_engine(load_knowledge_settings(environ).database_url)
    app[DESK] = OfficialsDesk(
        token=None if problem else token,
        disabled_reason=problem or "",
        feedback=FeedbackService(engine, clock),
        engine=engine,
        clock=clock,
        deliver=deliver or default_deliver(environ),
    )
    app.middlewares.append(guard)
    app.router.add_get(PREFIX, dashboard_page)
    app.router.add_post(f"{PREFIX}/dang-nhap", login)
    app.router.add_post(f"{PREFIX}/dang-xuat", logout)
    app.router.add_post(f"{PREFIX}/phan-anh/{{code}}/xong", mark_form)
    app.router.add_post(f"{PREFIX}/phan-anh/{{code}}/tra-loi", reply_form)
    app.router.add_get(f"{PREFIX}/api/han-bao-cao", deadlines_api)
    app.router.add_get(f"{PREFIX}/api/phan-anh", complaints_api)
    app.router.add_post(f"{PREFIX}/api/phan-anh/{{code}}/xong", mark_api)
    app.router.add_post(f"{PREFIX}/api/phan-anh/{{code}}/tra-loi", reply_api)


_OPEN_PATHS = frozenset({PREFIX, f"{PREFIX}/dang-nhap", f"{PREFIX}/dang-xuat"})


@web.middleware
async def guard(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Under /can-bo: off without a token, login required past the login form, no caching."""
    if request.path != PREFIX and not request.path.startswith(PREFIX + "/"):
        return await handler(request)
    desk = request.app[DESK]
    api = request.path.startswith(f"{PREFIX}/api/")
    if desk.token is None:
        response: web.StreamResponse = (
            _json_error(desk.disabled_reason, 503)
            if api
            else _html(views.disabled_page(desk.disabled_reason), 503)
        )
    elif request.path not in _OPEN_PATHS and not logged_in(request):
        if api:
            response = _json_error(API_LOGIN, 401)
            response.headers["WWW-Authenticate"] = "Bearer"
        else:
            response = _html(views.login_page(SESSION_ENDED), 401)
    else:
        response = await handler(request)
    response.headers.update(SECURITY_HEADERS)
    return response


def _html(body: str, status: int = 200) -> web.Response:
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")


def _json_error(message: str, status: int) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


# --- HTML pages and forms -----------------------------------------------------------------------


async def dashboard_page(request: web.Request) -> web.Response:
    if not logged_in(request):
        return _html(views.login_page())
    desk = request.app[DESK]
    month = parse_month(request.query.get("thang", "")) or desk.today().replace(day=1)
    status = request.query.get("trang_thai", "new")
    if status not in views.STATUS_FILTERS:
        status = "new"
    try:
        body = await render_dashboard(desk, month, status, notice=notice_of(request.query))
    except FeedbackError as error:
        return _html(views.message_page("Tạm gián đoạn", str(error)), 503)
    return _html(body)


async def login(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    assert desk.token is not None  # the guard answers for a page that is off
    form = await request.post()
    given = form.get("ma_truy_cap")
    if not isinstance(given, str) or not token_matches(given, desk.token):
        return _html(views.login_page(WRONG_TOKEN), 401)
    expires = int(desk.clock().timestamp()) + SESSION_S
    response = _see_other(PREFIX)
    response.set_cookie(
        COOKIE,
        sign_session(desk.token, expires),
        max_age=SESSION_S,
        path=PREFIX,
        httponly=True,
        samesite="Strict",
        secure=request.secure,
    )
    return response


async def logout(_request: web.Request) -> web.Response:
    response = _see_other(PREFIX)
    response.del_cookie(COOKIE, path=PREFIX)
    return response


async def mark_form(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    code, form = request.match_info["code"], await request.post()
    try:
        item = await asyncio.to_thread(desk.feedback.mark, code, "closed", OFFICIAL)
    except FeedbackError as error:
        return _form_error(error)
    return _see_other(_back_to_inbox(form.get("trang_thai"), thong_bao="xong", ma=item.code))


async def reply_form(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    code, form = request.match_info["code"], await request.post()
    text = form.get("noi_dung")
    try:
        reply = await asyncio.to_thread(
            desk.feedback.reply, code, text if isinstance(text, str) else "", OFFICIAL
        )
    except FeedbackError as error:
        return _form_error(error)
    delivery = await desk.deliver(reply)
    location = _back_to_inbox(
        form.get("trang_thai"), thong_bao="tra-loi", ket_qua=delivery.value, ma=reply.code
    )
    return _see_other(location)


def _error_status(error: FeedbackError) -> int:
    if isinstance(error, FeedbackNotFound):
        return 404
    return 400 if isinstance(error, InvalidFeedback) else 503  # else the store is down


def _form_error(error: FeedbackError) -> web.Response:
    return _html(views.message_page("Chưa thực hiện được", str(error)), _error_status(error))


def _back_to_inbox(status: object, **notice: str) -> str:
    kept = status if isinstance(status, str) and status in views.STATUS_FILTERS else "new"
    return f"{PREFIX}?{urlencode({'trang_thai': kept, **notice})}#phan-anh"


def notice_of(query: Mapping[str, str]) -> str:
    """The confirmation a form's redirect asks for; "" for anything unexpected."""
    code = normalize_feedback_code(query.get("ma", ""))
    if code is None:
        return ""
    if query.get("thong_bao") == "xong":
        return f"Đã đánh dấu phản ánh {code}: {STATUSES['closed']}."
    if query.get("thong_bao") == "tra-loi":
        try:
            outcome = OUTCOME[Delivery(query.get("ket_qua"))]
        except ValueError:
            return ""
        text = outcome.format(code=code)
        return text[:1].upper() + text[1:]
    return ""


async def render_dashboard(desk: OfficialsDesk, month: date, status: str, notice: str) -> str:
    today = desk.today()
    last_day = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    in_month, ahead, rules, complaints = await asyncio.gather(
        asyncio.to_thread(deadlines_between, month, last_day, engine=desk.engine),
        asyncio.to_thread(upcoming_deadlines, today, desk.engine),
        asyncio.to_thread(recurring_rules, desk.engine),
        asyncio.to_thread(desk.feedback.inbox, _status_query(status), INBOX_LIMIT),
    )
    return views.dashboard(
        month=month,
        today=today,
        in_month=in_month,
        ahead=ahead,
        rules=rules,
        status=status,
        complaints=complaints,
        notice=notice,
    )


def parse_month(raw: str) -> date | None:
    match = _MONTH.fullmatch(raw.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def recurring_rules(engine: Engine) -> list[views.RecurringRule]:
    return [
        views.RecurringRule(d.title, d.rule_description, d.recipient, cite(d.document, d.section))
        for d in catalog(engine).deadlines
        if d.due_date is None and d.rule_day is not None
    ]


def _status_query(status: str) -> str | None:
    return None if status == views.ALL_STATUSES else status


# --- JSON API -----------------------------------------------------------------------------------


async def deadlines_api(request: web.Request) -> web.Response:
    """``?thang=2024-03``: the deadlines of that month; without it, the upcoming ones."""
    desk = request.app[DESK]
    raw = request.query.get("thang")
    if raw is None:
        today = desk.today()
        found = await asyncio.to_thread(upcoming_deadlines, today, desk.engine)
        return web.json_response({"from": today.isoformat(), "deadlines": _occurrences(found)})
    month = parse_month(raw)
    if month is None:
        return _json_error(BAD_MONTH, 400)
    last_day = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    found = await asyncio.to_thread(deadlines_between, month, last_day, engine=desk.engine)
    return web.json_response({"month": views.month_param(month), "deadlines": _occurrences(found)})


async def complaints_api(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    status = request.query.get("trang_thai", "new")
    if status not in views.STATUS_FILTERS:
        return _json_error(BAD_STATUS, 400)
    try:
        items = await asyncio.to_thread(desk.feedback.inbox, _status_query(status), INBOX_LIMIT)
    except FeedbackError as error:
        return _json_error(str(error), 503)
    return web.json_response({"status": status, "items": [complaint_json(i) for i in items]})


async def mark_api(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    try:
        item = await asyncio.to_thread(
            desk.feedback.mark, request.match_info["code"], "closed", OFFICIAL
        )
    except FeedbackError as error:
        return _api_error(error)
    return web.json_response({"item": complaint_json(item)})


async def reply_api(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    try:
        body = await request.json()
    except ValueError:
        body = None
    if request.content_type != "application/json" or not isinstance(body, dict):
        return _json_error(BAD_BODY, 400)
    text = body.get("noi_dung")
    try:
        reply = await asyncio.to_thread(
            desk.feedback.reply,
            request.match_info["code"],
            text if isinstance(text, str) else "",
            OFFICIAL,
        )
    except FeedbackError as error:
        return _api_error(error)
    delivery = await desk.deliver(reply)
    message = OUTCOME[delivery].format(code=reply.code)
    return web.json_response(
        {
            "code": reply.code,
            "reply": reply.text,
            "replied_at": reply.replied_at.isoformat(),
            "delivery": delivery.value,
            "message": message[:1].upper() + message[1:],
        }
    )


def _api_error(error: FeedbackError) -> web.Response:
    fields = error.errors if isinstance(error, InvalidFeedback) else {}
    return web.json_response({"error": str(error), "fields": fields}, status=_error_status(error))


def _occurrences(found: list[DeadlineOccurrence]) -> list[dict[str, Any]]:
    return [
        {
            "date": o.date.isoformat(),
            "title": o.title,
            "text": o.text,
            "recipient": o.recipient,
            "recurring": o.recurring,
            "rule": o.rule,
            "document": o.document,
            "source": o.source,
        }
        for o in found
    ]


def complaint_json(item: FeedbackItem) -> dict[str, Any]:
    """A complaint for the API, the citizen's data masked as on the page."""
    return {
        "code": item.code,
        "category": item.category,
        "category_label": item.category_label,
        "status": item.status,
        "status_label": item.status_label,
        "content": mask_phones_in_text(item.content),
        "citizen_name": mask_name(item.citizen_name),
        "phone": mask_phone(item.phone),
        "dossier_code": item.dossier_code,
        "channel": "telegram" if telegram_chat_id(item.sender_id) is not None else "web",
        "submitted_at": item.submitted_at.isoformat(),
        "reply": item.reply,
        "replied_at": item.replied_at.isoformat() if item.replied_at else None,
    }
