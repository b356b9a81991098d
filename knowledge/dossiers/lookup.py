"""The dossier lookup this deployment uses: :class:`~knowledge.dossiers.store.SqlDossierStore`
over the local table, or :class:`~knowledge.dossiers.http_store.HttpDossierStore` over the
provincial dossier API."""

from __future__ import annotations

from collections.abc import Mapping

from knowledge.dossiers.http_store import HttpDossierStore
from knowledge.dossiers.status import DossierLookup
from knowledge.dossiers.store import SqlDossierStore
from knowledge.shared.db import get_engine
from knowledge.shared.settings import load_settings


def make_dossier_lookup(env: Mapping[str, str] | None = None) -> DossierLookup:
    """The provincial API when ``DOSSIER_API_URL`` is set, else the local table.

    ``DOSSIER_API_TOKEN`` (bearer token) and ``DOSSIER_API_TIMEOUT`` (seconds, default 5) go
    with the API; the local table lives in the database of
    :func:`knowledge.shared.settings.load_settings`.
    """
    settings = load_settings(env)
    if not settings.dossier_api_url:
        return SqlDossierStore(get_engine(settings.database_url))
    return HttpDossierStore(
        settings.dossier_api_url,
        timeout=settings.dossier_api_timeout_s,
        token=settings.dossier_api_token or None,
    )
