"""Shared pytest configuration: tests under tests/e2e are marked ``e2e``."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError

from knowledge.plans.build import BuildReport, build
from knowledge.plans.search import Catalog, catalog
from knowledge.shared.db import get_engine, make_engine

E2E_DIR = Path(__file__).parent / "e2e"
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@localhost/postgres"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """The URL of an empty PostgreSQL database made for the caller and dropped after it; the
    test is skipped when no server answers."""
    admin = create_engine(
        POSTGRES_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except SQLAlchemyError as exc:
        admin.dispose()
        pytest.skip(f"no PostgreSQL server answers at {POSTGRES_URL}: {type(exc).__name__}")
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def new_postgres_database() -> Callable[[str], AbstractContextManager[str]]:
    """``postgres_database``, for tests that need more than one database."""
    return postgres_database


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    """An engine on a database created for this test and dropped after it."""
    with postgres_database("feedback_test") as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.fixture(scope="session")
def kb_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The engine of a knowledge base built from the real plan documents, shared by the
    session's tests (a build takes about a second)."""
    return get_engine(f"sqlite:///{tmp_path_factory.mktemp('kb') / 'knowledge.db'}")


@pytest.fixture(scope="session")
def kb_report(kb_engine: Engine) -> BuildReport:
    return build(kb_engine)


@pytest.fixture(scope="session")
def kb_url(kb_engine: Engine, kb_report: BuildReport) -> str:
    return kb_engine.url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def kb(kb_engine: Engine, kb_report: BuildReport) -> Catalog:
    return catalog(kb_engine)
