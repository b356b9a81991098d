"""The durable inbox: updates committed before they are acknowledged, claimed by one worker at a
time, retried after a failure, replayed after a restart, and the replies already sent.

Every method is one short transaction, safe to call from several threads (channels call them
through ``asyncio.to_thread``). The claim is a conditional UPDATE, so two workers, in one
process or several, never hold the same update at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from knowledge.inbox.models import ID_MAX, InboxReply, InboxUpdate
from knowledge.shared.clock import Clock, utc_now
from knowledge.shared.db import session_scope
from knowledge.shared.metrics import INBOX_ACCEPTED, INBOX_DUPLICATES, INBOX_REPLAYED
from knowledge.shared.schema import SchemaGuard

log = logging.getLogger(__name__)

# A claim not renewed for this long belongs to a worker that died or hung: it is handed out
# again. Workers renew it while their handler runs (``knowledge.inbox.worker.holding``).
DEFAULT_LEASE = timedelta(minutes=2)
DEFAULT_MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(seconds=30)  # times the attempt number
ERROR_MAX = 1000


@dataclass(frozen=True)
class InboxItem:
    """An update as the inbox holds it."""

    pk: int
    channel: str
    update_id: str
    chat_id: str
    payload: dict[str, Any]
    received_at: datetime
    state: str
    attempts: int
    memo: dict[str, Any] | None = None


@dataclass(frozen=True)
class Claim:
    """An update handed to one worker: its attempt number is the token that lets only this
    worker finish it, ``sent`` the ordinals of replies already sent by earlier attempts."""

    item: InboxItem
    sent: frozenset[int] = field(default_factory=frozenset)


class Inbox:
    """The inbox of every channel on one database."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock = utc_now,
        lease: timedelta = DEFAULT_LEASE,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._lease = lease
        self._max_attempts = max_attempts
        self._schema = SchemaGuard(engine, [InboxUpdate, InboxReply])
        # SQLite lets one writer in at a time and makes the others sleep and retry (up to
        # 100 ms a try): the process's threads queue here instead.
        self._serial: AbstractContextManager[Any] = (
            threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()
        )

    # --- receiving -------------------------------------------------------------------------

    def accept(self, channel: str, update_id: str | int, chat_id: str | int, payload: Any) -> bool:
        """Commit an incoming update; True when it is new, False for a second delivery of one
        already received (which must then be acknowledged and dropped). Acknowledge the
        platform only after this returns: a database error raises and acknowledges nothing."""
        key, chat = _id(update_id), _id(chat_id)
        self._schema.ensure()
        try:
            with self._session() as session:
                session.add(
                    InboxUpdate(
                        channel=channel,
                        update_id=key,
                        chat_id=chat,
                        payload=payload,
                        received_at=self._clock(),
                        state="pending",
                        attempts=0,
                    )
                )
        except IntegrityError:
            INBOX_DUPLICATES.labels(channel=channel).inc()
            log.info("%s update %s received again: ignored", channel, key)
            return False
        INBOX_ACCEPTED.labels(channel=channel).inc()
        return True

    def get(self, channel: str, update_id: str | int) -> InboxItem | None:
        """The update as stored (e.g. to answer a duplicate with what the first one got)."""
        self._schema.ensure()
        with self._session() as session:
            row = session.scalar(_by_key(channel, _id(update_id)))
            return None if row is None else _item(row)

    # --- handling ----------------------------------------------------------------------------

    def claim(self, channel: str, update_id: str | int) -> Claim | None:
        """Hand the update to the caller until the lease ends; None when it is done, failed,
        waiting for its retry time, or held by another worker."""
        now = self._clock()
        self._schema.ensure()
        with self._session() as session:
            # One conditional UPDATE: the database decides which of two workers gets it.
            row = session.execute(
                update(InboxUpdate)
                .where(
                    InboxUpdate.channel == channel,
                    InboxUpdate.update_id == _id(update_id),
                    _due(now),
                )
                .values(
                    state="in_progress",
                    attempts=InboxUpdate.attempts + 1,
                    lease_until=now + self._lease,
                    not_before=None,
                )
                .returning(InboxUpdate)
            ).scalar_one_or_none()
            if row is None:
                return None
            if row.attempts == 1:  # the first attempt: nothing sent yet
                return Claim(_item(row))
            sent = session.scalars(
                select(InboxReply.ordinal).where(InboxReply.update_pk == row.id)
            ).all()
            return Claim(_item(row), frozenset(sent))

    @property
    def lease(self) -> timedelta:
        return self._lease

    def extend(self, claim: Claim) -> None:
        """The worker still handles the update: its claim lasts another lease from now."""
        self._set(claim, lease_until=self._clock() + self._lease)

    def complete(self, claim: Claim) -> None:
        """The update is handled."""
        self._set(claim, state="done", finished_at=self._clock(), lease_until=None)

    def release(self, claim: Claim, error: BaseException) -> None:
        """Handling failed: retry later, or give up after the last attempt."""
        attempts = claim.item.attempts
        if attempts >= self._max_attempts:
            self.give_up(claim, error)
            return
        log.warning("%s update %s failed, retried later: %s", *_key(claim), _reason(error))
        self._set(
            claim,
            state="pending",
            not_before=self._clock() + RETRY_AFTER * attempts,
            lease_until=None,
            last_error=_reason(error),
        )

    def give_up(self, claim: Claim, error: BaseException) -> None:
        """Handling failed and is not tried again; the update stays, with its error, for an
        operator to read."""
        log.error("%s update %s failed, given up: %s", *_key(claim), _reason(error))
        self._set(
            claim,
            state="failed",
            finished_at=self._clock(),
            lease_until=None,
            last_error=_reason(error),
        )

    def remember(self, claim: Claim, memo: dict[str, Any]) -> None:
        """Keep what the handler computed, so that a replay uses it instead of computing it
        again (``Claim.item.memo`` of the next claim)."""
        self._set(claim, memo=memo)

    def record_sent(self, claim: Claim, ordinal: int) -> None:
        """The reply at ``ordinal`` reached the platform: a replay must not send it again."""
        with self._session() as session:
            session.add(InboxReply(update_pk=claim.item.pk, ordinal=ordinal, sent_at=self._clock()))

    # --- replaying ---------------------------------------------------------------------------

    def recover(self, channel: str) -> list[InboxItem]:
        """At a consumer's start: every update of ``channel`` not yet handled, oldest first,
        claims of the previous run (killed mid-update) and retry times dropped. Only one
        consumer per channel may run this (see docs/ARCHITECTURE.md)."""
        self._schema.ensure()
        with self._session() as session:
            session.execute(
                update(InboxUpdate)
                .where(
                    InboxUpdate.channel == channel,
                    InboxUpdate.state.in_(("pending", "in_progress")),
                )
                .values(state="pending", lease_until=None, not_before=None)
            )
            items = _pending(session, channel, self._clock())
        if items:
            INBOX_REPLAYED.labels(channel=channel).inc(len(items))
            log.info("%s: %d update(s) received before the restart replayed", channel, len(items))
        return items

    def due(self, channel: str) -> list[InboxItem]:
        """Updates of ``channel`` a worker may claim now: pending ones whose retry time has
        come and claims whose lease ran out, oldest first."""
        self._schema.ensure()
        with self._session() as session:
            items = _pending(session, channel, self._clock())
        if items:
            INBOX_REPLAYED.labels(channel=channel).inc(len(items))
        return items

    def purge(self, before: datetime) -> int:
        """Delete handled and failed updates received before ``before`` (and their replies);
        the number deleted. Updates hold what people typed: keep them no longer than needed to
        recognise a second delivery."""
        self._schema.ensure()
        with self._session() as session:
            old = select(InboxUpdate.id).where(
                InboxUpdate.state.in_(("done", "failed")), InboxUpdate.received_at < before
            )
            session.execute(delete(InboxReply).where(InboxReply.update_pk.in_(old)))
            result = session.execute(delete(InboxUpdate).where(InboxUpdate.id.in_(old)))
            return int(result.rowcount)  # type: ignore[attr-defined]

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._serial, session_scope(self._engine) as session:
            yield session

    def _set(self, claim: Claim, **values: Any) -> None:
        """Update the claimed row, only while ``claim`` still holds it."""
        with self._session() as session:
            session.execute(
                update(InboxUpdate)
                .where(
                    InboxUpdate.id == claim.item.pk,
                    InboxUpdate.state == "in_progress",
                    InboxUpdate.attempts == claim.item.attempts,
                )
                .values(**values)
            )


