"""The dossier lookup this deployment uses: :class:`~knowledge.dossiers.store.SqlDossierStore`
over the local table, or :class:`~knowledge.dossiers.http_store.HttpDossierStore` over the
provincial dossier API."""

from __future__ import annotations

import os
from collections.abc import Mapping

from knowledge.dossiers.http_store import DEFAULT_TIMEOUT_S, HttpDossierStore
from knowledge.dossiers.status import DossierLookup
from knowledge.dossiers.store import SqlDossierStore
from knowledge.shared.db import get_engine
from knowledge.shared.settings import env_positive, load_settings


def make_dossier_lookup(env: Mapping[str, str] | None = None) -> DossierLookup:
    """The provincial API when ``DOSSIER_API_URL`` is set, else the local table.

    ``DOSSIER_API_TOKEN`` (bearer token) and ``DOSSIER_API_TIMEOUT`` (seconds, default 5) go
    with the API; the local table lives in the database of
    :func:`knowledge.shared.settings.load_settings`.
    """
    env = os.environ if env is None else env
    base_url = env.get("DOSSIER_API_URL", "").strip()
    if not base_url:
        return SqlDossierStore(get_engine(load_settings(env).database_url))
    return HttpDossierStore(
        base_url,
        timeout=env_positive(env, "DOSSIER_API_TIMEOUT", DEFAULT_TIMEOUT_S),
        token=env.get("DOSSIER_API_TOKEN") or None,
    )
