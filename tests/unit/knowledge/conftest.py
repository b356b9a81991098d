"""One knowledge base, built from the real documents into a temporary SQLite file, shared by
the tests of this package (a build takes about a second)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from knowledge.build import BuildReport, build
from knowledge.db import make_engine
from knowledge.search import Catalog, catalog


@pytest.fixture(scope="session")
def kb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("kb") / "knowledge.db"


@pytest.fixture(scope="session")
def kb_engine(kb_path: Path) -> Engine:
    return make_engine(f"sqlite:///{kb_path}")


@pytest.fixture(scope="session")
def kb_report(kb_engine: Engine) -> BuildReport:
    return build(kb_engine)


@pytest.fixture(scope="session")
def kb(kb_engine: Engine, kb_report: BuildReport) -> Catalog:
    return catalog(kb_engine)
