"""The audit log: who replied to, reassigned or closed each complaint, who added or withdrew
each plan, who added or disabled each account, and when. Rows are only ever added."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from knowledge.officials.models import AuditEntry
from knowledge.shared.clock import Clock, utc_now
from knowledge.shared.db import session_scope
from knowledge.shared.periods import VIETNAM_TZ
from knowledge.shared.schema import SchemaGuard
from knowledge.shared.wording import text

AUDIT_SHOWN = 50
_DETAIL_MAX = 300


@dataclass(frozen=True)
class AuditRow:
    at: datetime  # Vietnam time
    official: str
    action: str  # one of models.AUDIT_ACTIONS
    subject: str
    detail: str

    @property
    def action_label(self) -> str:
        return text(f"accounts.audit_{self.action}")


class AuditLog:
    def __init__(self, engine: Engine, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._clock = clock
        self._schema = SchemaGuard(engine, [AuditEntry])

    def record(self, official: str, action: str, subject: str, detail: str = "") -> None:
        self._schema.ensure()
        with session_scope(self._engine) as session:
            session.add(
                AuditEntry(
                    at=self._clock(),
                    official=official,
                    action=action,
                    subject=subject[:100],
                    detail=detail[:_DETAIL_MAX],
                )
            )

    def recent(self, limit: int = AUDIT_SHOWN, subject: str | None = None) -> list[AuditRow]:
        """The newest entries first, those about ``subject`` only when given."""
        self._schema.ensure()
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if subject is not None:
            query = query.where(AuditEntry.subject == subject)
        with session_scope(self._engine) as session:
            return [
                AuditRow(
                    at=row.at.astimezone(VIETNAM_TZ),
                    official=row.official,
                    action=row.action,
                    subject=row.subject,
                    detail=row.detail,
                )
                for row in session.scalars(query)
            ]
