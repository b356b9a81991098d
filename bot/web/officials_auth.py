"""Who is asking under /can-bo: the session, the account behind it and what its role allows,
a CSRF check on every POST, and the login and logout.

Every route is added with the permission it needs (``Gate.add``); the guard middleware answers
401 (login page or JSON) without a live session, 403 when the role does not allow it, and 403
for a POST whose CSRF token does not belong to the session: form field ``csrf``, or header
``X-CSRF-Token`` for the JSON API (``GET /can-bo/api/phien`` gives it). The plan upload streams
its file, so its handler checks the token (sent before the file) itself.

Logins are rate limited per client address and an account is locked for a while after
repeated wrong passwords (``knowledge.officials.accounts.LoginGuard``). The session cookie is
HttpOnly, SameSite=Strict, Secure over HTTPS, expires after a working day, and a logout ends
every session of the account. Nothing under /can-bo is cached or framed.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from bot.web import officials_pages as pages
from bot.web.session import COOKIE, SESSION_S, Session, Sessions
from knowledge.officials.accounts import AccountService, AccountView, LoginGuard, Permission
from knowledge.shared.wording import say, text

PREFIX = "/can-bo"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'none'"
    ),
}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
OFFICIAL = web.RequestKey("official", AccountView)
SESSION = web.RequestKey("officials_session", Session)


@dataclass
class Gate:
    """The accounts, the sessions, the login's brakes, and what each route needs."""

    accounts: AccountService
    sessions: Sessions
    logins: LoginGuard = field(default_factory=LoginGuard)
    permissions: dict[tuple[str, str], Permission] = field(default_factory=dict)
    csrf_in_handler: set[tuple[str, str]] = field(default_factory=set)

    def add(
        self,
        app: web.Application,
        method: str,
        path: str,
        handler: Handler,
        permission: Permission | None,
        *,
        csrf_in_handler: bool = False,
    ) -> None:
        """A route under /can-bo; ``permission`` None: open to anyone (the login itself)."""
        app.router.add_route(method, path, handler)
        if permission is not None:
            self.permissions[(method, path)] = permission
        if csrf_in_handler:
            self.csrf_in_handler.add((method, path))


GATE = web.AppKey("officials_gate", Gate)


def official_of(request: web.Request) -> AccountView:
    """The logged-in official; only for routes added with a permission."""
    return request[OFFICIAL]


def csrf_of(request: web.Request) -> str:
    return request.app[GATE].sessions.csrf_token(request[SESSION])


def csrf_valid(request: web.Request, token: object) -> bool:
    return request.app[GATE].sessions.csrf_valid(request.get(SESSION), token)


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path != PREFIX and not request.path.startswith(PREFIX + "/"):
        return await handler(request)
    gate = request.app[GATE]
    session = gate.sessions.read(request.cookies.get(COOKIE, ""))
    official = await _account(gate, session)
    if session is not None:
        request[SESSION] = session
    if official is not None:
        request[OFFICIAL] = official
    response = await _checked(request, handler, gate, official)
    response.headers.update(SECURITY_HEADERS)
    return response


async def _account(gate: Gate, session: Session | None) -> AccountView | None:
    if session is None or session.account_id is None:
        return None
    account = await asyncio.to_thread(gate.accounts.get, session.account_id)
    if account is None or account.disabled or account.session_epoch != session.epoch:
        return None
    return account


