"""The dossier store's fixtures, for the dossier actions: an empty store per test (``engine``)
and ``add_dossier``, a birth registration at Lam Sơn unless told otherwise."""

from tests.unit.dossiers.conftest import add_dossier, engine

__all__ = ["add_dossier", "engine"]
