"""The OA's tokens in the database: rotated ones kept, a new authorisation taking over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from knowledge.shared.db import get_engine
from knowledge.zalo.tokens import Tokens, TokenStore

NOW = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


def test_zalo_rotated_tokens_survive_a_restart_with_the_same_environment(tmp_path: Path) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'k.db'}")
    from_env = Tokens("", "refresh-env", None)
    assert TokenStore("oa", engine).load(from_env, NOW) == from_env
    rotated = Tokens("access-1", "refresh-1", NOW + timedelta(hours=25))
    TokenStore("oa", engine).save(rotated, NOW)
    # The next start reads the same environment: the stored, rotated pair wins.
    assert TokenStore("oa", engine).load(from_env, NOW) == rotated


def test_zalo_new_refresh_token_in_the_environment_replaces_the_stored_one(
    tmp_path: Path,
) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'k.db'}")
    store = TokenStore("oa", engine)
    store.load(Tokens("", "refresh-env", None), NOW)
    store.save(Tokens("access-1", "refresh-1", NOW + timedelta(hours=25)), NOW)
    reauthorised = Tokens("", "refresh-new", None)
    assert TokenStore("oa", engine).load(reauthorised, NOW) == reauthorised
