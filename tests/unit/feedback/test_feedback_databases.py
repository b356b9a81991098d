"""Both databases: many citizens submitting at once each get a distinct code that is really
stored; PostgreSQL keeps the same instants and codes as SQLite."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select

from knowledge.feedback import Feedback, FeedbackDraft, FeedbackService

if TYPE_CHECKING:  # the fixture's class; importing conftest at run time would load it twice
    from tests.fakes import FakeClock

SUBMISSIONS = 200


def _submit_concurrently(engine: Engine, clock: FakeClock, draft: FeedbackDraft) -> None:
    service = FeedbackService(engine, clock)
    drafts = [replace(draft, sender_id=f"telegram:{n}") for n in range(SUBMISSIONS)]
    with ThreadPoolExecutor(max_workers=SUBMISSIONS) as pool:
        codes = list(pool.map(service.submit, drafts))

    assert len(set(codes)) == SUBMISSIONS
    with engine.connect() as connection:
        stored = dict(connection.execute(select(Feedback.sender_id, Feedback.code)).all())
    # Each citizen's code is the one stored with their submission, none missing, none extra.
    assert stored == {d.sender_id: code for d, code in zip(drafts, codes, strict=True)}
    assert all(code.startswith("PAKN-2026-") for code in codes)


def test_concurrent_submissions_on_sqlite(
    engine: Engine, clock: FakeClock, draft: FeedbackDraft
) -> None:
    _submit_concurrently(engine, clock, draft)


def test_concurrent_submissions_on_postgresql(
    postgres_engine: Engine, clock: FakeClock, draft: FeedbackDraft
) -> None:
    _submit_concurrently(postgres_engine, clock, draft)


def test_postgresql_roundtrip_keeps_codes_and_instants(
    postgres_engine: Engine, clock: FakeClock, draft: FeedbackDraft
) -> None:
    service = FeedbackService(postgres_engine, clock)
    code = service.submit(draft)
    assert code.startswith("PAKN-2026-")
    clock.advance(hours=3)
    sent = service.reply(code.lower(), "Đã chuyển Phòng Tư pháp xử lý.", by="telegram:42")
    assert sent.sender_id == draft.sender_id
    status = service.status(code)
    assert status is not None
    assert status.status_label == "Đã trả lời"
    assert status.replied_at == clock.now
    assert status.replied_at - status.submitted_at == timedelta(hours=3)
    assert status.submitted_at.utcoffset() == timedelta(hours=7)
