"""FeedbackService on a SQLite file: intake, status, officials' handling, failures."""

from __future__ import annotations

import logging
import re
import sqlite3
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, create_engine, func, insert, select

from knowledge.feedback import (
    CONTENT_MAX,
    Feedback,
    FeedbackDraft,
    FeedbackNotFound,
    FeedbackNotSaved,
    FeedbackService,
    FeedbackStoreError,
    InvalidFeedback,
    PhoneCheckFailed,
    PhoneCheckNeeded,
    TooManyTries,
)
from knowledge.feedback import service as service_module
from knowledge.feedback.service import PHONE_TRIES, PHONE_TRIES_WINDOW_S
from knowledge.shared.db import make_engine
from knowledge.shared.ratelimit import SlidingWindowLimiter

if TYPE_CHECKING:  # the fixture's class; importing conftest at run time would load it twice
    from tests.fakes import FakeClock

VIETNAM = timedelta(hours=7)
NEW_CODE = re.compile(r"PAKN-2026-[2-9A-HJKMNP-TV-Z]{8}")


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(Feedback)) or 0


# --- intake and status ------------------------------------------------------------------------


def test_submit_returns_a_code_a_fresh_connection_already_sees(
    service: FeedbackService, draft: FeedbackDraft, db_path: Path
) -> None:
    code = service.submit(draft)
    assert NEW_CODE.fullmatch(code)
    # Another engine, another connection: the row is committed, not merely flushed.
    other = make_engine(f"sqlite:///{db_path}")
    with other.connect() as connection:
        row = connection.execute(select(Feedback).where(Feedback.code == code)).one()
    other.dispose()
    assert (row.category, row.phone, row.sender_id) == ("cham_tre", "0912345678", draft.sender_id)
    assert row.dossier_code == "H31.29-260115-0001"


def test_codes_are_random_not_serial(service: FeedbackService, draft: FeedbackDraft) -> None:
    # Nobody can walk from one citizen's code to the next: no serial, no order.
    codes = [service.submit(draft) for _ in range(20)]
    assert all(NEW_CODE.fullmatch(code) for code in codes)
    assert len(set(codes)) == 20
    assert "PAKN-2026-000001" not in codes and "PAKN-2026-000002" not in codes
    assert codes != sorted(codes)


def test_old_serial_codes_keep_working(
    service: FeedbackService, draft: FeedbackDraft, engine: Engine
) -> None:
    service.ensure_schema()
    moment = datetime(2026, 1, 5, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            insert(Feedback).values(
                code="PAKN-2026-000001",
                category="khac",
                content="Phản ánh gửi trước khi mã có phần ngẫu nhiên.",
                citizen_name="Trần Bình",
                phone="0987654321",
                sender_id="web:1",
                status="new",
                created_at=moment,
                updated_at=moment,
            )
        )
    status = service.status("pakn 2026 1")
    assert status is not None and status.code == "PAKN-2026-000001"
    assert service.mark("PAKN2026000001", "closed", by="telegram:42").status == "closed"


def test_status_roundtrip_in_vietnamese_without_personal_data(
    service: FeedbackService, draft: FeedbackDraft, clock: FakeClock
) -> None:
    code = service.submit(draft)
    status = service.status(code)
    assert status is not None
    assert (status.code, status.status, status.status_label) == (code, "new", "Mới tiếp nhận")
    assert (status.category, status.category_label) == ("cham_tre", "Giải quyết chậm trễ")
    assert status.submitted_at == clock.now
    assert status.submitted_at.utcoffset() == VIETNAM
    assert status.submitted_at.hour == 9
    assert status.reply is None and status.replied_at is None
    assert status.dossier_code == "H31.29-260115-0001"
    shown = repr(status)
    for private in ("0912", "345678", "Nguyễn", "quá hạn 10 ngày"):
        assert private not in shown


@pytest.mark.parametrize(
    "retyped",
    [str.lower, lambda code: code.replace("-", " "), lambda code: f" {code.replace('-', '')} "],
)
def test_status_accepts_the_code_as_typed(
    service: FeedbackService, draft: FeedbackDraft, retyped: Callable[[str], str]
) -> None:
    code = service.submit(draft)
    status = service.status(retyped(code))
    assert status is not None and status.code == code


@pytest.mark.parametrize("typed", ["PAKN-2026-000002", "PAKN-2025-000001", "abc", ""])
def test_status_of_an_unknown_code_is_none(
    service: FeedbackService, draft: FeedbackDraft, typed: str
) -> None:
    service.submit(draft)
    assert service.status(typed) is None


