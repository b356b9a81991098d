"""Officials' named accounts: roles, argon2 password hashes, and the login's brakes.

Three roles, each with the rights of the one before it: a *viewer* reads the calendar, the
inbox and the plans; a *handler* also replies to, reassigns and closes complaints; an *admin*
also adds and withdraws plans and manages accounts. Every channel (the web page, Telegram)
asks :func:`allows` before acting.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile);
a hash made with older parameters is replaced at the next successful login. An account may
carry a Telegram user id: that is how the officials' Telegram commands know who is asking.
"""

from __future__ import annotations

import enum
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from knowledge.officials.models import LOCALITY_MAX, Account
from knowledge.shared.clock import Clock, utc_now
from knowledge.shared.db import session_scope
from knowledge.shared.ratelimit import SlidingWindowLimiter
from knowledge.shared.schema import SchemaGuard
from knowledge.shared.wording import say, text

PASSWORD_MIN = 12
PASSWORD_MAX = 256  # argon2 hashes anything, but a megabyte "password" is an attack
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
# argon2id with RFC 9106's low-memory profile (argon2-cffi's defaults). Module-wide so that
# tests can swap in cheaper parameters; the stored hash names its own parameters.
HASHER = PasswordHasher()
# Verified when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASHES: dict[int, str] = {}


class Role(enum.StrEnum):
    VIEWER = "viewer"
    HANDLER = "handler"
    ADMIN = "admin"


class Permission(enum.Enum):
    READ = "read"  # the calendar, the inbox, the plans
    HANDLE = "handle"  # reply to, reassign, close complaints
    PLANS = "plans"  # add and withdraw plans
    ACCOUNTS = "accounts"  # add and disable accounts, read the audit log


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset({Permission.READ}),
    Role.HANDLER: frozenset({Permission.READ, Permission.HANDLE}),
    Role.ADMIN: frozenset(Permission),
}


def allows(role: Role, permission: Permission) -> bool:
    return permission in _GRANTS[role]


@dataclass(frozen=True)
class AccountView:
    """An account as the channels see it: never the password hash."""

    id: int
    name: str
    role: Role
    locality: str | None
    telegram_id: int | None
    disabled: bool
    session_epoch: int

    def may(self, permission: Permission) -> bool:
        return not self.disabled and allows(self.role, permission)


class AccountError(Exception):
    """An account cannot be made or changed as asked; ``str()`` is Vietnamese."""


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _dummy_hash() -> str:
    if id(HASHER) not in _DUMMY_HASHES:
        _DUMMY_HASHES[id(HASHER)] = HASHER.hash("not-an-account-password")
    return _DUMMY_HASHES[id(HASHER)]


def normalize_name(name: str) -> str:
    return name.strip().lower()


def check_new_account(name: str, password: str, locality: str | None) -> None:
    """AccountError naming what is wrong with a new account's fields."""
    if not _NAME.fullmatch(name):
        raise AccountError(text("accounts.bad_name"))
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise AccountError(say("accounts.bad_password", minimum=PASSWORD_MIN))
    if locality is not None and len(locality) > LOCALITY_MAX:
        raise AccountError(say("accounts.bad_locality", maximum=LOCALITY_MAX))


