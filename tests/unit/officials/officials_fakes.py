"""A citizen's complaint as the officials' tests of every channel file it (importable by test
modules, unlike conftest)."""

from __future__ import annotations

from knowledge.feedback import FeedbackDraft


def complaint(sender_id: str, **changes: str) -> FeedbackDraft:
    fields = {
        "category": "cham_tre",
        # A citizen's own words, phone number included: it must not reach an official unmasked.
        "content": "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất của tôi đã quá hạn 10 ngày "
        "mà chưa có kết quả, cán bộ một cửa không giải thích lý do. Gọi tôi: 0987 654 321.",
        "citizen_name": "Nguyễn Văn An",
        "phone": "0912 345 678",
        "sender_id": sender_id,
        **changes,
    }
    return FeedbackDraft(**fields)
