"""The officials' page /can-bo: the complaint inbox first, then the reporting deadlines as a
month calendar, and the plans; each official's own locality first.

Officials log in with named accounts (bot.web.officials_auth: sessions, roles, CSRF); what
each role may do is checked there and again by the desk. Every form answers with a redirect
back to where the official was (``#thong-bao``), where the confirmation is shown. Scripts use
the JSON API with the session cookie and the X-CSRF-Token header.

The work itself is the officials' desk's (knowledge.officials); this module only renders it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import BodyPartReader, web

from bot.officials.telegram_courier import CHANNEL as TELEGRAM
from bot.officials.telegram_courier import token_courier
from bot.officials.zalo_courier import zalo_couriers
from bot.web import officials_pages as pages
from bot.web.officials_auth import (
    CSRF_FIELD,
    GATE,
    OFFICIAL,
    PREFIX,
    Gate,
    csrf_of,
    csrf_valid,
    guard,
    html,
    json_error,
    login,
    login_response,
    logout,
    official_of,
    see_other,
    session_api,
)
from bot.web.session import Sessions, session_secret
from knowledge.feedback import (
    STATUSES,
    FeedbackError,
    FeedbackNotFound,
    InvalidFeedback,
    normalize_feedback_code,
)
from knowledge.officials import ComplaintView, Courier, Delivery, OfficialsDesk, outcome_text
from knowledge.officials.accounts import AccountError, AccountService, AccountView, Permission
from knowledge.officials.desk import NotAllowed
from knowledge.officials.localities import ALL, choices, default_filter, only, own_first
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
from knowledge.plans.service import PlanInfo
from knowledge.shared.clock import Clock, utc_now
from knowledge.shared.db import get_engine
from knowledge.shared.settings import load_settings as load_knowledge_settings
from knowledge.shared.wording import say, text

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
NOTICE = "thong-bao"  # the anchor of a form's confirmation
# For scripts, not people: shows the JSON expected, so it stays beside the code that reads it.
BAD_BODY = 'Nội dung gửi lên phải là JSON: {"noi_dung": "…"}.'
BAD_REASSIGN_BODY = 'Nội dung gửi lên phải là JSON: {"cho": "<tên đăng nhập>"}.'


@dataclass(frozen=True)
class OfficialsPage:
    """What the page's handlers share."""

    desk: OfficialsDesk
    plans: PlanDesk


PAGE = web.AppKey("officials_page", OfficialsPage)


# --- set-up -------------------------------------------------------------------------------------


def couriers(environ: Mapping[str, str]) -> dict[str, Courier]:
    """Replies reach Telegram citizens when this process knows the bot's token, Zalo citizens
    when Zalo is configured."""
    found = zalo_couriers(environ)
    settings = load_knowledge_settings(environ)
    if settings.telegram_bot_token:
        found[TELEGRAM] = token_courier(settings.telegram_bot_token, settings.telegram_api_base_url)
    return found