def _id(value: str | int) -> str:
    text = str(value)
    if not text or len(text) > ID_MAX:
        raise ValueError(f"an inbox id has 1 to {ID_MAX} characters, not {len(text)}")
    return text


def _reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_MAX]


def _key(claim: Claim) -> tuple[str, str]:
    return claim.item.channel, claim.item.update_id


def _by_key(channel: str, update_id: str) -> Any:
    return select(InboxUpdate).where(
        InboxUpdate.channel == channel, InboxUpdate.update_id == update_id
    )


def _due(now: datetime) -> Any:
    """Rows a worker may claim at ``now``."""
    return or_(
        and_(
            InboxUpdate.state == "pending",
            or_(InboxUpdate.not_before.is_(None), InboxUpdate.not_before <= now),
        ),
        and_(InboxUpdate.state == "in_progress", InboxUpdate.lease_until < now),
    )


def _pending(session: Session, channel: str, now: datetime) -> list[InboxItem]:
    rows = session.scalars(
        select(InboxUpdate)
        .where(InboxUpdate.channel == channel, _due(now))
        .order_by(InboxUpdate.id)
    ).all()
    return [_item(row) for row in rows]


def _item(row: InboxUpdate) -> InboxItem:
    return InboxItem(
        pk=row.id,
        channel=row.channel,
        update_id=row.update_id,
        chat_id=row.chat_id,
        payload=row.payload,
        received_at=row.received_at,
        state=row.state,
        attempts=row.attempts,
        memo=row.memo,
    )
