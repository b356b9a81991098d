"""Adapter for a provincial dossier API (hệ thống thông tin giải quyết TTHC).

Contract expected of the API:

``GET {base_url}/dossiers/{code}`` with ``Authorization: Bearer {token}`` when a token is
configured, ``code`` canonical (``H31.29-260115-0001``).

- ``200`` with a JSON object::

      {
        "code": "H31.29-260115-0001",           # optional echo, not relied on
        "procedure": "Đăng ký khai sinh",
        "receiving_unit": "UBND phường Lam Sơn",
        "status": "processing",                 # received | processing | supplement_required
                                                # | result_ready | returned | rejected
        "received_on": "2026-01-15",            # ISO dates
        "due_on": "2026-01-16",
        "finished_on": null,                    # date once result_ready/returned/rejected
        "paid_online": false,                   # optional, default false
        "result_by_post": false,                # optional, default false
        "applicant_name": "Nguyễn Văn An"       # masked here, never shown in full
      }

- ``404``: no such dossier → ``None``.
- anything else (other 4xx, 5xx, timeout, refused connection, a body that does not follow the
  contract) → :class:`DossierServiceUnavailable`, so the assistant can say the service is
  down instead of "not found".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import quote

import httpx

from knowledge.dossiers.codes import normalize_dossier_code
from knowledge.dossiers.status import DossierServiceUnavailable, DossierStatus, dossier_status
from knowledge.shared.periods import vietnam_today
from knowledge.shared.settings import DEFAULT_SETTINGS

DEFAULT_TIMEOUT_S = DEFAULT_SETTINGS.dossier_api_timeout_s


class HttpDossierStore:
    """Dossier lookups over HTTP; one connection pool per instance, closed by :meth:`close`."""

    def __init__(
        self,
        base_url: str,
        timeout: float = DEFAULT_TIMEOUT_S,
        token: str | None = None,
        today: Callable[[], date] = vietnam_today,
    ) -> None:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._base_url = base_url.rstrip("/")
        self._client = httpx.Client(timeout=timeout, headers=headers)
        self._today = today

    def get(self, code: str) -> DossierStatus | None:
        canonical = normalize_dossier_code(code)
        if canonical is None:
            return None
        url = f"{self._base_url}/dossiers/{quote(canonical, safe='')}"
        try:
            response = self._client.get(url)
        except httpx.HTTPError as error:
            raise DossierServiceUnavailable(f"dossier API unreachable: {error!r}") from error
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        if response.status_code != httpx.codes.OK:
            raise DossierServiceUnavailable(f"dossier API answered {response.status_code}")
        try:
            return _parse(canonical, response.json(), self._today())
        except (ValueError, TypeError, KeyError) as error:
            raise DossierServiceUnavailable(f"dossier API answer unreadable: {error}") from error

    def close(self) -> None:
        self._client.close()


def _parse(code: str, body: Any, today: date) -> DossierStatus:
    if not isinstance(body, Mapping):
        raise TypeError("the answer is not a JSON object")
    finished = body.get("finished_on")
    return dossier_status(
        code=code,
        procedure=_text(body, "procedure"),
        receiving_unit=_text(body, "receiving_unit"),
        status=_text(body, "status"),
        received_on=date.fromisoformat(_text(body, "received_on")),
        due_on=date.fromisoformat(_text(body, "due_on")),
        finished_on=None if finished is None else date.fromisoformat(finished),
        paid_online=_flag(body, "paid_online"),
        result_by_post=_flag(body, "result_by_post"),
        applicant_name=_text(body, "applicant_name"),
        today=today,
    )


def _text(body: Mapping[str, Any], key: str) -> str:
    value = body[key]
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{key} must be a non-empty string")
    return value.strip()


def _flag(body: Mapping[str, Any], key: str) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise TypeError(f"{key} must be true or false")
    return value
