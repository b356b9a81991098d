"""Officials add and withdraw plan documents from a channel (the web page, Telegram).

The steps are the intake's (``knowledge.plans.formats.intake``): read a file and show what was
read, publish it when the official confirms, withdraw it. This module adds what a channel needs
around them: the file arrives as bytes, the preview waits for the official's answer under an
unguessable token (in this process's memory, for ``PENDING_S``), the slow work runs in a thread
(reading itself runs in a child process) so the channel's event loop keeps answering, and one
publish or withdrawal runs at a time. Every process's catalog then notices the new build
(``knowledge.plans.search.catalog``): the assistant answers from the new plan without a restart.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from knowledge.officials.accounts import AccountView, Permission
from knowledge.officials.audit import AuditLog
from knowledge.officials.desk import require
from knowledge.plans.build import BuildReport
from knowledge.plans.formats.base import DEFAULT_LIMITS, MB, UnreadableDocument
from knowledge.plans.formats.intake import (
    IntakeRefused,
    Preview,
    _field_names,
    preview_file,
    publish,
    withdraw,
)
from knowledge.plans.service import PlanInfo, list_plans
from knowledge.shared.wording import say

# A plan with its appendices is a few MB as .docx or .pdf; Telegram bots may download 20 MB.
UPLOAD_MAX_BYTES = 20 * MB
UPLOAD_LIMITS = replace(DEFAULT_LIMITS, max_bytes=UPLOAD_MAX_BYTES)
PENDING_S = 30 * 60  # a preview waits this long for "Đăng" or "Hủy"
PENDING_MAX = 10  # previews held at once (each keeps the document's text); the oldest goes
# The metadata a document must state (or the official give) to be published.
REQUIRED_TO_PUBLISH = ("year", "locality", "level")
LEVELS = ("province", "city", "district", "commune")

__all__ = [
    "LEVELS",
    "UPLOAD_MAX_BYTES",
    "IntakeRefused",
    "PendingPlan",
    "PlanDesk",
    "PlanExpired",
    "Published",
    "UnreadableDocument",
    "field_names",
    "safe_file_name",
]


class PlanExpired(Exception):
    """The preview an answer refers to is no longer held (answered, expired, or the server
    restarted); ``str()`` says so in Vietnamese."""

    def __init__(self) -> None:
        super().__init__(say("officials.plan_expired"))


@dataclass(frozen=True)
class PendingPlan:
    """A preview waiting for the official's answer."""

    token: str
    preview: Preview
    warnings: tuple[str, ...]  # the preview's, worded for a channel rather than the CLI
    missing: tuple[str, ...]  # REQUIRED_TO_PUBLISH fields neither the text nor the official gave

    @property
    def publishable(self) -> bool:
        return not self.missing

    @property
    def needs_force(self) -> bool:
        """Read poorly: published only when the official confirms a second time."""
        return not self.preview.well_read


@dataclass(frozen=True)
class Published:
    slug: str
    report: BuildReport