async def _checked(
    request: web.Request, handler: Handler, gate: Gate, official: AccountView | None
) -> web.StreamResponse:
    resource = request.match_info.route.resource
    route = (request.method, resource.canonical if resource is not None else request.path)
    needed = gate.permissions.get(route)
    api = request.path.startswith(f"{PREFIX}/api/")
    if needed is not None and official is None:
        if api:
            return json_error(text("accounts.api_login"), 401)
        return await login_response(request, error=text("accounts.session_ended"), status=401)
    if needed is not None and official is not None and not official.may(needed):
        return refused(request, text("accounts.not_allowed"))
    if request.method == "POST" and route not in gate.csrf_in_handler:
        token = request.headers.get(CSRF_HEADER) if api else (await request.post()).get(CSRF_FIELD)
        if not gate.sessions.csrf_valid(request.get(SESSION), token):
            if api:
                return json_error(text("accounts.api_csrf"), 403)
            if official is None:
                return await login_response(
                    request, error=text("accounts.form_expired"), status=403
                )
            return refused(request, text("accounts.form_expired"))
    return await handler(request)


def refused(request: web.Request, reason: str) -> web.Response:
    if request.path.startswith(f"{PREFIX}/api/"):
        return json_error(reason, 403)
    return html(pages.message_page(text("web.not_done"), reason), 403)


# --- login and logout ---------------------------------------------------------------------------


async def login_response(
    request: web.Request, *, error: str = "", notice: str = "", status: int = 200
) -> web.Response:
    """The login form, under a fresh pre-login session when the request has none."""
    gate = request.app[GATE]
    session, cookie = request.get(SESSION), None
    if session is None or session.account_id is not None:
        session, cookie = gate.sessions.issue()
    accounts = await asyncio.to_thread(gate.accounts.all)
    body = pages.login_page(
        csrf=gate.sessions.csrf_token(session),
        error=error,
        notice=notice,
        first_admin=not accounts,
    )
    response = html(body, status)
    if cookie is not None:
        set_session_cookie(response, cookie, request)
    return response


async def login(request: web.Request) -> web.Response:
    gate = request.app[GATE]
    form = await request.post()
    name, password = form.get("ten"), form.get("mat_khau")
    if not isinstance(name, str) or not isinstance(password, str):
        return await login_response(request, error=text("accounts.wrong_login"), status=400)
    wait_s = gate.logins.wait_s(name, request.remote or "")
    if wait_s > 0:
        locked = say("accounts.locked", minutes=max(1, math.ceil(wait_s / 60)))
        return await login_response(request, error=locked, status=429)
    account = await asyncio.to_thread(gate.accounts.authenticate, name, password)
    if account is None:
        gate.logins.failed(name)
        return await login_response(request, error=text("accounts.wrong_login"), status=401)
    gate.logins.succeeded(name)
    _, cookie = gate.sessions.issue(account.id, account.session_epoch)
    response = see_other(PREFIX)
    set_session_cookie(response, cookie, request)
    return response


async def logout(request: web.Request) -> web.Response:
    """Ends every session of the account (this browser's and any other)."""
    official = request.get(OFFICIAL)
    if official is not None:
        await asyncio.to_thread(request.app[GATE].accounts.end_sessions, official.id)
    response = see_other(f"{PREFIX}?thong_bao=dang-xuat")
    response.del_cookie(COOKIE, path=PREFIX)
    return response


async def session_api(request: web.Request) -> web.Response:
    """For scripts: who is logged in, and the CSRF token the API's writes need."""
    gate = request.app[GATE]
    session, cookie = request.get(SESSION), None
    if session is None:
        session, cookie = gate.sessions.issue()
    official = request.get(OFFICIAL)
    account = (
        None
        if official is None
        else {"name": official.name, "role": official.role.value, "locality": official.locality}
    )
    response = web.json_response({"account": account, "csrf": gate.sessions.csrf_token(session)})
    if cookie is not None:
        set_session_cookie(response, cookie, request)
    return response


def set_session_cookie(response: web.StreamResponse, cookie: str, request: web.Request) -> None:
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=SESSION_S,
        path=PREFIX,
        httponly=True,
        samesite="Strict",
        secure=request.secure,
    )


# --- responses ------------------------------------------------------------------------------------


def html(body: str, status: int = 200) -> web.Response:
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")


def json_error(message: str, status: int) -> web.Response:
    return web.json_response({"error": message}, status=status)


def see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})
