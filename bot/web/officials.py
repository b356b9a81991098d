"""The officials' page /can-bo: reporting deadlines as a month calendar, and the complaint inbox.

Off unless OFFICIALS_WEB_TOKEN holds a token of at least 16 characters. Officials log in with
it and get a signed session cookie (bot.web.session), HttpOnly, SameSite=Strict, Secure when
served over HTTPS. SameSite=Strict also keeps other sites from posting the forms with the
cookie, and the JSON API's writes take JSON bodies, which a cross-site form cannot send.
Scripts may call the API with "Authorization: Bearer <token>" instead of the cookie. Nothing
under /can-bo is cached or framed.

The work itself is the officials' desk's (knowledge.officials); this module only renders it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import BodyPartReader, web

from bot.officials.telegram_courier import CHANNEL as TELEGRAM
from bot.officials.telegram_courier import TELEGRAM_API, token_courier
from bot.web import officials_pages as pages
from bot.web.session import COOKIE, SESSION_S, TOKEN_MIN, Sessions
from knowledge.feedback import (
    STATUSES,
    FeedbackError,
    FeedbackNotFound,
    InvalidFeedback,
    normalize_feedback_code,
)
from knowledge.officials import ComplaintView, Courier, Delivery, OfficialsDesk, outcome_text
from knowledge.officials.plans import (
    LEVELS,
    UPLOAD_MAX_BYTES,
    IntakeRefused,
    PlanDesk,
    PlanExpired,
    UnreadableDocument,
)
from knowledge.plans.deadlines import DeadlineOccurrence
from knowledge.plans.formats.base import MB
from knowledge.shared.clock import Clock, utc_now
from knowledge.shared.db import get_engine
from knowledge.shared.settings import load_settings as load_knowledge_settings
from knowledge.shared.wording import say, text

PREFIX = "/can-bo"
OFFICIAL = "web:can-bo"  # one shared token: the page cannot tell officials apart
_MONTH = re.compile(r"(\d{4})-(\d{2})")
# For scripts, not people: shows the JSON expected, so it stays beside the code that reads it.
BAD_BODY = 'Nội dung gửi lên phải là JSON: {"noi_dung": "…"}.'
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'none'"
    ),
}


@dataclass(frozen=True)
class OfficialsPage:
    """What the page's handlers share: the desk, and the login when the page is on."""

    desk: OfficialsDesk
    plans: PlanDesk
    sessions: Sessions | None  # None: the page is off, for ``disabled_reason``
    disabled_reason: str


PAGE = web.AppKey("officials_page", OfficialsPage)


def token_problem(token: str) -> str | None:
    if not token:
        return text("web.token_missing")
    if len(token) < TOKEN_MIN:
        return say("web.token_too_short", minimum=TOKEN_MIN)
    return None


def logged_in(request: web.Request) -> bool:
    sessions = request.app[PAGE].sessions
    if sessions is None:
        return False
    scheme, _, bearer = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and bearer:
        return sessions.token_matches(bearer.strip())
    cookie = request.cookies.get(COOKIE, "")
    return bool(cookie) and sessions.valid(cookie)


# --- set-up -------------------------------------------------------------------------------------


def couriers(environ: Mapping[str, str]) -> dict[str, Courier]:
    """Replies reach Telegram citizens when this process knows the bot's token."""
    token = environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        return {}
    return {TELEGRAM: token_courier(token, environ.get("TELEGRAM_API_BASE_URL") or TELEGRAM_API)}


