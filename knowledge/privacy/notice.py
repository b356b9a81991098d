"""The notice citizens read, and agree to, before the complaint form asks for their name and
phone: purpose, retention, how to ask for deletion. Its version is stored with each complaint
filed under it: change the version whenever the text's substance changes."""

from __future__ import annotations

from knowledge.shared.settings import Retention
from knowledge.shared.wording import say

NOTICE_VERSION = "nd13-2026-12"


def consent_notice(retention: Retention) -> str:
    return say(
        "privacy.notice",
        complaint_days=retention.complaint_contact_days,
        conversation_days=retention.conversation_days,
    )