def setup(
    app: web.Application,
    environ: Mapping[str, str],
    *,
    clock: Clock = utc_now,
    deliver: Courier | None = None,
    sources_dir: Path | None = None,
) -> None:
    """``sources_dir``: where plans are published (knowledge/plans/sources by default)."""
    settings = load_knowledge_settings(environ)
    engine = get_engine(settings.database_url)
    desk = OfficialsDesk(engine, clock=clock, couriers=couriers(environ), deliver=deliver)
    app[PAGE] = OfficialsPage(desk=desk, plans=PlanDesk(engine, sources_dir=sources_dir))
    gate = Gate(
        accounts=AccountService(engine, clock),
        sessions=Sessions(session_secret(environ, settings.var_dir), clock),
    )
    app[GATE] = gate
    app.middlewares.append(guard)
    read, handle, plans = Permission.READ, Permission.HANDLE, Permission.PLANS
    routes: list[tuple[str, str, Any, Permission | None]] = [
        ("GET", PREFIX, dashboard_page, None),
        ("POST", f"{PREFIX}/dang-nhap", login, None),
        ("POST", f"{PREFIX}/dang-xuat", logout, None),
        ("POST", f"{PREFIX}/phan-anh/{{code}}/xong", mark_form, handle),
        ("POST", f"{PREFIX}/phan-anh/{{code}}/tra-loi", reply_form, handle),
        ("POST", f"{PREFIX}/phan-anh/{{code}}/chuyen", reassign_form, handle),
        ("GET", f"{PREFIX}/ke-hoach", plans_page, read),
        ("GET", f"{PREFIX}/tep/{{key}}", attachment_file, read),
        ("POST", f"{PREFIX}/ke-hoach/dang", publish_plan, plans),
        ("POST", f"{PREFIX}/ke-hoach/huy", discard_plan, plans),
        ("POST", f"{PREFIX}/ke-hoach/{{slug}}/go", withdraw_plan, plans),
        ("GET", f"{PREFIX}/api/phien", session_api, None),
        ("GET", f"{PREFIX}/api/han-bao-cao", deadlines_api, read),
        ("GET", f"{PREFIX}/api/phan-anh", complaints_api, read),
        ("POST", f"{PREFIX}/api/phan-anh/{{code}}/xong", mark_api, handle),
        ("POST", f"{PREFIX}/api/phan-anh/{{code}}/tra-loi", reply_api, handle),
        ("POST", f"{PREFIX}/api/phan-anh/{{code}}/chuyen", reassign_api, handle),
    ]
    for method, path, handler, permission in routes:
        gate.add(app, method, path, handler, permission)
    # Streams its file: checks the CSRF field itself (read_upload).
    gate.add(app, "POST", f"{PREFIX}/ke-hoach/tai-len", upload_plan, plans, csrf_in_handler=True)


def _desk(request: web.Request) -> OfficialsDesk:
    return request.app[PAGE].desk


# --- HTML pages and forms -----------------------------------------------------------------------


async def dashboard_page(request: web.Request) -> web.Response:
    official = request.get(OFFICIAL)
    if official is None:
        notice = (
            text("accounts.logged_out") if request.query.get("thong_bao") == "dang-xuat" else ""
        )
        return await login_response(request, notice=notice)
    desk = _desk(request)
    month = parse_month(request.query.get("thang", "")) or desk.today().replace(day=1)
    status = request.query.get("trang_thai", "new")
    if status not in pages.STATUS_FILTERS:
        status = "new"
    try:
        body = await render_dashboard(request, official, month, status)
    except FeedbackError as error:
        return html(pages.message_page(text("web.unavailable"), str(error)), 503)
    return html(body)


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


async def mark_form(request: web.Request) -> web.Response:
    code, form = request.match_info["code"], await request.post()
    try:
        item = await _desk(request).mark_handled(code, official_of(request))
    except (FeedbackError, AccountError) as error:
        return _form_error(error)
    return see_other(_back_to_inbox(form, thong_bao="xong", ma=item.code))


async def reply_form(request: web.Request) -> web.Response:
    code, form = request.match_info["code"], await request.post()
    answer = form.get("noi_dung")
    try:
        outcome = await _desk(request).reply(
            code, answer if isinstance(answer, str) else "", official_of(request)
        )
    except (FeedbackError, AccountError) as error:
        return _form_error(error)
    location = _back_to_inbox(
        form, thong_bao="tra-loi", ket_qua=outcome.delivery.value, ma=outcome.reply.code
    )
    return see_other(location)


async def reassign_form(request: web.Request) -> web.Response:
    code, form = request.match_info["code"], await request.post()
    to = form.get("cho")
    try:
        assigned = await _desk(request).reassign(
            code, to if isinstance(to, str) else "", official_of(request)
        )
    except (FeedbackError, AccountError) as error:
        return _form_error(error)
    canonical = normalize_feedback_code(code) or code
    return see_other(_back_to_inbox(form, thong_bao="chuyen", ma=canonical, cho=assigned.assignee))


def _error_status(error: FeedbackError | AccountError) -> int:
    if isinstance(error, NotAllowed):
        return 403
    if isinstance(error, AccountError | InvalidFeedback):
        return 400
    if isinstance(error, FeedbackNotFound):
        return 404
    return 503  # the store is down


def _form_error(error: FeedbackError | AccountError) -> web.Response:
    return html(pages.message_page(text("web.not_done"), str(error)), _error_status(error))


