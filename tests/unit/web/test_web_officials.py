"""The officials' web page /can-bo through the aiohttp test client: the login, the deadline
calendar from the real plans, the complaint inbox. Accounts, roles, CSRF and the audit log have
their own tests (test_web_accounts.py)."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import pytest
from aiohttp.test_utils import TestClient

from bot.web.session import COOKIE, SESSION_S
from knowledge.feedback import FeedbackService
from knowledge.officials.accounts import AccountView
from tests.fakes import FakeClock
from tests.unit.officials.accounts_fakes import ADMIN, PASSWORD
from tests.unit.officials.officials_fakes import complaint
from tests.unit.web.web_fakes import (
    ClientFactory,
    DeliveryRecorder,
    csrf,
    log_in,
    post_form,
    post_json,
)

CITIZEN_CHAT = 777_001


def set_cookie(response_headers: object) -> SimpleCookie:
    cookie = SimpleCookie()
    for header in response_headers.getall("Set-Cookie", []):  # type: ignore[attr-defined]
        cookie.load(header)
    return cookie


def day_cell(page: str, day: str) -> str:
    """The calendar cell of an ISO day."""
    match = re.search(rf'<td[^>]*><time datetime="{day}">.*?</td>', page)
    assert match, day
    return match.group(0)


async def test_web_chat_page_is_served_alongside(client: TestClient) -> None:
    page = await client.get("/")
    assert page.status == 200 and 'lang="vi"' in await page.text()
    assert (await client.get("/healthz")).status == 200


async def test_web_login_form_before_login_then_401_on_a_wrong_password(
    client: TestClient, accounts: dict[str, AccountView]
) -> None:
    form = await client.get("/can-bo")
    assert form.status == 200
    text = await form.text()
    assert 'action="/can-bo/dang-nhap"' in text and 'type="password"' in text
    assert "Phản ánh, kiến nghị" not in text
    wrong = await log_in(client, ADMIN, PASSWORD + "x")
    assert wrong.status == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in await wrong.text()
    assert "Phản ánh, kiến nghị" not in await (await client.get("/can-bo")).text()


async def test_web_login_sets_a_strict_httponly_signed_session_cookie(
    client: TestClient, accounts: dict[str, AccountView]
) -> None:
    response = await log_in(client)
    assert (response.status, response.headers["Location"]) == (303, "/can-bo")
    morsel = set_cookie(response.headers)[COOKIE]
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Strict"
    assert morsel["path"] == "/can-bo"
    assert int(morsel["max-age"]) == SESSION_S
    assert PASSWORD not in morsel.value
    page = await client.get("/can-bo")
    assert page.status == 200
    text = await page.text()
    assert "Lịch hạn báo cáo tháng 3/2024" in text and "Phản ánh, kiến nghị" in text
    assert text.index('id="phan-anh"') < text.index('id="lich"')  # the inbox comes first
    assert page.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


async def test_web_inbox_needs_a_login_and_forged_or_expired_cookies_do_not_count(
    client: TestClient,
    feedback: FeedbackService,
    clock: FakeClock,
    accounts: dict[str, AccountView],
) -> None:
    code = feedback.submit(complaint(f"telegram:{CITIZEN_CHAT}"))
    api = await client.get("/can-bo/api/phan-anh")
    assert api.status == 401
    mark = await post_form(client, f"/can-bo/phan-anh/{code}/xong")
    assert mark.status == 401
    assert feedback.inbox()[0].status == "new"  # nothing changed
    client.session.cookie_jar.update_cookies({COOKIE: "gia.mao.chu-ky"})
    page = await client.get("/can-bo")
    assert code not in await page.text()
    await log_in(client)
    assert (await client.get("/can-bo/api/phan-anh")).status == 200
    clock.advance(seconds=SESSION_S)
    assert (await client.get("/can-bo/api/phan-anh")).status == 401


async def test_web_logout_ends_the_session(logged_in: TestClient) -> None:
    assert (await logged_in.get("/can-bo/api/phan-anh")).status == 200
    out = await post_form(logged_in, "/can-bo/dang-xuat")
    assert out.status == 303
    page = await (await logged_in.get(out.headers["Location"])).text()
    assert "Anh/chị đã đăng xuất." in page
    assert (await logged_in.get("/can-bo/api/phan-anh")).status == 401


async def test_web_calendar_marks_the_days_of_march_2024_deadlines(logged_in: TestClient) -> None:
    page = await (await logged_in.get("/can-bo?thang=2024-03")).text()
    assert '<th scope="col">T2</th>' in page  # weeks start on Monday
    assert 'class="due"' in day_cell(page, "2024-03-05")
    assert "<li>Báo cáo CCHC quý I năm 2024</li>" in day_cell(page, "2024-03-14")
    hanoi = day_cell(page, "2024-03-15")
    assert "Báo cáo kết quả kiểm tra hằng quý" in hanoi and "Báo cáo CCHC Quý I" in hanoi
    assert "class=" not in day_cell(page, "2024-03-13")
    assert 'class="other-month"' in day_cell(page, "2024-02-26")  # March 2024 starts on Friday
    assert (
        "Nguồn: Kế hoạch Cải cách hành chính thành phố Hưng Yên năm 2024, UBND thành phố " in page
    )
    assert 'href="/can-bo?thang=2024-02&amp;lich=tat-ca#lich"' in page
    assert 'href="/can-bo?thang=2024-04&amp;lich=tat-ca#lich"' in page


async def test_web_calendar_of_a_month_with_a_dated_papi_report(logged_in: TestClient) -> None:
    page = await (await logged_in.get("/can-bo?thang=2023-10")).text()
    assert "Lịch hạn báo cáo tháng 10/2023" in page
    assert "Báo cáo cả năm: các giải pháp nâng cao Chỉ số PAPI" in day_cell(page, "2023-10-25")
    assert "Định kỳ: chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12" in page


async def test_web_dashboard_lists_upcoming_and_recurring_rules(logged_in: TestClient) -> None:
    page = await (await logged_in.get("/can-bo")).text()
    upcoming = page[page.index('id="sap-toi"') : page.index('id="dinh-ky"')]
    assert "Sắp tới (tính từ 01/03/2024)" in upcoming
    assert re.findall(r'datetime="([\d-]+)">', upcoming) == [
        "2024-03-05",
        "2024-03-14",
        "2024-03-15",
        "2024-03-15",
        "2024-06-05",
    ]
    rules = page[page.index('id="dinh-ky"') : page.index('id="nhat-ky"')]
    assert rules.count("<li>") == 3  # Hà Nội's two rules and Long Điền A's
    assert "Định kỳ: chậm nhất là ngày 15 của tháng cuối kỳ báo cáo" in rules


async def test_web_complaint_text_is_escaped_and_personal_data_masked(
    logged_in: TestClient, feedback: FeedbackService
) -> None:
    code = feedback.submit(
        complaint(
            "5f2c9a1e0b7d4c3e",
            content='Cán bộ nói "<script>alert(1)</script>" & bỏ đi.\nGọi 0987654321.',
            dossier_code="H31.29-<b>1</b>",
        )
    )
    page = await (await logged_in.get("/can-bo")).text()
    assert code in page
    assert "<script>" not in page and "<b>1</b>" not in page
    assert "Cán bộ nói &#34;&lt;script&gt;alert(1)&lt;/script&gt;&#34; &amp; bỏ đi." in page
    assert "hồ sơ H31.29-&lt;b&gt;1&lt;/b&gt;" in page
    assert "Nguyễn V** A* · 0912***678 · qua trang web" in page
    assert "0987***321" in page and "0987654321" not in page and "345 678" not in page


async def test_web_mark_handled_with_the_form(
    logged_in: TestClient, feedback: FeedbackService
) -> None:
    code = feedback.submit(complaint(f"telegram:{CITIZEN_CHAT}"))
    response = await post_form(logged_in, f"/can-bo/phan-anh/{code}/xong", trang_thai="new")
    assert response.status == 303
    assert response.headers["Location"].endswith("#thong-bao")
    page = await (await logged_in.get(response.headers["Location"])).text()
    assert f"Đã đánh dấu phản ánh {code}: Đã đóng." in page
    assert "Không có phản ánh nào ở mục này." in page  # no longer new
    (item,) = feedback.inbox(status="closed")
    assert (item.code, item.handled_by) == (code, ADMIN)


async def test_web_reply_with_the_form_goes_to_the_telegram_citizen(
    logged_in: TestClient, feedback: FeedbackService, telegram: DeliveryRecorder
) -> None:
    code = feedback.submit(complaint(f"telegram:{CITIZEN_CHAT}"))
    answer = "Hồ sơ của Anh đã được chuyển Văn phòng Đăng ký đất đai, có kết quả ngày 15/3."
    response = await post_form(
        logged_in, f"/can-bo/phan-anh/{code}/tra-loi", noi_dung=answer, trang_thai="tat-ca"
    )
    page = await (await logged_in.get(response.headers["Location"])).text()
    assert f"Đã lưu trả lời phản ánh {code} và gửi tới người dân qua Telegram." in page
    assert f"Đã trả lời lúc 01/03/2024 09:00:</strong> {answer}" in page
    (reply,) = telegram.replies
    assert (reply.sender_id, reply.text) == (f"telegram:{CITIZEN_CHAT}", answer)
    status = feedback.status(code)
    assert status is not None and status.reply == answer


async def test_web_reply_cannot_reach_telegram_without_the_bot_token(
    make_client: ClientFactory, feedback: FeedbackService, accounts: dict[str, AccountView]
) -> None:
    client = await make_client(default_delivery=True)
    await log_in(client)
    code = feedback.submit(complaint(f"telegram:{CITIZEN_CHAT}"))
    response = await post_form(client, f"/can-bo/phan-anh/{code}/tra-loi", noi_dung="Đã xử lý.")
    response = await client.get(response.headers["Location"])
    assert "chưa gửi được tới người dân qua Telegram" in await response.text()
    status = feedback.status(code)
    assert status is not None and status.reply == "Đã xử lý."


async def test_web_form_mistakes_get_vietnamese_pages(
    logged_in: TestClient, feedback: FeedbackService
) -> None:
    missing = await post_form(logged_in, "/can-bo/phan-anh/PAKN-2024-999999/xong")
    assert missing.status == 404
    assert "Không tìm thấy phản ánh có mã PAKN-2024-999999." in await missing.text()
    code = feedback.submit(complaint("5f2c9a1e0b7d4c3e"))
    empty = await post_form(logged_in, f"/can-bo/phan-anh/{code}/tra-loi", noi_dung="  ")
    assert empty.status == 400
    assert "Nội dung trả lời không được để trống." in await empty.text()


async def test_web_api_with_the_session_and_csrf_header(
    logged_in: TestClient, feedback: FeedbackService, telegram: DeliveryRecorder
) -> None:
    code = feedback.submit(complaint("5f2c9a1e0b7d4c3e"))
    listing = await (await logged_in.get("/can-bo/api/phan-anh")).json()
    (item,) = listing["items"]
    assert (item["code"], item["channel"], item["status"]) == (code, "web", "new")
    assert (item["citizen_name"], item["phone"]) == ("Nguyễn V** A*", "0912***678")
    assert item["content"].endswith("Gọi tôi: 0987***321.")
    replied = await post_json(
        logged_in, f"/can-bo/api/phan-anh/{code}/tra-loi", {"noi_dung": "Đã tiếp nhận."}
    )
    body = await replied.json()
    assert (body["delivery"], body["reply"]) == ("on_request", "Đã tiếp nhận.")
    assert f"“kiểm tra phản ánh {code}”" in body["message"]
    assert telegram.replies[0].code == code
    marked = await post_json(logged_in, f"/can-bo/api/phan-anh/{code}/xong")
    assert (await marked.json())["item"]["status"] == "closed"


@pytest.mark.parametrize(
    ("path", "payload", "status"),
    [
        ("/can-bo/api/phan-anh/PAKN-2024-999999/tra-loi", {"noi_dung": "Đã xử lý."}, 404),
        ("/can-bo/api/phan-anh/{code}/tra-loi", {"noi_dung": ""}, 400),
        ("/can-bo/api/phan-anh/{code}/tra-loi", ["Đã xử lý."], 400),
    ],
)
async def test_web_api_errors(
    logged_in: TestClient, feedback: FeedbackService, path: str, payload: object, status: int
) -> None:
    code = feedback.submit(complaint("5f2c9a1e0b7d4c3e"))
    response = await post_json(logged_in, path.format(code=code), payload)
    assert response.status == status
    assert (await response.json())["error"]


async def test_web_api_reply_refuses_a_form_body(
    logged_in: TestClient, feedback: FeedbackService
) -> None:
    # A cross-site form can post urlencoded data but not JSON: the API takes JSON only.
    code = feedback.submit(complaint("5f2c9a1e0b7d4c3e"))
    response = await logged_in.post(
        f"/can-bo/api/phan-anh/{code}/tra-loi",
        data={"noi_dung": "Đã xử lý."},
        headers={"X-CSRF-Token": await csrf(logged_in)},
    )
    assert response.status == 400
    assert feedback.status(code).reply is None  # type: ignore[union-attr]


async def test_web_deadlines_api_by_month_or_upcoming(logged_in: TestClient) -> None:
    march = await (await logged_in.get("/can-bo/api/han-bao-cao?thang=2024-03")).json()
    assert [(d["date"], d["document"]) for d in march["deadlines"]] == [
        ("2024-03-05", "longdiena-cchc-2023"),
        ("2024-03-14", "hungyen-tp-cchc-2024"),
        ("2024-03-15", "hanoi-cchc-2021"),
        ("2024-03-15", "hanoi-cchc-2021"),
    ]
    assert march["deadlines"][1]["source"].endswith("UBND thành phố Hưng Yên, Mục IV.2.k")
    upcoming = await (await logged_in.get("/can-bo/api/han-bao-cao")).json()
    assert upcoming["from"] == "2024-03-01" and len(upcoming["deadlines"]) == 5
    bad = await logged_in.get("/can-bo/api/han-bao-cao?thang=2024-13")
    assert bad.status == 400


async def test_web_every_page_escapes_what_a_request_brings(logged_in: TestClient) -> None:
    # The code comes from the URL and is quoted back in the error page's text.
    missing = await post_form(logged_in, "/can-bo/phan-anh/%3Cb%3EPAKN%3C%2Fb%3E/xong")
    assert missing.status == 404
    page = await missing.text()
    assert "<b>PAKN</b>" not in page and "&lt;b&gt;PAKN&lt;/b&gt;" in page
