"""The officials' tables: named accounts, the audit log of what they did, and which locality
(and official) a complaint is assigned to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.shared.models import Base, UtcDateTime

ROLE_NAMES = ("viewer", "handler", "admin")
AUDIT_ACTIONS = (
    "reply",
    "reassign",
    "close",
    "plan_add",
    "plan_withdraw",
    "account_add",
    "account_disable",
)
NAME_MAX = 64
LOCALITY_MAX = 100


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Account(Base):
    """An official who logs in to the officials' page (and may use the Telegram commands)."""

    __tablename__ = "official_accounts"
    __table_args__ = (CheckConstraint(_in("role", ROLE_NAMES), name="official_accounts_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id, PHC string
    role: Mapped[str] = mapped_column(String(10))
    locality: Mapped[str | None] = mapped_column(String(LOCALITY_MAX))
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Raised by a logout: every session cookie issued before it stops counting.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AuditEntry(Base):
    """One thing an official did to a complaint, a plan or an account."""

    __tablename__ = "official_audit"
    __table_args__ = (
        CheckConstraint(_in("action", AUDIT_ACTIONS), name="official_audit_action"),
        Index("official_audit_subject", "subject"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    official: Mapped[str] = mapped_column(String(NAME_MAX))
    action: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(100))  # complaint code, plan slug, account name
    detail: Mapped[str] = mapped_column(String(300), default="")


class Assignment(Base):
    """Who handles a complaint, and so its locality: set when an official reassigns it."""

    __tablename__ = "complaint_assignments"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)  # the complaint's code
    assignee: Mapped[str] = mapped_column(String(NAME_MAX))
    locality: Mapped[str | None] = mapped_column(String(LOCALITY_MAX))
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime)