def _back_to_inbox(form: Mapping[str, object], **notice: str) -> str:
    """The inbox as the official left it (status and locality filters), at the confirmation."""
    status, locality = form.get("trang_thai"), form.get("dia_ban")
    kept = {
        "trang_thai": status
        if isinstance(status, str) and status in pages.STATUS_FILTERS
        else "new",
        **({"dia_ban": locality} if isinstance(locality, str) and locality else {}),
    }
    return f"{PREFIX}?{urlencode({**kept, **notice})}#{NOTICE}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def notice_of(query: Mapping[str, str]) -> str:
    """The confirmation a form's redirect asks for; "" for anything unexpected."""
    code = normalize_feedback_code(query.get("ma", ""))
    if code is None:
        return ""
    kind = query.get("thong_bao")
    if kind == "xong":
        return _sentence(say("officials.marked", code=code, status=STATUSES["closed"]))
    if kind == "chuyen" and _NAME.fullmatch(query.get("cho", "")):
        return say("accounts.reassigned", code=code, assignee=query["cho"])
    if kind == "tra-loi":
        try:
            delivery = Delivery(query.get("ket_qua"))
        except ValueError:
            return ""
        return _sentence(outcome_text(delivery, code))
    return ""


async def render_dashboard(
    request: web.Request, official: AccountView, month: date, status: str
) -> str:
    desk, query = _desk(request), request.query
    inbox_locality = query.get("dia_ban") or ALL
    plans = await request.app[PAGE].plans.plans()
    known = [plan.locality for plan in plans]
    calendar_locality = query.get("lich") or default_filter(official.locality, known)
    in_month, ahead, rules, complaints, handlers = await asyncio.gather(
        desk.month(month),
        desk.upcoming(),
        desk.recurring_rules(),
        desk.inbox(_status_query(status), mine=official.locality, locality=inbox_locality),
        desk.handlers(),
    )
    audit = await desk.audit_log(official) if official.may(Permission.ACCOUNTS) else []
    in_place = only(in_month, _plan_locality, calendar_locality)
    return pages.dashboard(
        pages.Dashboard(
            month=month,
            today=desk.today(),
            in_month=in_place,
            ahead=only(ahead, _plan_locality, calendar_locality),
            rules=rules,
            status=status,
            complaints=complaints,
            notice=notice_of(query),
            notice_code=normalize_feedback_code(query.get("ma", "")) or "",
            official=official,
            csrf=csrf_of(request),
            inbox_locality=inbox_locality,
            calendar_locality=calendar_locality,
            localities=choices(known, official.locality),
            handlers=[h.name for h in handlers],
            audit=audit,
        )
    )


def _plan_locality(occurrence: DeadlineOccurrence) -> str | None:
    return occurrence.plan.locality


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
        return json_error(text("web.bad_month"), 400)
    found = await desk.month(month)
    return web.json_response({"month": pages.month_param(month), "deadlines": _occurrences(found)})


async def complaints_api(request: web.Request) -> web.Response:
    status = request.query.get("trang_thai", "new")
    if status not in pages.STATUS_FILTERS:
        return json_error(say("web.bad_status", statuses=", ".join(pages.STATUS_FILTERS)), 400)
    official = official_of(request)
    locality = request.query.get("dia_ban") or ALL
    try:
        items = await _desk(request).inbox(
            _status_query(status), mine=official.locality, locality=locality
        )
    except FeedbackError as error:
        return json_error(str(error), 503)
    return web.json_response({"status": status, "items": [complaint_json(i) for i in items]})


async def mark_api(request: web.Request) -> web.Response:
    try:
        item = await _desk(request).mark_handled(request.match_info["code"], official_of(request))
    except (FeedbackError, AccountError) as error:
        return _api_error(error)
    return web.json_response({"item": complaint_json(item)})


async def _json_body(request: web.Request) -> dict[str, Any] | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    if request.content_type != "application/json" or not isinstance(body, dict):
        return None
    return body


async def reply_api(request: web.Request) -> web.Response:
    body = await _json_body(request)
    if body is None:
        return json_error(BAD_BODY, 400)
    answer = body.get("noi_dung")
    try:
        outcome = await _desk(request).reply(
            request.match_info["code"],
            answer if isinstance(answer, str) else "",
            official_of(request),
        )
    except (FeedbackError, AccountError) as error:
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