class PlanDesk:
    """Plan intake for one knowledge base and one folder of sources."""

    def __init__(self, engine: Engine, *, sources_dir: Path | None = None) -> None:
        self.engine = engine
        self.sources_dir = sources_dir
        self._pending: OrderedDict[str, tuple[float, PendingPlan]] = OrderedDict()
        self._pending_lock = threading.Lock()
        self._build_lock = threading.Lock()
        self.audit = AuditLog(engine)

    async def read(
        self, file_name: str, content: bytes, overrides: Mapping[str, Any] | None = None
    ) -> PendingPlan:
        """Read an uploaded file (at most UPLOAD_MAX_BYTES); the preview, held for the official's
        answer. Raises ``UnreadableDocument`` or ``IntakeRefused`` (duplicate, no task)."""
        preview = await asyncio.to_thread(self._preview, file_name, content, overrides or {})
        missing = tuple(name for name in REQUIRED_TO_PUBLISH if not preview.metadata.get(name))
        pending = PendingPlan(
            token=secrets.token_urlsafe(16),
            preview=preview,
            warnings=channel_warnings(preview),
            missing=missing,
        )
        with self._pending_lock:
            self._forget_old()
            self._pending[pending.token] = (time.monotonic(), pending)
            while len(self._pending) > PENDING_MAX:
                self._pending.popitem(last=False)
        return pending

    def pending(self, token: str) -> PendingPlan | None:
        with self._pending_lock:
            self._forget_old()
            held = self._pending.get(token)
        return held[1] if held else None

    def discard(self, token: str) -> bool:
        """The official said "Hủy"; whether the preview was still held."""
        with self._pending_lock:
            return self._pending.pop(token, None) is not None

    async def publish(self, token: str, official: AccountView, *, force: bool = False) -> Published:
        """Publish the held preview ``token`` on behalf of ``official`` (an admin). Raises
        ``NotAllowed``, ``PlanExpired``, or ``IntakeRefused`` with a message for a channel
        (missing metadata, read poorly without ``force``, duplicate, build failed: nothing
        published). The preview is dropped once published."""
        require(official, Permission.PLANS)
        pending = self.pending(token)
        if pending is None:
            raise PlanExpired()
        if pending.missing:
            raise IntakeRefused(
                "missing_metadata",
                say("officials.plan_missing_metadata", fields=field_names(pending.missing)),
                pending.preview,
            )
        if pending.needs_force and not force:
            raise IntakeRefused("poorly_read", say("officials.plan_poorly_read"), pending.preview)
        report = await asyncio.to_thread(self._publish, pending.preview, force)
        self.discard(token)
        slug = pending.preview.slug
        await asyncio.to_thread(self.audit.record, official.name, "plan_add", slug)
        return Published(slug, report)

    async def withdraw(self, slug: str, official: AccountView) -> BuildReport:
        """Take plan ``slug`` out and rebuild on behalf of ``official`` (an admin);
        ``IntakeRefused`` ("not_found") for no such plan among the published documents."""
        require(official, Permission.PLANS)
        report = await asyncio.to_thread(self._withdraw, slug)
        await asyncio.to_thread(self.audit.record, official.name, "plan_withdraw", slug)
        return report

    async def plans(self) -> list[PlanInfo]:
        return await asyncio.to_thread(list_plans, self.engine)

    # --- in a worker thread -----------------------------------------------------------------

    def _preview(self, file_name: str, content: bytes, overrides: Mapping[str, Any]) -> Preview:
        with tempfile.TemporaryDirectory(prefix="ke-hoach-") as folder:
            path = Path(folder) / safe_file_name(file_name)
            path.write_bytes(content)
            return preview_file(
                path, overrides=overrides, sources_dir=self.sources_dir, limits=UPLOAD_LIMITS
            )

    def _publish(self, preview: Preview, force: bool) -> BuildReport:
        with self._build_lock:
            report: BuildReport = publish(
                preview, force=force, sources_dir=self.sources_dir, engine=self.engine
            )
            return report

    def _withdraw(self, slug: str) -> BuildReport:
        with self._build_lock:
            report: BuildReport = withdraw(slug, sources_dir=self.sources_dir, engine=self.engine)
            return report

    def _forget_old(self) -> None:
        oldest = time.monotonic() - PENDING_S
        for token in [t for t, (held_at, _) in self._pending.items() if held_at < oldest]:
            del self._pending[token]


def safe_file_name(name: str) -> str:
    """The uploaded name as a plain file name: no folders, no odd characters, its suffix kept
    (the reader goes by it); "ke-hoach" when nothing is left."""
    base = re.split(r"[\\/]", name)[-1].strip()
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^\w .()-]+", "_", stem).strip(" ._")[:100] or "ke-hoach"
    suffix = re.sub(r"[^\w]+", "", suffix)[:10]
    return f"{stem}.{suffix}" if suffix else stem


def field_names(fields: Sequence[str]) -> str:
    """ "năm, địa bàn" for ("year", "locality"), as the intake names them."""
    return _field_names(fields)


def channel_warnings(preview: Preview) -> tuple[str, ...]:
    """The preview's warnings, the one that names command-line options worded for a channel."""
    missing = [name for name in ("title", *REQUIRED_TO_PUBLISH) if not preview.metadata.get(name)]
    if not missing:
        return preview.warnings
    cli = say("documents.missing_metadata", fields=field_names(missing))
    channel = say("officials.plan_missing_fields", fields=field_names(missing))
    return tuple(channel if warning == cli else warning for warning in preview.warnings)
