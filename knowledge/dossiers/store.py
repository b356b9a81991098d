"""The local ``dossiers`` table (demo data or a synchronised copy) as a dossier lookup."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from knowledge.dossiers.codes import normalize_dossier_code
from knowledge.dossiers.models import Dossier, create_dossier_tables
from knowledge.dossiers.status import DossierServiceUnavailable, DossierStatus, dossier_status
from knowledge.shared.db import session_scope
from knowledge.shared.periods import vietnam_today


class SqlDossierStore:
    """Dossiers from the ``dossiers`` table of ``engine`` (created when missing)."""

    def __init__(self, engine: Engine, today: Callable[[], date] = vietnam_today) -> None:
        create_dossier_tables(engine)
        self._engine = engine
        self._today = today

    def get(self, code: str) -> DossierStatus | None:
        canonical = normalize_dossier_code(code)
        if canonical is None:
            return None
        try:
            with session_scope(self._engine) as session:
                row = session.get(Dossier, canonical)
        except OperationalError as error:
            raise DossierServiceUnavailable("the dossier database cannot be read") from error
        if row is None:
            return None
        return dossier_status(
            code=row.code,
            procedure=row.procedure,
            receiving_unit=row.receiving_unit,
            status=row.status,
            received_on=row.received_on,
            due_on=row.due_on,
            finished_on=row.finished_on,
            paid_online=row.paid_online,
            result_by_post=row.result_by_post,
            applicant_name=row.applicant_name,
            today=self._today(),
        )
