"""Phone numbers masked in every log record a process writes, whichever handler writes it.

Each of our processes calls :func:`mask_phones_in_logs` first thing. The frameworks configure
their handlers later (rasa-sdk's coloredlogs, Rasa's structlog and coloredlogs, Sanic's own),
so a filter added to today's handlers would miss them; the record factory sees every record,
once it passed its logger's level and before any handler formats it. Standard library only
(knowledge.shared.privacy and knowledge.shared.phones are), so the Rasa engine environment
runs it too.
"""

from __future__ import annotations

import logging
from typing import Any

from knowledge.shared.privacy import PhoneMaskingFilter


class _MaskingRecordFactory:
    """Wraps the record factory in place, so other factories set before it keep working."""

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped
        self.mask = PhoneMaskingFilter()

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = self.wrapped(*args, **kwargs)
        self.mask.filter(record)
        return record


def mask_phones_in_logs() -> None:
    """Make every later log record of this process carry masked phone numbers; idempotent."""
    current = logging.getLogRecordFactory()
    if not isinstance(current, _MaskingRecordFactory):
        logging.setLogRecordFactory(_MaskingRecordFactory(current))
