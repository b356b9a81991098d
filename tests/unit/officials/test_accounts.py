"""Officials' accounts without a channel: password hashing, roles, the login's brakes,
disabling, the audit log the desk writes, and each official's own locality first."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from knowledge import cli
from knowledge.feedback import FeedbackService
from knowledge.officials import OfficialsDesk
from knowledge.officials.accounts import (
    FAILURES_BEFORE_LOCK,
    LOCK_S,
    LOGINS_PER_CLIENT,
    AccountError,
    AccountService,
    LoginGuard,
    Permission,
    Role,
    allows,
)
from knowledge.officials.desk import NotAllowed
from knowledge.officials.models import Account
from knowledge.shared.db import get_engine, session_scope
from tests.fakes import FakeClock
from tests.unit.officials.accounts_fakes import (
    ADMIN,
    HANDLER,
    HANDLER_LOCALITY,
    PASSWORD,
    VIEWER,
    cheap_hashes,
    make_accounts,
)
from tests.unit.officials.officials_fakes import complaint


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashes(monkeypatch)


def stored_hash(engine: Engine, name: str) -> str:
    with session_scope(engine) as session:
        return session.scalars(select(Account.password_hash).where(Account.name == name)).one()


def test_account_password_is_stored_as_an_argon2id_hash_and_checked(engine: Engine) -> None:
    # The real parameters here (the other tests use cheap ones to stay quick).
    service = AccountService(engine)
    service.create("Nguyen.Van.A", PASSWORD, Role.HANDLER, locality="Hưng Yên")
    hashed = stored_hash(engine, "nguyen.van.a")
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert "m=65536,t=3,p=4" in hashed  # RFC 9106's low-memory profile
    found = service.authenticate("NGUYEN.VAN.A ", PASSWORD)  # names are not case-sensitive
    assert found is not None and (found.name, found.role) == ("nguyen.van.a", Role.HANDLER)
    assert service.authenticate("nguyen.van.a", PASSWORD + "!") is None
    assert service.authenticate("khong.co", PASSWORD) is None


def test_account_roles_each_add_to_the_one_before() -> None:
    assert [p for p in Permission if allows(Role.VIEWER, p)] == [Permission.READ]
    assert [p for p in Permission if allows(Role.HANDLER, p)] == [
        Permission.READ,
        Permission.HANDLE,
    ]
    assert all(allows(Role.ADMIN, p) for p in Permission)


@pytest.mark.usefixtures("quick")
def test_account_fields_are_checked_and_names_are_unique(engine: Engine) -> None:
    service = AccountService(engine)
    with pytest.raises(AccountError, match="12 ký tự"):
        service.create("can.bo", "ngan", Role.VIEWER)
    with pytest.raises(AccountError, match="Tên đăng nhập gồm"):
        service.create("Cán bộ A", PASSWORD, Role.VIEWER)
    service.create("can.bo", PASSWORD, Role.VIEWER, telegram_id=42)
    with pytest.raises(AccountError, match="đã có tài khoản khác"):
        service.create("CAN.BO", PASSWORD, Role.ADMIN)
    with pytest.raises(AccountError, match="đã có tài khoản khác"):
        service.create("can.bo.khac", PASSWORD, Role.ADMIN, telegram_id=42)


@pytest.mark.usefixtures("quick")
def test_account_disabled_cannot_log_in_and_its_sessions_end(engine: Engine) -> None:
    service = AccountService(engine)
    made = service.create("can.bo", PASSWORD, Role.HANDLER, telegram_id=42)
    disabled = service.disable("can.bo")
    assert disabled.disabled and disabled.session_epoch > made.session_epoch
    assert service.authenticate("can.bo", PASSWORD) is None
    assert service.by_telegram(42) is None and service.telegram_ids() == frozenset()
    assert not disabled.may(Permission.READ)


def test_account_lockout_after_repeated_wrong_passwords_then_free_again() -> None:
    now = [0.0]
    guard = LoginGuard(clock=lambda: now[0])
    for _ in range(FAILURES_BEFORE_LOCK):
        assert guard.wait_s("can.bo", "10.0.0.1") == 0
        guard.failed("can.bo")
    # Locked, even with the right password and from another address; others are not.
    assert guard.wait_s("CAN.BO", "10.0.0.2") == pytest.approx(LOCK_S)
    assert guard.wait_s("can.bo.khac", "10.0.0.1") == 0
    now[0] = LOCK_S + 1
    assert guard.wait_s("can.bo", "10.0.0.1") == 0
    guard.failed("can.bo")
    guard.succeeded("can.bo")  # a success starts the count afresh
    for _ in range(FAILURES_BEFORE_LOCK - 1):
        guard.failed("can.bo")
    assert guard.wait_s("can.bo", "10.0.0.3") == 0


def test_account_login_attempts_are_rate_limited_per_address() -> None:
    guard = LoginGuard(clock=lambda: 0.0)
    for attempt in range(LOGINS_PER_CLIENT):
        assert guard.wait_s(f"ten.{attempt}", "10.0.0.1") == 0  # a different name each time
    assert guard.wait_s("ten.moi", "10.0.0.1") > 0
    assert guard.wait_s("ten.moi", "10.0.0.2") == 0


@pytest.mark.usefixtures("quick")
async def test_audit_rows_name_who_replied_reassigned_and_closed(
    engine: Engine, clock: FakeClock
) -> None:
    accounts = make_accounts(engine)
    desk = OfficialsDesk(engine, clock=clock)
    code = FeedbackService(engine, clock).submit(complaint("5f2c9a1e0b7d4c3e"))
    handler, viewer = accounts[HANDLER], accounts[VIEWER]
    with pytest.raises(NotAllowed):
        await desk.mark_handled(code, viewer)
    with pytest.raises(NotAllowed):
        await desk.audit_log(handler)  # the log is the admins'
    await desk.reply(code, "Đã chuyển hồ sơ sang Văn phòng đăng ký đất đai.", handler)
    clock.advance(minutes=5)
    assigned = await desk.reassign(code, ADMIN, handler)
    await desk.mark_handled(code, accounts[ADMIN])
    with pytest.raises(AccountError, match=VIEWER):
        await desk.reassign(code, VIEWER, handler)  # a viewer cannot take a complaint
    rows = await desk.audit_log(accounts[ADMIN])
    assert [(r.official, r.action, r.subject) for r in rows] == [
        (ADMIN, "close", code),
        (HANDLER, "reassign", code),
        (HANDLER, "reply", code),
    ]
    assert assigned.assignee == ADMIN and rows[1].detail == ADMIN
    assert rows[1].at.strftime("%d/%m/%Y %H:%M") == "01/03/2024 09:05"  # Vietnam time
    assert rows[0].action_label == "Đóng phản ánh"


@pytest.mark.usefixtures("quick")
async def test_account_inbox_shows_the_own_locality_first_and_filters(
    engine: Engine, clock: FakeClock
) -> None:
    accounts = make_accounts(engine)
    AccountService(engine).create("ha.noi", PASSWORD, Role.HANDLER, locality="Hà Nội")
    desk = OfficialsDesk(engine, clock=clock)
    feedback = FeedbackService(engine, clock)
    hanoi, unassigned, hung_yen = (feedback.submit(complaint(f"web-{n}")) for n in range(3))
    await desk.reassign(hanoi, "ha.noi", accounts[ADMIN])
    await desk.reassign(hung_yen, HANDLER, accounts[ADMIN])
    mine = await desk.inbox(mine=HANDLER_LOCALITY)
    assert [c.code for c in mine] == [hung_yen, unassigned, hanoi]
    assert (mine[0].assignee, mine[0].locality) == (HANDLER, HANDLER_LOCALITY)
    assert [c.code for c in await desk.inbox(mine=None)] == [hanoi, unassigned, hung_yen]
    only_hanoi = await desk.inbox(mine=HANDLER_LOCALITY, locality="ha noi")  # folded alike
    assert [c.code for c in only_hanoi] == [hanoi]


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'accounts.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    cheap_hashes(monkeypatch)
    yield get_engine(url)


def test_account_command_line_adds_lists_and_disables(
    cli_database: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["officials", "check"]) == 0  # what the launcher says at every start
    assert "python -m knowledge officials add" in capsys.readouterr().err  # the first admin
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    added = ["officials", "add", "Lan", "--role", "admin", "--locality", "Hưng Yên"]
    assert cli.main([*added, "--telegram-id", "4242", "--password-stdin"]) == 0
    assert "Đã tạo tài khoản lan (admin, địa bàn: Hưng Yên)." in capsys.readouterr().out
    assert AccountService(cli_database).authenticate("lan", PASSWORD) is not None
    assert cli.main(["officials", "check"]) == 0
    assert capsys.readouterr().out == "Trang cán bộ: 1 tài khoản đang dùng.\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("ngan\n"))
    assert cli.main(["officials", "add", "binh", "--role", "viewer", "--password-stdin"]) == 64
    assert "12 ký tự" in capsys.readouterr().err
    assert cli.main(["officials", "disable", "lan"]) == 0
    assert cli.main(["officials", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].split("\t") == [
        "lan",
        "admin",
        "Hưng Yên",
        "4242",
        "đã khóa",
    ]
    assert AccountService(cli_database).authenticate("lan", PASSWORD) is None
    assert cli.main(["officials", "disable", "khong.co"]) == 64
