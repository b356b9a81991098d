"""Fixtures of the dossier-update tests: the dossier table of the dossier tests (``engine``,
``add_dossier``) and a sender that records what it is asked to send."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import Engine

from knowledge.notify.messages import Notification
from knowledge.notify.watcher import Sent
from knowledge.plans.build import BuildReport
from tests.unit.dossiers.conftest import add_dossier, engine

__all__ = ["RecordingSender", "add_dossier", "engine"]


@pytest.fixture
def plans(kb_engine: Engine, kb_report: BuildReport) -> Engine:
    """The knowledge base built from the real plans (shared by the session)."""
    return kb_engine


@dataclass
class RecordingSender:
    """A channel that delivers (or answers ``results`` in turn), keeping what it delivered."""

    channel: str = "telegram"
    results: list[Sent] = field(default_factory=list)
    delivered: list[Notification] = field(default_factory=list)
    attempts: int = 0

    async def send(self, notification: Notification) -> Sent:
        self.attempts += 1
        result = self.results.pop(0) if self.results else Sent.SENT
        if result is Sent.SENT:
            self.delivered.append(notification)
        return result
