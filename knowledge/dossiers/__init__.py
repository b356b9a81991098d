"""Dossiers (hồ sơ TTHC): code parsing, status lookup, demo data, on-time statistics.

Import from the modules themselves; this package imports nothing so that the pure
:mod:`knowledge.dossiers.codes` stays importable without SQLAlchemy or httpx.
"""
