"""The dossier table (hồ sơ thủ tục hành chính) on the shared declarative base.

It holds the applicant's personal data, so nothing reads it for the assistant except
:mod:`knowledge.dossiers.store`, which keeps only what may be shown. The knowledge-base build
never deletes it: it replaces the plan tables only.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, Engine, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.shared.models import Base
from knowledge.shared.schema import SchemaGuard

STATUS_LABELS: dict[str, str] = {
    "received": "Đã tiếp nhận",
    "processing": "Đang giải quyết",
    "supplement_required": "Cần bổ sung hồ sơ",
    "result_ready": "Đã có kết quả, chờ trả",
    "returned": "Đã trả kết quả",
    "rejected": "Từ chối giải quyết",
}
# Statuses after which the agency has answered; such dossiers carry ``finished_on``.
FINISHED_STATUSES = frozenset({"result_ready", "returned", "rejected"})

CHANNEL_LABELS: dict[str, str] = {
    "online": "Trực tuyến",
    "in_person": "Trực tiếp",
    "postal": "Bưu chính công ích",
}


def _one_of(column: str, values: dict[str, str]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Dossier(Base):
    """One dossier as the one-stop software records it."""

    __tablename__ = "dossiers"
    __table_args__ = (
        CheckConstraint(_one_of("status", STATUS_LABELS), name="dossier_status"),
        CheckConstraint(_one_of("channel", CHANNEL_LABELS), name="dossier_channel"),
        CheckConstraint("due_on >= received_on", name="dossier_due_after_receipt"),
        CheckConstraint("fee_vnd >= 0", name="dossier_fee"),
    )

    code: Mapped[str] = mapped_column(String(40), primary_key=True)  # canonical, see codes.py
    procedure: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(200))  # lĩnh vực
    receiving_unit: Mapped[str] = mapped_column(String(300), index=True)
    locality: Mapped[str] = mapped_column(String(200))
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_phone: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    received_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(30))
    finished_on: Mapped[date | None] = mapped_column(Date, index=True)
    fee_vnd: Mapped[int] = mapped_column(Integer, default=0)
    paid_online: Mapped[bool] = mapped_column(Boolean, default=False)
    result_by_post: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")


def create_dossier_tables(engine: Engine) -> None:
    """Bring the database to the newest schema, which holds the dossier table (idempotent,
    keeps every row)."""
    SchemaGuard(engine, [Dossier]).ensure()