async def reassign_api(request: web.Request) -> web.Response:
    body = await _json_body(request)
    to = None if body is None else body.get("cho")
    if not isinstance(to, str):
        return json_error(BAD_REASSIGN_BODY, 400)
    try:
        assigned = await _desk(request).reassign(
            request.match_info["code"], to, official_of(request)
        )
    except (FeedbackError, AccountError) as error:
        return _api_error(error)
    return web.json_response({"assignee": assigned.assignee, "locality": assigned.locality})


def _api_error(error: FeedbackError | AccountError) -> web.Response:
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
        "assignee": item.assignee,
        "locality": item.locality,
    }


# --- plans: upload, preview, publish, withdraw -------------------------------------------------
# Every official reads the list (their own locality's plans first); admins add and withdraw.
# The file is read in a child process, off the event loop.

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


async def _render_plans(
    request: web.Request, notice: str = "", error: str = "", status: int = 200
) -> web.Response:
    official = official_of(request)
    plans = await _plans(request).plans()
    known = [plan.locality for plan in plans]
    wanted = request.query.get("dia_ban") or ALL
    shown = own_first(only(plans, _locality_of_plan, wanted), _locality_of_plan, official.locality)
    view = pages.PlansView(
        plans=shown,
        official=official,
        csrf=csrf_of(request),
        locality=wanted,
        localities=choices(known, official.locality),
        notice=notice,
        error=error,
    )
    return html(pages.plans_page(view), status)


def _locality_of_plan(plan: PlanInfo) -> str | None:
    return plan.locality


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
        return await _render_plans(request, error=str(problem), status=problem.status)
    try:
        pending = await _plans(request).read(name, content, overrides)
    except (UnreadableDocument, IntakeRefused) as error:
        return html(pages.message_page(text("web.plan_not_read"), str(error)), 422)
    return html(pages.plan_preview_page(pending, csrf=csrf_of(request)))


async def read_upload(request: web.Request) -> tuple[str, bytes, dict[str, Any]]:
    """The file of the upload form (at most UPLOAD_MAX_BYTES, counted as it arrives) and the
    metadata the official gave. The form's CSRF field must come before the file (it does in
    the page's form), so nothing is read for a forged post."""
    limit = UPLOAD_MAX_BYTES
    too_big = _FormProblem(say("web.upload_too_big", limit=limit // MB), 413)
    if request.content_length is not None and request.content_length > limit + _FORM_OVERHEAD:
        raise too_big
    try:
        reader = await request.multipart()
    except (AssertionError, ValueError, KeyError) as error:  # not multipart/form-data
        raise _FormProblem(text("web.upload_bad_form")) from error
    name, content, fields, checked = "", b"", {}, False
    forged = _FormProblem(text("accounts.form_expired"), 403)
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            raise _FormProblem(text("web.upload_bad_form"))
        if part.name == CSRF_FIELD:
            token = await _read_bounded(part, 1024, forged)
            checked = csrf_valid(request, token.decode("ascii", "replace"))
        if not checked:
            raise forged
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
        published = await desk.publish(token, official_of(request), force=form.get("ep") == "1")
    except PlanExpired as error:
        return html(pages.message_page(text("web.plan_not_published"), str(error)), 410)
    except IntakeRefused as error:
        pending = desk.pending(token)
        if pending is None:
            return html(pages.message_page(text("web.plan_not_published"), str(error)), 409)
        preview = pages.plan_preview_page(pending, csrf=csrf_of(request), error=str(error))
        return html(preview, 409)
    return see_other(_plans_notice_url(thong_bao="dang", ma=published.slug))


async def discard_plan(request: web.Request) -> web.Response:
    form = await request.post()
    token = form.get("ma")
    _plans(request).discard(token if isinstance(token, str) else "")
    return see_other(_plans_notice_url(thong_bao="huy"))


async def withdraw_plan(request: web.Request) -> web.Response:
    slug, form = request.match_info["slug"], await request.post()
    if form.get("xac_nhan") != "1":
        return await _render_plans(request, error=text("web.withdraw_unconfirmed"), status=400)
    try:
        await _plans(request).withdraw(slug, official_of(request))
    except IntakeRefused as error:
        status = 404 if error.reason == "not_found" else 409
        return html(pages.message_page(text("web.plan_not_withdrawn"), str(error)), status)
    return see_other(_plans_notice_url(thong_bao="go", ma=slug))


def _plans_notice_url(**notice: str) -> str:
    return f"{PREFIX}/ke-hoach?{urlencode(notice)}#{NOTICE}"