def setup(
    app: web.Application,
    environ: Mapping[str, str],
    *,
    clock: Clock = utc_now,
    deliver: Courier | None = None,
    sources_dir: Path | None = None,
) -> None:
    """``sources_dir``: where plans are published (knowledge/plans/sources by default)."""
    token = environ.get("OFFICIALS_WEB_TOKEN", "").strip()
    problem = token_problem(token)
    engine = get_engine(load_knowledge_settings(environ).database_url)
    desk = OfficialsDesk(engine, clock=clock, couriers=couriers(environ), deliver=deliver)
    app[PAGE] = OfficialsPage(
        desk=desk,
        plans=PlanDesk(engine, sources_dir=sources_dir),
        sessions=None if problem else Sessions(token, clock),
        disabled_reason=problem or "",
    )
    app.middlewares.append(guard)
    app.router.add_get(PREFIX, dashboard_page)
    app.router.add_post(f"{PREFIX}/dang-nhap", login)
    app.router.add_post(f"{PREFIX}/dang-xuat", logout)
    app.router.add_post(f"{PREFIX}/phan-anh/{{code}}/xong", mark_form)
    app.router.add_post(f"{PREFIX}/phan-anh/{{code}}/tra-loi", reply_form)
    app.router.add_get(f"{PREFIX}/ke-hoach", plans_page)
    app.router.add_get(f"{PREFIX}/tep/{{key}}", attachment_file)
    app.router.add_post(f"{PREFIX}/ke-hoach/tai-len", upload_plan)
    app.router.add_post(f"{PREFIX}/ke-hoach/dang", publish_plan)
    app.router.add_post(f"{PREFIX}/ke-hoach/huy", discard_plan)
    app.router.add_post(f"{PREFIX}/ke-hoach/{{slug}}/go", withdraw_plan)
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
    page = request.app[PAGE]
    api = request.path.startswith(f"{PREFIX}/api/")
    if page.sessions is None:
        response: web.StreamResponse = (
            _json_error(page.disabled_reason, 503)
            if api
            else _html(pages.disabled_page(page.disabled_reason), 503)
        )
    elif request.path not in _OPEN_PATHS and not logged_in(request):
        if api:
            response = _json_error(text("web.api_login"), 401)
            response.headers["WWW-Authenticate"] = "Bearer"
        else:
            response = _html(pages.login_page(text("web.session_ended")), 401)
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


def _desk(request: web.Request) -> OfficialsDesk:
    return request.app[PAGE].desk


# --- HTML pages and forms -----------------------------------------------------------------------


async def dashboard_page(request: web.Request) -> web.Response:
    if not logged_in(request):
        return _html(pages.login_page())
    desk = _desk(request)
    month = parse_month(request.query.get("thang", "")) or desk.today().replace(day=1)
    status = request.query.get("trang_thai", "new")
    if status not in pages.STATUS_FILTERS:
        status = "new"
    try:
        body = await render_dashboard(desk, month, status, notice=notice_of(request.query))
    except FeedbackError as error:
        return _html(pages.message_page(text("web.unavailable"), str(error)), 503)
    return _html(body)


async def attachment_file(request: web.Request) -> web.Response:
    """A photo or PDF a citizen attached to a complaint (images stored without location)."""
    found = await _desk(request).attachment(request.match_info["key"])
    if found is None:
        raise web.HTTPNotFound()
    attachment, content = found
    return web.Response(
        body=content,
        content_type=attachment.media_type,
        # Shown, never run: a PDF's scripts stay off.
        headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"},
    )


def attachment_url(key: str) -> str:
    return f"{PREFIX}/tep/{key}"


