"""Officials' accounts for the tests of every channel: made quickly (cheap argon2 parameters;
the hashing tests use the real ones) and known by name."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine

from knowledge.officials import accounts
from knowledge.officials.accounts import AccountService, AccountView, Role

PASSWORD = "mat-khau-thu-nghiem-2024"
ADMIN = "quan.tri"  # no locality: sees every locality's plans and complaints alike
HANDLER = "xu.ly"  # of Hưng Yên city, whose 2024 plan the knowledge base holds
VIEWER = "chi.xem"
HANDLER_LOCALITY = "Hưng Yên (thành phố)"  # as the plans name it
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "HASHER", CHEAP_HASHER)


def make_accounts(engine: Engine, **telegram_ids: int) -> dict[str, AccountView]:
    """An admin, a handler and a viewer; ``telegram_ids`` by account name."""
    service = AccountService(engine)
    wanted = [
        (ADMIN, Role.ADMIN, None),
        (HANDLER, Role.HANDLER, HANDLER_LOCALITY),
        (VIEWER, Role.VIEWER, None),
    ]
    return {
        name: service.create(
            name, PASSWORD, role, locality=locality, telegram_id=telegram_ids.get(name)
        )
        for name, role, locality in wanted
    }