def test_the_code_takes_the_year_in_vietnam(
    service: FeedbackService, draft: FeedbackDraft, clock: FakeClock
) -> None:
    clock.now = datetime(2025, 12, 31, 17, 30, tzinfo=UTC)  # 00:30 on 1 January in Hà Nội
    assert service.submit(draft).startswith("PAKN-2026-")


def test_phone_and_text_are_stored_normalised(
    service: FeedbackService, draft: FeedbackDraft
) -> None:
    # Some keyboards send decomposed letters; paragraphs of a complaint are kept.
    content = "Cán bộ thu phí sai quy định.\n\nĐề nghị kiểm tra."
    service.submit(
        replace(
            draft,
            phone="+84 912 345 678",
            content=f"  {unicodedata.normalize('NFD', content)}  ",
            citizen_name=" Lê  Hoa ",
        )
    )
    [item] = service.inbox()
    assert item.phone == "0912345678"
    assert item.content == content
    assert item.citizen_name == "Lê Hoa"


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"content": "   \n "}, "content", "Nội dung phản ánh không được để trống."),
        (
            {"content": "x" * (CONTENT_MAX + 1)},
            "content",
            "Nội dung phản ánh dài 4001 ký tự, vượt quá 4000 ký tự cho phép.",
        ),
        ({"category": "giao_thong"}, "category", "Lĩnh vực phản ánh không hợp lệ"),
        ({"phone": "02213812345"}, "phone", "Số điện thoại di động không hợp lệ"),
        ({"citizen_name": " "}, "citizen_name", "Họ và tên không được để trống."),
        ({"sender_id": ""}, "sender_id", "Không xác định được kênh gửi phản ánh."),
    ],
)
def test_invalid_drafts_are_refused_field_by_field_and_nothing_is_stored(
    service: FeedbackService,
    draft: FeedbackDraft,
    engine: Engine,
    change: dict[str, str],
    field: str,
    message: str,
) -> None:
    with pytest.raises(InvalidFeedback) as raised:
        service.submit(replace(draft, **change))
    assert list(raised.value.errors) == [field]
    assert raised.value.errors[field].startswith(message)
    service.ensure_schema()
    assert _count(engine) == 0


def test_every_bad_field_is_named_at_once(service: FeedbackService, draft: FeedbackDraft) -> None:
    with pytest.raises(InvalidFeedback) as raised:
        service.submit(replace(draft, content="", phone="113", category=""))
    assert set(raised.value.errors) == {"content", "phone", "category"}


def test_content_of_exactly_the_limit_is_accepted(
    service: FeedbackService, draft: FeedbackDraft
) -> None:
    # Counted in characters of the composed text, as a reader counts them.
    content = ("Thủ tục rườm rà. " * 200)[:CONTENT_MAX]
    service.submit(replace(draft, content=content))
    assert service.inbox()[0].content == content.strip()


# --- officials: inbox, mark, reply ------------------------------------------------------------


def test_inbox_lists_by_status_oldest_first(service: FeedbackService, draft: FeedbackDraft) -> None:
    first, second, third = (service.submit(draft) for _ in range(3))
    service.mark(second, "in_progress", by="telegram:42")
    assert [item.code for item in service.inbox()] == [first, third]
    assert [item.code for item in service.inbox("in_progress")] == [second]
    assert [item.code for item in service.inbox(None, limit=2)] == [first, second]
    new = service.inbox()[0]
    assert (new.phone, new.citizen_name, new.sender_id) == (
        "0912345678",
        "Nguyễn Văn An",
        "telegram:123456789",
    )


def test_inbox_refuses_unknown_status_and_bad_limit(service: FeedbackService) -> None:
    with pytest.raises(ValueError):
        service.inbox("done")
    with pytest.raises(ValueError):
        service.inbox(limit=0)


def test_mark_records_status_official_and_time(
    service: FeedbackService, draft: FeedbackDraft, clock: FakeClock
) -> None:
    code = service.submit(draft)
    clock.advance(hours=2)
    item = service.mark(code.lower().replace("-", " "), "in_progress", by="telegram:42")
    assert (item.status, item.status_label, item.handled_by) == (
        "in_progress",
        "Đang xử lý",
        "telegram:42",
    )
    status = service.status(code)
    assert status is not None
    assert status.status_label == "Đang xử lý"
    assert status.updated_at - status.submitted_at == timedelta(hours=2)


def test_answered_is_set_by_reply_only(service: FeedbackService, draft: FeedbackDraft) -> None:
    code = service.submit(draft)
    with pytest.raises(ValueError):
        service.mark(code, "answered", by="telegram:42")