class AccountService:
    """The accounts of one database. Synchronous: channels call it in a worker thread."""

    def __init__(self, engine: Engine, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._clock = clock
        self._schema = SchemaGuard(engine, [Account])

    def create(
        self,
        name: str,
        password: str,
        role: Role,
        locality: str | None = None,
        telegram_id: int | None = None,
    ) -> AccountView:
        name, locality = normalize_name(name), (locality or "").strip() or None
        check_new_account(name, password, locality)
        if telegram_id is not None and telegram_id <= 0:
            raise AccountError(text("accounts.bad_telegram_id"))
        self._schema.ensure()
        row = Account(
            name=name,
            password_hash=hash_password(password),
            role=role.value,
            locality=locality,
            telegram_id=telegram_id,
            disabled=False,
            session_epoch=0,
            created_at=self._clock(),
        )
        try:
            with session_scope(self._engine) as session:
                session.add(row)
                session.flush()
                return _view(row)
        except IntegrityError:
            raise AccountError(say("accounts.taken", name=name)) from None

    def authenticate(self, name: str, password: str) -> AccountView | None:
        """The account when ``password`` is its own and it is not disabled; else None."""
        self._schema.ensure()
        with session_scope(self._engine) as session:
            row = session.scalar(select(Account).where(Account.name == normalize_name(name)))
            if row is None or len(password) > PASSWORD_MAX:
                password_matches(_dummy_hash(), password[:PASSWORD_MAX])
                return None
            if not password_matches(row.password_hash, password) or row.disabled:
                return None
            if HASHER.check_needs_rehash(row.password_hash):
                row.password_hash = hash_password(password)
            return _view(row)

    def get(self, account_id: int) -> AccountView | None:
        return self._one(Account.id == account_id)

    def by_name(self, name: str) -> AccountView | None:
        return self._one(Account.name == normalize_name(name))

    def by_telegram(self, telegram_id: int) -> AccountView | None:
        """The enabled account carrying this Telegram user id."""
        found = self._one(Account.telegram_id == telegram_id)
        return None if found is None or found.disabled else found

    def all(self) -> list[AccountView]:
        self._schema.ensure()
        with session_scope(self._engine) as session:
            return [_view(row) for row in session.scalars(select(Account).order_by(Account.name))]

    def telegram_ids(self) -> frozenset[int]:
        """The Telegram user ids of the enabled accounts: who sees the officials' commands."""
        return frozenset(
            a.telegram_id for a in self.all() if a.telegram_id is not None and not a.disabled
        )

    def disable(self, name: str) -> AccountView:
        """The account can no longer log in, and its sessions end at once."""
        return self._change(name, _disable)

    def end_sessions(self, account_id: int) -> None:
        """Every session cookie issued to the account so far stops counting (a logout)."""
        self._schema.ensure()
        with session_scope(self._engine) as session:
            row = session.get(Account, account_id)
            if row is not None:
                row.session_epoch += 1

    def _change(self, name: str, change: Callable[[Account], None]) -> AccountView:
        self._schema.ensure()
        with session_scope(self._engine) as session:
            row = session.scalar(select(Account).where(Account.name == normalize_name(name)))
            if row is None:
                raise AccountError(say("accounts.no_such_account", name=name))
            change(row)
            return _view(row)

    def _one(self, condition: object) -> AccountView | None:
        self._schema.ensure()
        with session_scope(self._engine) as session:
            row = session.scalar(select(Account).where(condition))  # type: ignore[arg-type]
            return None if row is None else _view(row)


def _disable(row: Account) -> None:
    row.disabled = True
    row.session_epoch += 1


def _view(row: Account) -> AccountView:
    return AccountView(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        locality=row.locality,
        telegram_id=row.telegram_id,
        disabled=row.disabled,
        session_epoch=row.session_epoch,
    )


# --- the login's brakes ---------------------------------------------------------------------------

LOGINS_PER_CLIENT = 20  # attempts from one address ...
LOGIN_WINDOW_S = 10 * 60  # ... within ten minutes
FAILURES_BEFORE_LOCK = 5  # wrong passwords for one account ...
LOCK_S = 15 * 60  # ... lock it for fifteen minutes after the first of them


class LoginGuard:
    """Rate limiting per client address and lockout per account name, over the project's
    sliding-window limiter. In this process's memory: a restart lifts them."""

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        kwargs = {} if clock is None else {"clock": clock}
        self._clients = SlidingWindowLimiter(LOGINS_PER_CLIENT, LOGIN_WINDOW_S, **kwargs)
        self._failures = SlidingWindowLimiter(FAILURES_BEFORE_LOCK, LOCK_S, **kwargs)
        self._lock = threading.Lock()

    def wait_s(self, name: str, client: str) -> float:
        """Seconds before this attempt may be tried; 0 lets it through (and counts it)."""
        with self._lock:
            locked = self._failures.retry_after(normalize_name(name))
            if locked > 0:
                return locked
            if not self._clients.allow(client):
                return self._clients.retry_after(client)
            return 0.0

    def failed(self, name: str) -> None:
        with self._lock:
            self._failures.allow(normalize_name(name))

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.forget(normalize_name(name))
