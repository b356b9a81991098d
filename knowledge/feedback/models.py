"""The feedback table: complaints and suggestions (phản ánh, kiến nghị) citizens file with the
assistant, and the officials' handling of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.shared.models import Base, UtcDateTime

CATEGORIES: dict[str, str] = {
    "thu_tuc": "Thủ tục hành chính",
    "thai_do": "Thái độ, tác phong cán bộ",
    "cham_tre": "Giải quyết chậm trễ",
    "phi_le_phi": "Phí, lệ phí",
    "dich_vu_cong": "Dịch vụ công trực tuyến",
    "khac": "Khác",
}

STATUSES: dict[str, str] = {
    "new": "Mới tiếp nhận",
    "in_progress": "Đang xử lý",
    "answered": "Đã trả lời",
    "closed": "Đã đóng",
}

CONTENT_MAX = 4000  # a complaint described at length, sent whole in one message
NAME_MAX = 100


def _in(column: str, values: dict[str, str]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Feedback(Base):
    """One complaint or suggestion, from receipt to the officials' reply."""

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint(_in("category", CATEGORIES), name="feedback_category"),
        CheckConstraint(_in("status", STATUSES), name="feedback_status"),
        Index("feedback_inbox", "status", "id"),
        # Without AUTOINCREMENT SQLite may reuse the id of a deleted last row, and with it a
        # tracking code a citizen already holds.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Nullable only because the code is made from the id, known after the insert; the service
    # sets it in the same transaction, so no committed row lacks one.
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    category: Mapped[str] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(String(CONTENT_MAX))
    citizen_name: Mapped[str] = mapped_column(String(NAME_MAX))
    phone: Mapped[str] = mapped_column(String(10))  # national form, "0912345678"
    dossier_code: Mapped[str | None] = mapped_column(String(64))
    sender_id: Mapped[str] = mapped_column(String(200))  # channel and its user, "telegram:123"
    status: Mapped[str] = mapped_column(String(20), default="new")
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    handled_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The citizen's agreement to the notice on personal data (knowledge/privacy/notice.py):
    # which notice, and when. Rows filed before the notice existed have neither.
    consent_notice: Mapped[str | None] = mapped_column(String(20))
    consented_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Set when the name, phone and sender were erased (on request, or past retention).
    contact_erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class FeedbackAttachment(Base):
    """A photo or PDF a citizen sent: pending (``feedback_id`` None) until the complaint it
    goes with is filed. Images are stored re-encoded, without location metadata."""

    __tablename__ = "feedback_attachment"
    __table_args__ = (Index("feedback_attachment_owner", "sender_id", "feedback_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Random: what links and button payloads name, so that ids cannot be walked.
    key: Mapped[str] = mapped_column(String(32), unique=True)
    sender_id: Mapped[str] = mapped_column(String(200))
    feedback_id: Mapped[int | None] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    # Deferred: listings never load the files themselves.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
