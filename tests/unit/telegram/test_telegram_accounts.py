"""The officials' Telegram commands on the same accounts as the web page: a Telegram user is an
official when an account carries their id, each command checks the account's role, and what
they change is in the audit log under the account's name."""

from __future__ import annotations

from dataclasses import replace

from bot.telegram.config import Settings
from bot.telegram.officials import REFUSED, refresh_officials
from knowledge.feedback import FeedbackService
from knowledge.officials.accounts import AccountService, Role
from knowledge.officials.audit import AuditLog
from knowledge.shared.db import get_engine
from tests.unit.officials.accounts_fakes import ADMIN, HANDLER, PASSWORD, VIEWER, make_accounts
from tests.unit.officials.officials_fakes import complaint
from tests.unit.telegram.telegram_fakes import USER, FakeBotApi, running, text_update

VIEWER_USER = {"id": 9101, "is_bot": False, "first_name": "Mai"}
HANDLER_USER = {"id": 9102, "is_bot": False, "first_name": "Tâm"}


async def test_telegram_account_roles_decide_what_each_official_may_do(
    settings: Settings, database_url: str, bot_api: FakeBotApi
) -> None:
    engine = get_engine(database_url)
    make_accounts(engine, **{VIEWER: VIEWER_USER["id"], HANDLER: HANDLER_USER["id"]})
    code = FeedbackService(engine).submit(complaint("telegram:777001"))
    async with running(replace(settings, database_url=database_url)) as application:
        for user, text in (
            (VIEWER_USER, "/phananh"),
            (VIEWER_USER, f"/phananh xong {code}"),
            (HANDLER_USER, f"/phananh chuyen {code} {ADMIN}"),
            (HANDLER_USER, f"/phananh xong {code}"),
        ):
            await application.process_update(text_update(application, text, user=user))
    viewer_saw, refused = bot_api.texts_to(VIEWER_USER["id"])
    assert code in viewer_saw  # a viewer reads the inbox ...
    assert refused == "Dạ, tài khoản của anh/chị không có quyền thực hiện việc này."
    assert bot_api.texts_to(HANDLER_USER["id"]) == [
        f"Dạ, đã chuyển phản ánh {code} cho {ADMIN}.",
        f"Dạ, đã đánh dấu phản ánh {code}: Đã đóng.",
    ]
    rows = AuditLog(engine).recent()
    assert [(r.official, r.action, r.subject) for r in rows] == [
        (HANDLER, "close", code),
        (HANDLER, "reassign", code),
    ]


async def test_telegram_account_added_or_disabled_counts_without_a_restart(
    settings: Settings, database_url: str, bot_api: FakeBotApi
) -> None:
    accounts = AccountService(get_engine(database_url))
    async with running(replace(settings, database_url=database_url)) as application:
        await application.process_update(text_update(application, "/hanbaocao"))
        accounts.create("lan.nguyen", PASSWORD, Role.VIEWER, telegram_id=USER["id"])
        await refresh_officials(application)  # the repeating job's work
        await application.process_update(text_update(application, "/hanbaocao"))
        accounts.disable("lan.nguyen")  # counts at once: each command reads the account
        await application.process_update(text_update(application, "/hanbaocao"))
    refused, deadlines, refused_again = bot_api.texts_to(USER["id"])
    assert refused == refused_again == REFUSED
    assert deadlines != REFUSED and "Nguồn:" in deadlines
