"""Subscriptions to a dossier's updates, and the claim → send → mark steps of the watcher.

Each step is one short transaction guarded by what the row held before (a compare-and-set), so
two watchers, or one restarted after kill -9, agree on who sends what: a change is claimed
before it is sent and marked once sent; a claim left behind by a process that died is taken
over once ``lease`` has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, or_, select, update

from knowledge.notify.models import NOTIFY_TABLES, DossierSubscription
from knowledge.officials import channel_of
from knowledge.shared.db import session_scope
from knowledge.shared.schema import SchemaGuard

# After these statuses nothing more happens to a dossier: its subscriptions end.
CLOSED_STATUSES = frozenset({"returned", "rejected"})
# More active subscriptions per chat are refused: a citizen follows a few dossiers, a script
# probing codes many.
MAX_PER_CHAT = 10
UNSUBSCRIBED, FINISHED, BLOCKED = "unsubscribed", "finished", "blocked"
END_REASONS = (UNSUBSCRIBED, FINISHED, BLOCKED)


@dataclass(frozen=True)
class Subscription:
    id: int
    channel: str
    chat: str
    dossier_code: str
    notified_status: str


class TooManySubscriptions(Exception):
    """The chat already follows MAX_PER_CHAT dossiers."""


class SubscriptionStore:
    """The subscriptions of ``engine``'s database (migrated on first use)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._schema = SchemaGuard(engine, NOTIFY_TABLES)

    def subscribe(self, chat: str, code: str, status: str, now: datetime) -> bool:
        """Follow ``code`` from ``chat`` (a sender id), its current ``status`` already told;
        False when the chat follows it already. Raises TooManySubscriptions."""
        self._schema.ensure()
        channel = channel_of(chat)
        with session_scope(self._engine) as session:
            rows = session.scalars(
                select(DossierSubscription).where(
                    DossierSubscription.channel == channel,
                    DossierSubscription.chat == chat,
                    DossierSubscription.ended_at.is_(None),
                )
            ).all()
            if any(row.dossier_code == code for row in rows):
                return False
            if len(rows) >= MAX_PER_CHAT:
                raise TooManySubscriptions(chat)
            row = session.scalar(
                select(DossierSubscription).where(
                    DossierSubscription.channel == channel,
                    DossierSubscription.chat == chat,
                    DossierSubscription.dossier_code == code,
                )
            )
            if row is None:
                row = DossierSubscription(channel=channel, chat=chat, dossier_code=code)
                session.add(row)
            row.notified_status = status
            row.sending_status = None
            row.claimed_at = None
            row.subscribed_at = now
            row.ended_at = None
            row.end_reason = None
        return True

    def unsubscribe(self, chat: str, code: str | None, now: datetime) -> list[str]:
        """Stop following ``code`` (every dossier when None); the codes stopped."""
        self._schema.ensure()
        query = select(DossierSubscription).where(
            DossierSubscription.channel == channel_of(chat),
            DossierSubscription.chat == chat,
            DossierSubscription.ended_at.is_(None),
        )
        if code is not None:
            query = query.where(DossierSubscription.dossier_code == code)
        with session_scope(self._engine) as session:
            rows = session.scalars(query).all()
            for row in rows:
                row.ended_at, row.end_reason = now, UNSUBSCRIBED
            return sorted(row.dossier_code for row in rows)

    def active(self, chat: str) -> list[str]:
        """The codes ``chat`` follows."""
        self._schema.ensure()
        with session_scope(self._engine) as session:
            return sorted(
                session.scalars(
                    select(DossierSubscription.dossier_code).where(
                        DossierSubscription.chat == chat, DossierSubscription.ended_at.is_(None)
                    )
                )
            )

    # ── the watcher's steps ───────────────────────────────────────────────────────────────

    def claimable(self, channel: str, now: datetime, lease: timedelta) -> list[Subscription]:
        """Active subscriptions of ``channel`` not being sent by a live watcher."""
        self._schema.ensure()
        with session_scope(self._engine) as session:
            rows = session.scalars(
                select(DossierSubscription)
                .where(
                    DossierSubscription.channel == channel,
                    DossierSubscription.ended_at.is_(None),
                    or_(
                        DossierSubscription.claimed_at.is_(None),
                        DossierSubscription.claimed_at < now - lease,
                    ),
                )
                .order_by(DossierSubscription.id)
            ).all()
            return [
                Subscription(r.id, r.channel, r.chat, r.dossier_code, r.notified_status)
                for r in rows
            ]

    def claim(
        self, subscription: Subscription, status: str, now: datetime, lease: timedelta
    ) -> bool:
        """Take the sending of ``status`` to the subscriber; False when another watcher holds
        it, the subscription ended, or the subscriber was told meanwhile."""
        with session_scope(self._engine) as session:
            claimed = session.execute(
                update(DossierSubscription)
                .where(
                    DossierSubscription.id == subscription.id,
                    DossierSubscription.ended_at.is_(None),
                    DossierSubscription.notified_status == subscription.notified_status,
                    or_(
                        DossierSubscription.claimed_at.is_(None),
                        DossierSubscription.claimed_at < now - lease,
                    ),
                )
                .values(sending_status=status, claimed_at=now)
            )
            return bool(claimed.rowcount)  # type: ignore[attr-defined]

    def mark_sent(self, subscription: Subscription, status: str, now: datetime) -> None:
        """The subscriber has been told ``status``; a closed dossier ends the subscription."""
        closed = status in CLOSED_STATUSES
        with session_scope(self._engine) as session:
            session.execute(
                update(DossierSubscription)
                .where(DossierSubscription.id == subscription.id)
                .values(
                    notified_status=status,
                    sending_status=None,
                    claimed_at=None,
                    ended_at=now if closed else None,
                    end_reason=FINISHED if closed else None,
                )
            )

    def release(self, subscription: Subscription) -> None:
        """The send failed for now: the next round tries again."""
        with session_scope(self._engine) as session:
            session.execute(
                update(DossierSubscription)
                .where(DossierSubscription.id == subscription.id)
                .values(sending_status=None, claimed_at=None)
            )

    def end(self, subscription: Subscription, reason: str, now: datetime) -> None:
        with session_scope(self._engine) as session:
            session.execute(
                update(DossierSubscription)
                .where(DossierSubscription.id == subscription.id)
                .values(sending_status=None, claimed_at=None, ended_at=now, end_reason=reason)
            )
