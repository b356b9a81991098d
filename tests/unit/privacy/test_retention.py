"""Retention: complaint contact data unchanged past its period is erased, conversations silent
past theirs are forgotten; everything younger stays. Periods come from the environment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from knowledge.feedback import FeedbackService
from knowledge.privacy.conversations import ConversationStore, tracker_store_url
from knowledge.privacy.service import PrivacyService
from knowledge.shared.db import make_engine
from knowledge.shared.settings import (
    DEFAULT_RETENTION,
    Retention,
    SettingError,
    load_retention,
)
from tests.fakes import FakeClock
from tests.paths import ROOT
from tests.unit.privacy.stores import file_complaint, say_in, senders

POLICY = Retention(complaint_contact_days=365, conversation_days=90)


def test_retention_erases_contact_of_complaints_unchanged_past_the_period(
    feedback: FeedbackService, privacy: PrivacyService, clock: FakeClock
) -> None:
    old = file_complaint(feedback, "telegram:1", "0912345678")
    clock.advance(days=200)
    handled = file_complaint(feedback, "telegram:2", "0987654321")
    clock.advance(days=100)
    feedback.mark(handled, "in_progress", by="Cán bộ A")  # a change restarts the count
    clock.advance(days=166)  # old: 466 days unchanged; handled: 166

    done = privacy.apply_retention(POLICY)

    assert done.complaints == 1
    erased, kept = (privacy.export(code=code).complaints[0] for code in (old, handled))
    assert (erased.citizen_name, erased.phone, erased.sender_id) == ("", "", "")
    assert erased.contact_erased_at is not None
    assert erased.content and erased.status  # the complaint itself stays for the officials
    assert (kept.citizen_name, kept.phone) == ("Nguyễn Văn An", "0987654321")
    # Nobody can pass the phone check of an erased complaint any more.
    assert privacy.export(phone="0912345678").complaints == []
    assert privacy.apply_retention(POLICY).complaints == 0  # already done


def test_retention_forgets_conversations_silent_past_the_period(
    privacy: PrivacyService, tracker_engine: Engine, clock: FakeClock
) -> None:
    now = clock.now
    say_in(tracker_engine, "rest:old", "user", "xin chào", now - timedelta(days=120))
    say_in(tracker_engine, "rest:old", "bot", "Dạ, em chào Anh/chị", now - timedelta(days=91))
    # Started long ago but spoken in lately: a live conversation, kept whole.
    say_in(tracker_engine, "rest:live", "user", "hồ sơ của tôi", now - timedelta(days=300))
    say_in(tracker_engine, "rest:live", "user", "còn ai phối hợp?", now - timedelta(days=2))

    done = privacy.apply_retention(POLICY)

    assert (done.conversations, done.events) == (1, 2)
    assert senders(tracker_engine) == {"rest:live"}
    assert len(ConversationStore(tracker_engine).messages("rest:live")) == 2


def test_retention_before_rasa_made_its_table_does_nothing(
    feedback: FeedbackService, app_engine: Engine, tmp_path: Path, clock: FakeClock
) -> None:
    empty = make_engine(f"sqlite:///{tmp_path / 'fresh-tracker.db'}")
    done = PrivacyService(app_engine, empty, clock).apply_retention(POLICY)
    assert (done.complaints, done.conversations, done.events) == (0, 0, 0)


def test_retention_periods_come_from_the_environment() -> None:
    assert load_retention({}) == DEFAULT_RETENTION == Retention(365, 90)
    configured = {"RETENTION_COMPLAINT_DAYS": "730", "RETENTION_CONVERSATION_DAYS": "30"}
    assert load_retention(configured) == Retention(730, 30)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("RETENTION_COMPLAINT_DAYS", "0"),
        ("RETENTION_COMPLAINT_DAYS", "một năm"),
        ("RETENTION_CONVERSATION_DAYS", "-5"),
        ("RETENTION_CONVERSATION_DAYS", "99999"),
    ],
)
def test_a_wrong_retention_period_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingError, match=variable):
        load_retention({variable: value})


def test_retention_finds_the_tracker_store_rasa_is_configured_with(tmp_path: Path) -> None:
    embedded = tracker_store_url({"RASA_TRACKER_DB": str(tmp_path / "t.db")})
    assert (embedded.drivername, embedded.database) == ("sqlite", str(tmp_path / "t.db"))
    assert tracker_store_url({"VAR_DIR": str(tmp_path)}).database == str(tmp_path / "tracker.db")
    scale = {
        "RASA_ENDPOINTS": str(ROOT / "endpoints.scale.yml"),
        "RASA_TRACKER_PG_HOST": "db.internal",
        "RASA_TRACKER_PG_PORT": "5433",
        "RASA_TRACKER_PG_DB": "rasa",
        "RASA_TRACKER_PG_USER": "rasa",
        "RASA_TRACKER_PG_PASSWORD": "",
    }
    shared = tracker_store_url(scale)
    assert (shared.drivername, shared.host, shared.port, shared.database) == (
        "postgresql+psycopg",
        "db.internal",
        5433,
        "rasa",
    )
    del scale["RASA_TRACKER_PG_HOST"]
    with pytest.raises(SettingError, match="RASA_TRACKER_PG_HOST"):
        tracker_store_url(scale)