def test_reply_is_addressed_to_the_citizens_channel_and_shown_in_status(
    service: FeedbackService, draft: FeedbackDraft, clock: FakeClock
) -> None:
    code = service.submit(draft)
    clock.advance(days=1)
    answer = "UBND phường đã kiểm tra, hồ sơ sẽ được trả kết quả trước ngày 10/3/2026."
    sent = service.reply(code, f"  {answer} ", by="telegram:42")
    assert (sent.code, sent.sender_id, sent.text, sent.handled_by) == (
        code,
        "telegram:123456789",
        answer,
        "telegram:42",
    )
    assert sent.replied_at == clock.now and sent.replied_at.utcoffset() == VIETNAM
    status = service.status(code)
    assert status is not None
    assert (status.status, status.status_label, status.reply) == ("answered", "Đã trả lời", answer)
    assert status.replied_at == clock.now
    assert service.inbox("answered")[0].handled_by == "telegram:42"


def test_a_second_reply_corrects_the_first(service: FeedbackService, draft: FeedbackDraft) -> None:
    code = service.submit(draft)
    service.reply(code, "Đã tiếp nhận.", by="telegram:42")
    service.reply(code, "Đã chuyển Phòng Tư pháp xử lý.", by="telegram:43")
    status = service.status(code)
    assert status is not None and status.reply == "Đã chuyển Phòng Tư pháp xử lý."


def test_the_reply_is_shown_only_to_the_citizen_who_filed_the_feedback(
    service: FeedbackService, draft: FeedbackDraft
) -> None:
    code = service.submit(draft)
    assert not service.status(code, asked_by="telegram:999").reply_withheld  # type: ignore[union-attr]
    service.reply(code, "Đã chuyển Phòng Tư pháp xử lý.", by="telegram:42")
    own = service.status(code, asked_by=draft.sender_id)
    other = service.status(code, asked_by="telegram:999")
    assert own is not None and other is not None
    assert (own.reply, own.reply_withheld) == ("Đã chuyển Phòng Tư pháp xử lý.", False)
    assert (other.reply, other.reply_withheld) == (None, True)
    # Everything else a code holder may see is the same for both.
    assert (other.status_label, other.replied_at) == ("Đã trả lời", own.replied_at)


def test_reply_and_mark_refuse_unknown_codes_and_empty_answers(
    service: FeedbackService, draft: FeedbackDraft
) -> None:
    code = service.submit(draft)
    with pytest.raises(FeedbackNotFound, match="PAKN-2026-000009"):
        service.reply("PAKN-2026-000009", "Đã xử lý.", by="telegram:42")
    with pytest.raises(FeedbackNotFound):
        service.mark("không có mã", "closed", by="telegram:42")
    with pytest.raises(InvalidFeedback) as raised:
        service.reply(code, "  ", by="telegram:42")
    assert raised.value.errors == {"reply": "Nội dung trả lời không được để trống."}
    status = service.status(code)
    assert status is not None and status.status == "new"


# --- failures ---------------------------------------------------------------------------------


def test_unreachable_database_gives_no_code(
    draft: FeedbackDraft, clock: FakeClock, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    engine = create_engine(f"sqlite:///{blocker}/feedback.db")
    with pytest.raises(FeedbackNotSaved) as raised:
        FeedbackService(engine, clock).submit(draft)
    assert "chưa lưu được phản ánh" in str(raised.value)


def test_stopped_server_gives_no_code(draft: FeedbackDraft, clock: FakeClock) -> None:
    # Port 1 on the loopback: nothing listens, the connection is refused at once.
    engine = create_engine(
        "postgresql+psycopg://postgres@127.0.0.1:1/postgres", connect_args={"connect_timeout": 2}
    )
    service = FeedbackService(engine, clock)
    with pytest.raises(FeedbackNotSaved):
        service.submit(draft)
    with pytest.raises(FeedbackStoreError):
        service.status("PAKN-2026-000001")


def test_read_only_database_gives_no_code_and_keeps_what_it_had(
    service: FeedbackService, draft: FeedbackDraft, clock: FakeClock, db_path: Path, engine: Engine
) -> None:
    service.submit(draft)
    engine.dispose()
    read_only = create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(f"file:{db_path}?mode=ro", uri=True),
    )
    with pytest.raises(FeedbackNotSaved):
        FeedbackService(read_only, clock).submit(draft)
    read_only.dispose()
    assert _count(engine) == 1


