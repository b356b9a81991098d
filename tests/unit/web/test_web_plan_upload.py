"""Officials add a plan on the page /can-bo/ke-hoach: upload a file, see what was read, publish
it (or not), withdraw it; then the assistant's actions answer from the new plan. Into a copy of
the shipped sources and a database of the test's own, never knowledge/plans/sources."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from aiohttp import ClientResponse, FormData
from aiohttp.test_utils import TestClient, TestServer

from actions.plans import actions as plan_actions
from bot.web import officials as web_officials
from bot.web.server import create_app
from knowledge.plans.build import build
from knowledge.plans.manifest import load_manifests
from knowledge.plans.search import invalidate
from knowledge.plans.service import list_plans
from knowledge.shared.db import get_engine
from knowledge.shared.periods import VIETNAM_TZ
from tests.fakes import FakeClock
from tests.plan_copies import KEPT, copy_plans
from tests.unit.actions.test_plans_actions import Conversation
from tests.unit.officials.accounts_fakes import HANDLER, cheap_hashes, make_accounts
from tests.unit.plans.formats import builders
from tests.unit.web.web_fakes import csrf, log_in, post_form

REPO = Path(__file__).resolve().parents[3]
NEW_PLAN = REPO / "tests" / "plans" / "laichau-tieuchuan-2025.txt"
NEW_SLUG = "lai-chau-7360-2025"
# Two small shipped plans are enough beside the new one, and rebuild fast.
SHIPPED = len(KEPT)
WITHDRAWN = KEPT[0]
# Two tasks, one without a lead: read too poorly to publish without a second confirmation.
POORLY_READ = """ỦY BAN NHÂN DÂN TỈNH LAI CHÂU
KẾ HOẠCH
Kiểm soát thủ tục hành chính năm 2025
II. NHIỆM VỤ CỤ THỂ
| STT | Nội dung công việc | Cơ quan chủ trì | Cơ quan phối hợp | Thời hạn |
| 1 | Rà soát quy trình nội bộ giải quyết thủ tục | Sở Nội vụ | Các sở, ngành | Quý III/2025 |
| 2 | Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính |  |  | Năm 2025 |
"""


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A copy of shipped plan documents: where the page publishes in these tests."""
    return copy_plans(tmp_path)


