"""Which official handles a complaint, and so its locality; set when an official reassigns it.
A complaint nobody reassigned yet has no locality: citizens do not say which one they mean."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Engine, select

from knowledge.officials.models import Assignment
from knowledge.shared.clock import Clock, utc_now
from knowledge.shared.db import session_scope
from knowledge.shared.schema import SchemaGuard


@dataclass(frozen=True)
class Assigned:
    assignee: str
    locality: str | None


class Assignments:
    def __init__(self, engine: Engine, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._clock = clock
        self._schema = SchemaGuard(engine, [Assignment])

    def assign(self, code: str, assignee: str, locality: str | None) -> Assigned:
        self._schema.ensure()
        with session_scope(self._engine) as session:
            row = session.get(Assignment, code)
            if row is None:
                row = Assignment(code=code)
                session.add(row)
            row.assignee, row.locality, row.assigned_at = assignee, locality, self._clock()
        return Assigned(assignee, locality)

    def of(self, codes: Collection[str]) -> dict[str, Assigned]:
        if not codes:
            return {}
        self._schema.ensure()
        query = select(Assignment).where(Assignment.code.in_(list(codes)))
        with session_scope(self._engine) as session:
            return {
                row.code: Assigned(row.assignee, row.locality) for row in session.scalars(query)
            }