def test_a_failed_insert_leaves_nothing_half_written(
    service: FeedbackService,
    draft: FeedbackDraft,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A row already holds the code the draw gives (a collision, about one in 6.6e11): the
    # insert fails, and nothing of the new complaint is stored.
    monkeypatch.setattr(service_module, "new_feedback_code", lambda year: "PAKN-2026-7KQ3XM9D")
    service.ensure_schema()
    now = datetime(2026, 1, 5, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            insert(Feedback).values(
                code="PAKN-2026-7KQ3XM9D",
                category="khac",
                content="Phản ánh cũ.",
                citizen_name="Trần Bình",
                phone="0987654321",
                sender_id="web:1",
                status="closed",
                created_at=now,
                updated_at=now,
            )
        )
    with pytest.raises(FeedbackNotSaved):
        service.submit(draft)
    assert _count(engine) == 1
    assert service.inbox("new") == []


def test_failures_are_logged_without_the_phone(
    draft: FeedbackDraft, clock: FakeClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    service = FeedbackService(create_engine(f"sqlite:///{blocker}/feedback.db"), clock)
    with (
        caplog.at_level(logging.INFO, logger="knowledge.feedback"),
        pytest.raises(FeedbackNotSaved),
    ):
        service.submit(draft)
    assert "failed to submit" in caplog.text
    assert "345678" not in caplog.text


def test_intake_is_logged_with_the_phone_masked(
    service: FeedbackService, draft: FeedbackDraft, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="knowledge.feedback"):
        code = service.submit(draft)
    assert code in caplog.text and "0912***678" in caplog.text
    assert "0912345678" not in caplog.text


# --- the status for citizens: the filer, or whoever knows the phone's last four digits -------


OTHER = "web:someone-else"


def test_the_conversation_that_filed_it_sees_the_full_status_without_digits(
    service: FeedbackService, draft: FeedbackDraft
) -> None:
    code = service.submit(draft)
    service.reply(code, "Hồ sơ đã có kết quả.", by="telegram:42")
    status = service.citizen_status(code, asked_by=draft.sender_id)
    assert (status.code, status.reply, status.reply_withheld) == (
        code,
        "Hồ sơ đã có kết quả.",
        False,
    )


def test_anyone_else_needs_the_phone_last_four_digits(
    service: FeedbackService, draft: FeedbackDraft
) -> None:
    code = service.submit(draft)  # phone 0912 345 678
    service.reply(code, "Hồ sơ đã có kết quả.", by="telegram:42")
    with pytest.raises(PhoneCheckNeeded):
        service.citizen_status(code, asked_by=OTHER)
    with pytest.raises(PhoneCheckFailed):
        service.citizen_status(code, asked_by=OTHER, phone_last4="1234")
    status = service.citizen_status(code, asked_by=OTHER, phone_last4="5678")
    assert status.code == code and status.reply == "Hồ sơ đã có kết quả."
    # A sender the channel does not name is nobody's.
    with pytest.raises(PhoneCheckNeeded):
        service.citizen_status(code, asked_by="")


def test_an_unknown_code_is_answered_like_a_wrong_phone(
    service: FeedbackService, draft: FeedbackDraft
) -> None:
    # Whether a code exists is nobody's business but its filer's: no probing for codes.
    service.submit(draft)
    with pytest.raises(PhoneCheckNeeded):
        service.citizen_status("PAKN-2026-7KQ3XM9D", asked_by=OTHER)
    with pytest.raises(PhoneCheckFailed):
        service.citizen_status("PAKN-2026-7KQ3XM9D", asked_by=OTHER, phone_last4="5678")


def test_wrong_digits_are_limited_per_asker_and_per_code(
    engine: Engine, clock: FakeClock, draft: FeedbackDraft
) -> None:
    seconds = [0.0]
    tries = SlidingWindowLimiter(PHONE_TRIES, PHONE_TRIES_WINDOW_S, clock=lambda: seconds[0])
    service = FeedbackService(engine, clock, phone_tries=tries)
    code = service.submit(draft)
    other_code = service.submit(replace(draft, phone="0987 654 321"))
    for _ in range(PHONE_TRIES - 1):
        with pytest.raises(PhoneCheckFailed):
            service.citizen_status(code, asked_by=OTHER, phone_last4="0000")
    with pytest.raises(TooManyTries) as refused:
        service.citizen_status(code, asked_by=OTHER, phone_last4="0000")
    assert refused.value.retry_after_s == PHONE_TRIES_WINDOW_S
    # Refused now even with the right digits, and for another code from the same asker.
    with pytest.raises(TooManyTries):
        service.citizen_status(code, asked_by=OTHER, phone_last4="5678")
    with pytest.raises(TooManyTries):
        service.citizen_status(other_code, asked_by=OTHER, phone_last4="4321")
    # The code itself is locked for other askers too: no spreading the guesses over senders.
    with pytest.raises(TooManyTries):
        service.citizen_status(code, asked_by="web:third", phone_last4="5678")
    # The filer is never asked, so never locked out.
    assert service.citizen_status(code, asked_by=draft.sender_id).code == code
    seconds[0] += PHONE_TRIES_WINDOW_S
    assert service.citizen_status(code, asked_by=OTHER, phone_last4="5678").code == code