@pytest.fixture
def database_url(tmp_path: Path, sources: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A knowledge base built from ``sources``, which the actions read too (DATABASE_URL)."""
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    engine = get_engine(url)
    build(engine, manifests=load_manifests(sources))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setattr(plan_actions, "today", lambda: date(2025, 12, 1))
    cheap_hashes(monkeypatch)
    make_accounts(engine)
    yield url
    invalidate(engine)


def environ(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "VAR_DIR": str(tmp_path / "var")}


@pytest.fixture
async def officials_page(
    database_url: str, sources: Path, tmp_path: Path
) -> AsyncIterator[TestClient]:
    """The web app publishing into ``sources``, logged in as an admin."""
    clock = FakeClock(datetime(2025, 12, 1, 9, 0, tzinfo=VIETNAM_TZ))
    app = create_app(environ(database_url, tmp_path), clock=clock, plan_sources=sources)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    assert (await log_in(client)).status == 303
    yield client
    await client.close()


async def upload(client: TestClient, name: str, content: bytes, **fields: str) -> ClientResponse:
    """The upload form as the page sends it: the CSRF field first, then the file."""
    form = FormData(quote_fields=False)  # as browsers send a file's name: not %-quoted
    form.add_field("csrf", await csrf(client))
    form.add_field("tep", content, filename=name, content_type="application/octet-stream")
    for key, value in fields.items():
        form.add_field(key, value)
    return await client.post("/can-bo/ke-hoach/tai-len", data=form)


def hidden_token(page: str) -> str:
    match = re.search(r'name="ma" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def new_plan_docx() -> bytes:
    return builders.docx_from_text(NEW_PLAN.read_text(encoding="utf-8"))


async def test_upload_preview_publish_then_the_assistant_answers_from_the_new_plan(
    officials_page: TestClient, sources: Path, database_url: str
) -> None:
    plans_page = await officials_page.get("/can-bo/ke-hoach")
    assert plans_page.status == 200
    listed = await plans_page.text()
    assert 'enctype="multipart/form-data"' in listed and f"({SHIPPED})" in listed

    preview = await upload(officials_page, "KH 7360 Lai Chau.docx", new_plan_docx())
    assert preview.status == 200
    shown = await preview.text()
    assert "Đã đọc “KH 7360 Lai Chau.docx” (docx)" in shown
    assert "7360/KH-UBND" in shown and "19/11/2025" in shown and "cấp tỉnh" in shown
    assert re.search(r"<strong>\d+</strong> nhiệm vụ", shown)
    assert "Sở Khoa học và Công nghệ" in shown  # a sample task's lead
    assert "Tên đơn vị chưa có trong danh mục" in shown
    assert ">Đăng kế hoạch</button>" in shown and "Vẫn đăng" not in shown
    assert not (sources / f"{NEW_SLUG}.txt").exists()  # nothing published by a preview
    assert NEW_SLUG not in {plan.slug for plan in list_plans(get_engine(database_url))}

    published = await post_form(officials_page, "/can-bo/ke-hoach/dang", ma=hidden_token(shown))
    assert published.status == 303
    after = await officials_page.get(published.headers["Location"])
    page = await after.text()
    assert f"Đã đăng kế hoạch “{NEW_SLUG}”" in page and f"({SHIPPED + 1})" in page
    assert (sources / f"{NEW_SLUG}.txt").exists()
    assert NEW_SLUG in {plan.slug for plan in list_plans(get_engine(database_url))}

    question = "ai chủ trì rà soát văn bản quy phạm pháp luật về tiêu chuẩn ở tỉnh Lai Châu"
    answer = await asyncio.to_thread(Conversation().say, "ask_task_responsible", question)
    reply = answer["text"]
    assert "Đơn vị chủ trì: Sở Khoa học và Công nghệ" in reply
    assert "Nguồn: Kế hoạch số 7360/KH-UBND ngày 19/11/2025, UBND tỉnh Lai Châu" in reply
    assert "python -m" not in reply and "tệp" not in reply  # no trace of how it was added

    # The same preview cannot be published twice.
    again = await post_form(
        officials_page, "/can-bo/ke-hoach/dang", ma=hidden_token(shown), follow=True
    )
    assert again.status == 410 and "gửi lại tệp" in await again.text()


async def test_upload_withdraw_needs_its_confirmation_and_leaves_other_plans(
    officials_page: TestClient, sources: Path, database_url: str
) -> None:
    engine = get_engine(database_url)
    before = {plan.slug: plan.tasks for plan in list_plans(engine)}
    unconfirmed = await post_form(officials_page, f"/can-bo/ke-hoach/{WITHDRAWN}/go", follow=True)
    assert unconfirmed.status == 400 and "xác nhận" in await unconfirmed.text()
    assert (sources / f"{WITHDRAWN}.txt").exists()
    withdrawn = await post_form(officials_page, f"/can-bo/ke-hoach/{WITHDRAWN}/go", xac_nhan="1")
    assert withdrawn.status == 303
    page = await (await officials_page.get(withdrawn.headers["Location"])).text()
    assert f"Đã gỡ kế hoạch “{WITHDRAWN}”" in page
    assert not (sources / f"{WITHDRAWN}.txt").exists()
    after = {plan.slug: plan.tasks for plan in list_plans(engine)}
    assert after == {slug: tasks for slug, tasks in before.items() if slug != WITHDRAWN}
    unknown = await post_form(
        officials_page, "/can-bo/ke-hoach/khong-co/go", xac_nhan="1", follow=True
    )
    assert unknown.status == 404 and "khong-co" in await unknown.text()


async def test_upload_of_a_poorly_read_plan_is_published_only_by_the_second_button(
    officials_page: TestClient, sources: Path
) -> None:
    preview = await upload(officials_page, "kiem-soat-tthc.txt", POORLY_READ.encode())
    shown = await preview.text()
    assert preview.status == 200, shown
    assert "Chỉ đọc được 2 nhiệm vụ" in shown
    assert "Vẫn đăng kế hoạch" in shown and ">Đăng kế hoạch</button>" not in shown
    token = hidden_token(shown)
    refused = await post_form(officials_page, "/can-bo/ke-hoach/dang", ma=token, follow=True)
    assert refused.status == 409 and "đọc chưa tốt" in await refused.text()
    assert not any(p.name.startswith("lai-chau") for p in sources.iterdir())
    forced = await post_form(officials_page, "/can-bo/ke-hoach/dang", ma=token, ep="1")
    assert forced.status == 303
    assert any(p.name.startswith("lai-chau") for p in sources.iterdir())


async def test_upload_cancelled_publishes_nothing(
    officials_page: TestClient, sources: Path
) -> None:
    before = sorted(p.name for p in sources.iterdir())
    preview = await upload(officials_page, "kh.docx", new_plan_docx())
    token = hidden_token(await preview.text())
    cancelled = await post_form(officials_page, "/can-bo/ke-hoach/huy", ma=token, follow=True)
    assert cancelled.status == 200 and "Đã hủy, kế hoạch chưa được đăng." in await cancelled.text()
    late = await post_form(officials_page, "/can-bo/ke-hoach/dang", ma=token, follow=True)
    assert late.status == 410
    assert sorted(p.name for p in sources.iterdir()) == before


async def test_upload_refuses_a_duplicate_and_an_unreadable_file_with_their_reason(
    officials_page: TestClient, sources: Path
) -> None:
    shipped = (sources / "longdiena-cchc-2023.txt").read_text(encoding="utf-8")
    duplicate = await upload(officials_page, "ban-sao.docx", builders.docx_from_text(shipped))
    assert duplicate.status == 422
    assert "cùng nội dung với kế hoạch đã có “longdiena-cchc-2023”" in await duplicate.text()
    broken = await upload(officials_page, "hong.pdf", b"%PDF-1.4 not really")
    assert broken.status == 422 and "hong.pdf" in await broken.text()
    empty = await upload(officials_page, "trong.docx", b"", nam="2025")
    assert empty.status == 400 and "chưa chọn tệp" in await empty.text()
    not_multipart = await post_form(
        officials_page, "/can-bo/ke-hoach/tai-len", nam="2025", follow=True
    )
    assert not_multipart.status == 400 and "không hợp lệ" in await not_multipart.text()


async def test_upload_is_bounded_at_the_http_layer(
    officials_page: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Beyond aiohttp's default 1 MB body but within the limit: the file reaches the reader.
    large = await upload(officials_page, "lon.pdf", b"%PDF-1.4\n" + b"0" * 3_000_000)
    assert large.status == 422 and "lon.pdf" in await large.text()
    monkeypatch.setattr(web_officials, "UPLOAD_MAX_BYTES", 1000)
    monkeypatch.setattr(web_officials, "_FORM_OVERHEAD", 100_000)  # so the stream is counted
    streamed = await upload(officials_page, "lon.txt", b"x" * 5000)
    assert streamed.status == 413 and "Tệp quá lớn" in await streamed.text()
    monkeypatch.setattr(web_officials, "_FORM_OVERHEAD", 0)
    declared = await upload(officials_page, "lon.txt", b"x" * 5000)
    assert declared.status == 413


async def test_upload_and_withdraw_need_an_admin_account(
    database_url: str, sources: Path, tmp_path: Path
) -> None:
    app = create_app(environ(database_url, tmp_path), plan_sources=sources)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        before = sorted(p.name for p in sources.iterdir())
        page = await client.get("/can-bo/ke-hoach")
        assert page.status == 401 and "Phản ánh" not in await page.text()
        assert (await upload(client, "kh.docx", new_plan_docx())).status == 401
        withdraw = await post_form(client, f"/can-bo/ke-hoach/{WITHDRAWN}/go", xac_nhan="1")
        assert withdraw.status == 401
        # A handler reads the plans but may neither add nor withdraw one.
        assert (await log_in(client, HANDLER)).status == 303
        listed = await (await client.get("/can-bo/ke-hoach")).text()
        assert WITHDRAWN in listed and "tai-len" not in listed and "Gỡ kế hoạch" not in listed
        refused = await upload(client, "kh.docx", new_plan_docx())
        assert refused.status == 403 and "không có quyền" in await refused.text()
        withdraw = await post_form(client, f"/can-bo/ke-hoach/{WITHDRAWN}/go", xac_nhan="1")
        assert withdraw.status == 403
        assert sorted(p.name for p in sources.iterdir()) == before
