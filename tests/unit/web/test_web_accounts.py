"""Officials' accounts on the web page, through aiohttp's test client: what each role may do,
CSRF on every form, the login's lockout, disabled accounts, the audit log, each official's own
locality first, and confirmations shown where the official is looking."""

from __future__ import annotations

import re
from pathlib import Path

from aiohttp.test_utils import TestClient

from bot.web.session import SESSION_S, Session, Sessions, session_secret
from knowledge.feedback import FeedbackService
from knowledge.officials.accounts import FAILURES_BEFORE_LOCK, AccountService, AccountView
from knowledge.shared.db import get_engine
from tests.fakes import FakeClock
from tests.unit.officials.accounts_fakes import ADMIN, HANDLER, HANDLER_LOCALITY, PASSWORD, VIEWER
from tests.unit.officials.officials_fakes import complaint
from tests.unit.web.web_fakes import ClientFactory, csrf, log_in, post_form, post_json

SECRET = "khoa-bi-mat-phien-dang-nhap-thu-nghiem-2024"


def test_account_session_cookie_expires_and_resists_forgery(clock: FakeClock) -> None:
    sessions = Sessions(SECRET, clock)
    session, cookie = sessions.issue(account_id=7, epoch=2)
    assert sessions.read(cookie) == session
    clock.advance(seconds=SESSION_S - 1)
    assert sessions.read(cookie) == session
    assert Sessions(SECRET + "-khac", clock).read(cookie) is None  # another key
    clock.advance(seconds=1)
    assert sessions.read(cookie) is None  # expired after a working day
    _, fresh = sessions.issue(account_id=1)
    _, _, signature = fresh.partition(".")
    assert sessions.read(cookie.split(".")[0] + "." + signature) is None  # spliced
    assert sessions.read("garbage") is None


def test_account_csrf_token_belongs_to_its_own_session(clock: FakeClock) -> None:
    sessions = Sessions(SECRET, clock)
    mine, _ = sessions.issue(account_id=1)
    theirs, _ = sessions.issue(account_id=1)
    token = sessions.csrf_token(mine)
    assert sessions.csrf_valid(mine, token)
    assert not sessions.csrf_valid(theirs, token)
    assert not sessions.csrf_valid(mine, "") and not sessions.csrf_valid(None, token)
    assert not sessions.csrf_valid(Session(mine.sid, 1, 0), sessions.csrf_token(theirs))


def test_account_session_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    key = session_secret({}, tmp_path)
    assert len(key) >= 32 and session_secret({}, tmp_path) == key
    assert (tmp_path / "officials_session.key").stat().st_mode & 0o777 == 0o600
    assert session_secret({"OFFICIALS_SESSION_SECRET": SECRET}, tmp_path) == SECRET


async def test_web_account_first_admin_is_explained_on_a_fresh_install(
    client: TestClient,
) -> None:
    page = await (await client.get("/can-bo")).text()
    assert "python -m knowledge officials add" in page and "--role admin" in page


async def test_web_account_viewer_reads_but_cannot_change_a_complaint(
    client: TestClient, accounts: dict[str, AccountView], feedback: FeedbackService
) -> None:
    code = feedback.submit(complaint("telegram:777001"))
    assert (await log_in(client, VIEWER)).status == 303
    page = await (await client.get("/can-bo")).text()
    assert code in page and "chi.xem · Xem" in page
    assert "/xong" not in page and "/tra-loi" not in page and "/chuyen" not in page
    assert 'id="nhat-ky"' not in page  # the audit log is the admins'
    for action, fields in (("xong", {}), ("tra-loi", {"noi_dung": "Đã xử lý."})):
        refused = await post_form(client, f"/can-bo/phan-anh/{code}/{action}", **fields)
        assert refused.status == 403
        assert "không có quyền" in await refused.text()
    refused = await post_json(client, f"/can-bo/api/phan-anh/{code}/chuyen", {"cho": HANDLER})
    assert refused.status == 403
    (item,) = feedback.inbox(status=None)
    assert (item.status, item.reply) == ("new", None)


async def test_web_account_forms_without_the_sessions_csrf_token_are_refused(
    client: TestClient,
    make_client: ClientFactory,
    accounts: dict[str, AccountView],
    feedback: FeedbackService,
) -> None:
    code = feedback.submit(complaint("telegram:777001"))
    await log_in(client, HANDLER)
    missing = await client.post(f"/can-bo/phan-anh/{code}/xong", data={"trang_thai": "new"})
    assert missing.status == 403 and "Biểu mẫu đã hết hạn" in await missing.text()
    other = await make_client()  # another browser's session, and its token
    await log_in(other, HANDLER)
    stolen = await client.post(f"/can-bo/phan-anh/{code}/xong", data={"csrf": await csrf(other)})
    assert stolen.status == 403
    api = await client.post(f"/can-bo/api/phan-anh/{code}/xong")  # no X-CSRF-Token
    assert api.status == 403 and "X-CSRF-Token" in (await api.json())["error"]
    forged_login = await client.post(
        "/can-bo/dang-nhap", data={"ten": ADMIN, "mat_khau": PASSWORD}, allow_redirects=False
    )
    assert forged_login.status == 403
    assert feedback.inbox()[0].status == "new"
    done = await post_form(client, f"/can-bo/phan-anh/{code}/xong")
    assert done.status == 303


