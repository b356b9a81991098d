"""The OA's access and refresh tokens, kept in the database.

Zalo's refresh token is single-use: each refresh returns a new one and the old one stops
working. It is therefore stored the moment it arrives; the environment's token only seeds the
row. A row remembers which environment token it descends from (a hash), so an administrator who
authorises the app again and puts the new refresh token in the environment replaces it, while
an unchanged environment leaves the rotated tokens alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.shared.db import get_engine, session_scope
from knowledge.shared.models import Base, UtcDateTime
from knowledge.shared.schema import SchemaGuard


class ZaloToken(Base):
    """The newest tokens of one Official Account."""

    __tablename__ = "zalo_tokens"

    oa_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str] = mapped_column(Text)
    # None: unknown (a token from the environment), so it is refreshed before first use.
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    seed: Mapped[str] = mapped_column(String(64))  # sha256 of the environment's refresh token
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


@dataclass(frozen=True)
class Tokens:
    access_token: str  # "" when none is known yet
    refresh_token: str
    expires_at: datetime | None  # aware; None when unknown


def _seed(refresh_token: str) -> str:
    return hashlib.sha256(refresh_token.encode()).hexdigest()


class TokenStore:
    """One OA's tokens: seeded from the environment, then kept as Zalo rotates them."""

    def __init__(self, oa_id: str, engine: Engine | None = None) -> None:
        self._oa_id = oa_id
        self._engine = engine or get_engine()
        self._schema = SchemaGuard(self._engine, [ZaloToken])

    def load(self, configured: Tokens, now: datetime) -> Tokens:
        """The tokens to use: the stored ones, unless the environment's refresh token
        (``configured``) is not the one they descend from; then ``configured``, stored."""
        self._schema.ensure()
        seed = _seed(configured.refresh_token)
        with session_scope(self._engine) as session:
            row = session.get(ZaloToken, self._oa_id)
            if row is not None and row.seed == seed:
                return Tokens(row.access_token, row.refresh_token, row.expires_at)
            if row is None:
                row = ZaloToken(oa_id=self._oa_id)
                session.add(row)
            _write(row, configured, now)
            row.seed = seed
            return configured

    def stored(self) -> Tokens | None:
        """The stored tokens as they are, for processes that send but never refresh."""
        self._schema.ensure()
        with session_scope(self._engine) as session:
            row = session.get(ZaloToken, self._oa_id)
            return (
                None if row is None else Tokens(row.access_token, row.refresh_token, row.expires_at)
            )

    def save(self, tokens: Tokens, now: datetime) -> None:
        """Keep tokens Zalo has just issued (the row exists: ``load`` made it)."""
        self._schema.ensure()
        with session_scope(self._engine) as session:
            row = session.get(ZaloToken, self._oa_id)
            if row is None:
                raise LookupError(f"no tokens stored for OA {self._oa_id}: load them first")
            _write(row, tokens, now)


def _write(row: ZaloToken, tokens: Tokens, now: datetime) -> None:
    row.access_token = tokens.access_token
    row.refresh_token = tokens.refresh_token
    row.expires_at = tokens.expires_at
    row.updated_at = now