async def login(request: web.Request) -> web.Response:
    sessions = request.app[PAGE].sessions
    assert sessions is not None  # the guard answers for a page that is off
    form = await request.post()
    given = form.get("ma_truy_cap")
    if not isinstance(given, str) or not sessions.token_matches(given):
        return _html(pages.login_page(text("web.wrong_token")), 401)
    response = _see_other(PREFIX)
    response.set_cookie(
        COOKIE,
        sessions.issue(),
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
    code, form = request.match_info["code"], await request.post()
    try:
        item = await _desk(request).mark_handled(code, OFFICIAL)
    except FeedbackError as error:
        return _form_error(error)
    return _see_other(_back_to_inbox(form.get("trang_thai"), thong_bao="xong", ma=item.code))


async def reply_form(request: web.Request) -> web.Response:
    code, form = request.match_info["code"], await request.post()
    answer = form.get("noi_dung")
    try:
        outcome = await _desk(request).reply(
            code, answer if isinstance(answer, str) else "", OFFICIAL
        )
    except FeedbackError as error:
        return _form_error(error)
    location = _back_to_inbox(
        form.get("trang_thai"),
        thong_bao="tra-loi",
        ket_qua=outcome.delivery.value,
        ma=outcome.reply.code,
    )
    return _see_other(location)


def _error_status(error: FeedbackError) -> int:
    if isinstance(error, FeedbackNotFound):
        return 404
    return 400 if isinstance(error, InvalidFeedback) else 503  # else the store is down


def _form_error(error: FeedbackError) -> web.Response:
    return _html(pages.message_page(text("web.not_done"), str(error)), _error_status(error))


def _back_to_inbox(status: object, **notice: str) -> str:
    kept = status if isinstance(status, str) and status in pages.STATUS_FILTERS else "new"
    return f"{PREFIX}?{urlencode({'trang_thai': kept, **notice})}#phan-anh"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def notice_of(query: Mapping[str, str]) -> str:
    """The confirmation a form's redirect asks for; "" for anything unexpected."""
    code = normalize_feedback_code(query.get("ma", ""))
    if code is None:
        return ""
    if query.get("thong_bao") == "xong":
        return _sentence(say("officials.marked", code=code, status=STATUSES["closed"]))
    if query.get("thong_bao") == "tra-loi":
        try:
            delivery = Delivery(query.get("ket_qua"))
        except ValueError:
            return ""
        return _sentence(outcome_text(delivery, code))
    return ""


async def render_dashboard(desk: OfficialsDesk, month: date, status: str, notice: str) -> str:
    in_month, ahead, rules, complaints = await asyncio.gather(
        desk.month(month),
        desk.upcoming(),
        desk.recurring_rules(),
        desk.inbox(_status_query(status)),
    )
    return pages.dashboard(
        pages.Dashboard(month, desk.today(), in_month, ahead, rules, status, complaints, notice)
    )


def parse_month(raw: str) -> date | None:
    match = _MONTH.fullmatch(raw.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def _status_query(status: str) -> str | None:
    return None if status == pages.ALL_STATUSES else status


# --- JSON API -----------------------------------------------------------------------------------


async def deadlines_api(request: web.Request) -> web.Response:
    """``?thang=2024-03``: the deadlines of that month; without it, the upcoming ones."""
    desk = _desk(request)
    raw = request.query.get("thang")
    if raw is None:
        today = desk.today()
        found = await desk.upcoming(today)
        return web.json_response({"from": today.isoformat(), "deadlines": _occurrences(found)})
    month = parse_month(raw)
    if month is None:
        return _json_error(text("web.bad_month"), 400)
    found = await desk.month(month)
    return web.json_response({"month": pages.month_param(month), "deadlines": _occurrences(found)})


async def complaints_api(request: web.Request) -> web.Response:
    status = request.query.get("trang_thai", "new")
    if status not in pages.STATUS_FILTERS:
        return _json_error(say("web.bad_status", statuses=", ".join(pages.STATUS_FILTERS)), 400)
    try:
        items = await _desk(request).inbox(_status_query(status))
    except FeedbackError as error:
        return _json_error(str(error), 503)
    return web.json_response({"status": status, "items": [complaint_json(i) for i in items]})


async def mark_api(request: web.Request) -> web.Response:
    try:
        item = await _desk(request).mark_handled(request.match_info["code"], OFFICIAL)
    except FeedbackError as error:
        return _api_error(error)
    return web.json_response({"item": complaint_json(item)})


async def reply_api(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if request.content_type != "application/json" or not isinstance(body, dict):
        return _json_error(BAD_BODY, 400)
    answer = body.get("noi_dung")
    try:
        outcome = await _desk(request).reply(
            request.match_info["code"], answer if isinstance(answer, str) else "", OFFICIAL
        )
    except FeedbackError as error:
        return _api_error(error)
    return web.json_response(
        {
            "code": outcome.reply.code,
            "reply": outcome.reply.text,
            "replied_at": outcome.reply.replied_at.isoformat(),
            "delivery": outcome.delivery.value,
            "message": _sentence(outcome.message),
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


def complaint_json(item: ComplaintView) -> dict[str, Any]:
    """A complaint for the API: the desk's masked view, as on the page and in Telegram."""
    return {
        "code": item.code,
        "category": item.category,
        "category_label": item.category_label,
        "status": item.status,
        "status_label": item.status_label,
        "content": item.content,
        "citizen_name": item.citizen_name,
        "phone": item.phone,
        "dossier_code": item.dossier_code,
        "attachments": [
            {"url": attachment_url(a.key), "media_type": a.media_type} for a in item.attachments
        ],
        "channel": item.channel,
        "submitted_at": item.submitted_at.isoformat(),
        "reply": item.reply,
        "replied_at": item.replied_at.isoformat() if item.replied_at else None,
    }


# --- plans: upload, preview, publish, withdraw -------------------------------------------------
# Forms like the others: the session cookie is SameSite=Strict, so another site's form posts
# without it and meets the login page; the file is read in a child process, off the event loop.

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
_YEAR = re.compile(r"\d{4}")
# The form's other fields and multipart framing, on top of the file itself.
_FORM_OVERHEAD = 64 * 1024
_CHUNK = 64 * 1024


class _FormProblem(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _plans(request: web.Request) -> PlanDesk:
    return request.app[PAGE].plans


async def plans_page(request: web.Request) -> web.Response:
    return await _render_plans(request, notice=plans_notice(request.query))


async def _render_plans(request: web.Request, notice: str = "", error: str = "") -> web.Response:
    plans = await _plans(request).plans()
    return _html(pages.plans_page(plans, notice, error), 400 if error else 200)


def plans_notice(query: Mapping[str, str]) -> str:
    """What a plan form's redirect asks to say; "" for anything unexpected."""
    slug = query.get("ma", "")
    kind = query.get("thong_bao")
    if kind == "huy":
        return text("officials.plan_discarded")
    if not _SLUG.fullmatch(slug):
        return ""
    if kind == "dang":
        return say("officials.plan_published", slug=slug)
    if kind == "go":
        return say("officials.plan_withdrawn", slug=slug)
    return ""


async def upload_plan(request: web.Request) -> web.Response:
    """The uploaded file, read and shown; nothing is published yet."""
    try:
        name, content, overrides = await read_upload(request)
    except _FormProblem as problem:
        plans = await _plans(request).plans()
        return _html(pages.plans_page(plans, error=str(problem)), problem.status)
    try:
        pending = await _plans(request).read(name, content, overrides)
    except (UnreadableDocument, IntakeRefused) as error:
        return _html(pages.message_page(text("web.plan_not_read"), str(error)), 422)
    return _html(pages.plan_preview_page(pending))


async def read_upload(request: web.Request) -> tuple[str, bytes, dict[str, Any]]:
    """The file of the upload form (at most UPLOAD_MAX_BYTES, counted as it arrives) and the
    metadata the official gave."""
    limit = UPLOAD_MAX_BYTES
    too_big = _FormProblem(say("web.upload_too_big", limit=limit // MB), 413)
    if request.content_length is not None and request.content_length > limit + _FORM_OVERHEAD:
        raise too_big
    try:
        reader = await request.multipart()
    except (AssertionError, ValueError, KeyError) as error:  # not multipart/form-data
        raise _FormProblem(text("web.upload_bad_form")) from error
    name, content, fields = "", b"", {}
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            raise _FormProblem(text("web.upload_bad_form"))
        if part.name == "tep" and part.filename:
            name, content = part.filename, await _read_bounded(part, limit, too_big)
        elif part.name in ("nam", "dia_ban", "cap"):
            value = await _read_bounded(part, 1024, _FormProblem(text("web.upload_bad_form")))
            fields[part.name] = value.decode("utf-8", "replace").strip()
    if not name or not content:
        raise _FormProblem(text("web.upload_no_file"))
    overrides: dict[str, Any] = {}
    if fields.get("nam"):
        if not _YEAR.fullmatch(fields["nam"]):
            raise _FormProblem(text("web.bad_year"))
        overrides["year"] = int(fields["nam"])
    if fields.get("dia_ban"):
        overrides["locality"] = fields["dia_ban"][:100]
    if fields.get("cap") in LEVELS:
        overrides["level"] = fields["cap"]
    return name, content, overrides


async def _read_bounded(part: BodyPartReader, limit: int, problem: _FormProblem) -> bytes:
    data = bytearray()
    while chunk := await part.read_chunk(_CHUNK):
        data += chunk
        if len(data) > limit:
            raise problem
    return bytes(data)


async def publish_plan(request: web.Request) -> web.Response:
    form = await request.post()
    token = form.get("ma")
    token = token if isinstance(token, str) else ""
    desk = _plans(request)
    try:
        published = await desk.publish(token, force=form.get("ep") == "1")
    except PlanExpired as error:
        return _html(pages.message_page(text("web.plan_not_published"), str(error)), 410)
    except IntakeRefused as error:
        pending = desk.pending(token)
        if pending is None:
            return _html(pages.message_page(text("web.plan_not_published"), str(error)), 409)
        return _html(pages.plan_preview_page(pending, error=str(error)), 409)
    location = f"{PREFIX}/ke-hoach?{urlencode({'thong_bao': 'dang', 'ma': published.slug})}"
    return _see_other(location)


async def discard_plan(request: web.Request) -> web.Response:
    form = await request.post()
    token = form.get("ma")
    _plans(request).discard(token if isinstance(token, str) else "")
    return _see_other(f"{PREFIX}/ke-hoach?thong_bao=huy")


async def withdraw_plan(request: web.Request) -> web.Response:
    slug, form = request.match_info["slug"], await request.post()
    if form.get("xac_nhan") != "1":
        return await _render_plans(request, error=text("web.withdraw_unconfirmed"))
    try:
        await _plans(request).withdraw(slug)
    except IntakeRefused as error:
        status = 404 if error.reason == "not_found" else 409
        return _html(pages.message_page(text("web.plan_not_withdrawn"), str(error)), status)
    return _see_other(f"{PREFIX}/ke-hoach?{urlencode({'thong_bao': 'go', 'ma': slug})}")