async def test_web_account_locks_after_repeated_wrong_passwords(
    client: TestClient, accounts: dict[str, AccountView]
) -> None:
    for _ in range(FAILURES_BEFORE_LOCK):
        assert (await log_in(client, HANDLER, "mat-khau-sai-roi")).status == 401
    locked = await log_in(client, HANDLER)  # the right password, too late
    assert locked.status == 429
    assert "Vui lòng thử lại sau 15 phút." in await locked.text()
    assert (await client.get("/can-bo/api/phan-anh")).status == 401
    assert (await log_in(client, VIEWER)).status == 303  # other accounts are not locked


async def test_web_account_disabled_or_logged_out_ends_its_sessions_everywhere(
    client: TestClient,
    make_client: ClientFactory,
    accounts: dict[str, AccountView],
    database_url: str,
) -> None:
    other = await make_client()
    await log_in(client, HANDLER)
    await log_in(other, HANDLER)
    await post_form(client, "/can-bo/dang-xuat")
    assert (await other.get("/can-bo/api/phan-anh")).status == 401
    await log_in(client, VIEWER)
    assert (await client.get("/can-bo/api/phan-anh")).status == 200
    AccountService(get_engine(database_url)).disable(VIEWER)
    assert (await client.get("/can-bo/api/phan-anh")).status == 401
    assert (await log_in(client, VIEWER)).status == 401


async def test_web_audit_log_shows_admins_who_replied_reassigned_and_closed(
    client: TestClient,
    make_client: ClientFactory,
    accounts: dict[str, AccountView],
    feedback: FeedbackService,
) -> None:
    code = feedback.submit(complaint("telegram:777001"))
    await log_in(client, HANDLER)
    path = f"/can-bo/phan-anh/{code}"
    replied = await post_form(client, f"{path}/tra-loi", noi_dung="Đã chuyển Phòng Tài nguyên.")
    assert replied.status == 303
    moved = await post_form(client, f"{path}/chuyen", cho=ADMIN, trang_thai="tat-ca")
    assert moved.status == 303
    # The confirmation is shown in the complaint's own place, where the official was.
    page = await (await client.get(moved.headers["Location"])).text()
    article = page[page.index(f'<article class="complaint" id="{code}">') :]
    article = article[: article.index("</article>")]
    assert f"Đã chuyển phản ánh {code} cho {ADMIN}." in article and 'id="thong-bao"' in article
    assert f"Giao cho {ADMIN}" in article
    assert (await post_form(client, f"{path}/xong")).status == 303
    assert 'id="nhat-ky"' not in page
    admin = await make_client()
    await log_in(admin, ADMIN)
    shown = await (await admin.get("/can-bo")).text()
    log = shown[shown.index('id="nhat-ky"') :]
    rows = re.findall(r"<tr><td>[^<]+</td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td>", log)
    assert rows == [
        (HANDLER, "Đóng phản ánh", code),
        (HANDLER, "Chuyển phản ánh", code),
        (HANDLER, "Trả lời phản ánh", code),
    ]


async def test_web_account_inbox_shows_the_own_locality_first_with_a_filter(
    client: TestClient, accounts: dict[str, AccountView], feedback: FeedbackService
) -> None:
    first, second = (feedback.submit(complaint(f"web-{n}")) for n in range(2))
    await log_in(client, ADMIN)
    await post_form(client, f"/can-bo/phan-anh/{second}/chuyen", cho=HANDLER)
    await post_form(client, "/can-bo/dang-xuat")
    await log_in(client, HANDLER)
    page = await (await client.get("/can-bo")).text()
    assert f"xu.ly · Xử lý phản ánh · địa bàn {HANDLER_LOCALITY}" in page
    assert page.index(f'id="{second}"') < page.index(f'id="{first}"')  # own locality first
    only_mine = await (await client.get("/can-bo", params={"dia_ban": HANDLER_LOCALITY})).text()
    assert f'id="{second}"' in only_mine and f'id="{first}"' not in only_mine
    api = await (await client.get("/can-bo/api/phan-anh")).json()
    assert [i["code"] for i in api["items"]] == [second, first]
    assert api["items"][0]["locality"] == HANDLER_LOCALITY


async def test_web_account_calendar_opens_on_the_own_locality(
    client: TestClient, accounts: dict[str, AccountView]
) -> None:
    await log_in(client, HANDLER)
    page = await (await client.get("/can-bo?thang=2024-03")).text()
    calendar = page[page.index('id="lich"') : page.index('id="sap-toi"')]
    assert f"Lịch hạn báo cáo tháng 3/2024 – {HANDLER_LOCALITY}" in calendar
    assert "Báo cáo CCHC quý I năm 2024" in calendar  # Hưng Yên city's own plan
    assert "Báo cáo kết quả kiểm tra hằng quý" not in calendar  # Hà Nội's
    everywhere = await (await client.get("/can-bo?thang=2024-03&lich=tat-ca")).text()
    assert "Báo cáo kết quả kiểm tra hằng quý" in everywhere
