"""Dossier status lookup: what the assistant may tell a citizen about a dossier.

Two backends answer the same :class:`DossierLookup` protocol: :class:`SqlDossierStore` reads
the local ``dossiers`` table (demo data or a synchronised copy), and
:class:`knowledge.dossiers.http_store.HttpDossierStore` asks the provincial dossier API.
:func:`make_dossier_lookup` picks one from the environment.

Lookups are synchronous; an async caller runs them with ``asyncio.to_thread`` so that a slow
API does not hold up other conversations.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from knowledge.config import load_settings, vietnam_today
from knowledge.db import get_engine, session_scope
from knowledge.dossiers.codes import normalize_dossier_code
from knowledge.dossiers.models import (
    FINISHED_STATUSES,
    STATUS_LABELS,
    Dossier,
    create_dossier_tables,
)
from knowledge.privacy import mask_name

# A dossier waiting for the applicant to supplement it is not late: the processing time
# restarts when the complete dossier is received (Decree 61/2018/NĐ-CP, art. 15).
_CLOCK_PAUSED = frozenset({"supplement_required"})


class DossierServiceUnavailable(RuntimeError):
    """The dossier service cannot answer now (timeout, server error, unreadable answer)."""


@dataclass(frozen=True)
class DossierStatus:
    """The part of a dossier the assistant may show to whoever holds its code."""

    code: str
    procedure: str
    receiving_unit: str
    status: str  # a key of STATUS_LABELS
    status_label: str  # Vietnamese
    received_on: date
    due_on: date
    finished_on: date | None
    overdue: bool
    paid_online: bool
    result_by_post: bool
    applicant: str  # masked, "Nguyễn V** A*"


class DossierLookup(Protocol):
    def get(self, code: str) -> DossierStatus | None:
        """The status of the dossier ``code`` (any spelling), None when there is none."""
        ...


def is_overdue(status: str, due_on: date, finished_on: date | None, today: date) -> bool:
    """Finished after its due date, or still open after it (unless awaiting the applicant)."""
    if finished_on is not None:
        return finished_on > due_on
    return status not in _CLOCK_PAUSED and today > due_on


def dossier_status(
    *,
    code: str,
    procedure: str,
    receiving_unit: str,
    status: str,
    received_on: date,
    due_on: date,
    finished_on: date | None,
    paid_online: bool,
    result_by_post: bool,
    applicant_name: str,
    today: date,
) -> DossierStatus:
    """A :class:`DossierStatus` from a backend's record; raises ValueError on an unknown status
    or a finished date on an open dossier, which would otherwise be shown wrongly."""
    if status not in STATUS_LABELS:
        raise ValueError(f"unknown dossier status {status!r}")
    if finished_on is not None and status not in FINISHED_STATUSES:
        raise ValueError(f"status {status!r} cannot have a finished date")
    return DossierStatus(
        code=code,
        procedure=procedure,
        receiving_unit=receiving_unit,
        status=status,
        status_label=STATUS_LABELS[status],
        received_on=received_on,
        due_on=due_on,
        finished_on=finished_on,
        overdue=is_overdue(status, due_on, finished_on, today),
        paid_online=paid_online,
        result_by_post=result_by_post,
        applicant=mask_name(applicant_name),
    )


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


def make_dossier_lookup(env: Mapping[str, str] | None = None) -> DossierLookup:
    """The provincial API when ``DOSSIER_API_URL`` is set, else the local table.

    ``DOSSIER_API_TOKEN`` (bearer token) and ``DOSSIER_API_TIMEOUT`` (seconds, default 5) go
    with the API; the local table lives in the database of :func:`knowledge.config.load_settings`.
    """
    env = os.environ if env is None else env
    base_url = env.get("DOSSIER_API_URL", "").strip()
    if not base_url:
        return SqlDossierStore(get_engine(load_settings(env).database_url))
    # Imported here because the HTTP adapter builds on this module.
    from knowledge.dossiers.http_store import DEFAULT_TIMEOUT_S, HttpDossierStore

    return HttpDossierStore(
        base_url,
        timeout=float(env.get("DOSSIER_API_TIMEOUT") or DEFAULT_TIMEOUT_S),
        token=env.get("DOSSIER_API_TOKEN") or None,
    )
