"""What the assistant may tell a citizen about a dossier, whichever backend answers: the
:class:`DossierLookup` protocol and the status it returns, personal data masked.

Lookups are synchronous; an async caller runs them with ``asyncio.to_thread`` so that a slow
API does not hold up other conversations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from knowledge.dossiers.models import FINISHED_STATUSES, STATUS_LABELS
from knowledge.shared.privacy import mask_name

# A dossier waiting for the applicant to supplement it is not late: the processing time
# restarts when the complete dossier is received (Decree 61/2018/NĐ-CP, art. 15).
CLOCK_PAUSED = frozenset({"supplement_required"})


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
    return status not in CLOCK_PAUSED and today > due_on


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
