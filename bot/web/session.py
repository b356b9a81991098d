"""The officials' login: one shared access token, and a session cookie signed with it.

The cookie is an itsdangerous timestamp signature keyed by the token (salted for this use), so
it proves the login without carrying the token, expires after ``SESSION_S``, and changing
OFFICIALS_WEB_TOKEN ends every session. Scripts may send "Authorization: Bearer <token>".
"""

from __future__ import annotations

import hashlib
import hmac

from itsdangerous import BadSignature, TimestampSigner

from knowledge.shared.clock import Clock

COOKIE = "can_bo_phien"
SESSION_S = 8 * 3600  # a working day
TOKEN_MIN = 16
_SALT = "tro-ly-cchc/can-bo/session"
_SUBJECT = b"can-bo"  # one shared token: the page cannot tell officials apart


class _ClockedSigner(TimestampSigner):
    """A TimestampSigner reading the desk's clock, so tests can move time."""

    def __init__(self, token: str, clock: Clock) -> None:
        super().__init__(token, salt=_SALT, digest_method=hashlib.sha256)
        self._clock = clock

    def get_timestamp(self) -> int:
        return int(self._clock().timestamp())


class Sessions:
    """Issues and checks session cookies for one token."""

    def __init__(self, token: str, clock: Clock) -> None:
        self._token = token
        self._signer = _ClockedSigner(token, clock)

    def issue(self) -> str:
        return self._signer.sign(_SUBJECT).decode()

    def valid(self, cookie: str) -> bool:
        try:
            # itsdangerous still accepts an age equal to max_age; the cookie's Max-Age has
            # ended it by then in the browser, so the server ends it a second earlier too.
            return self._signer.unsign(cookie, max_age=SESSION_S - 1) == _SUBJECT
        except BadSignature:  # forged, signed with another token, or expired
            return False

    def token_matches(self, given: str) -> bool:
        """Constant-time comparison; digests first, so not even the length leaks."""
        return hmac.compare_digest(
            hashlib.sha256(given.encode()).digest(), hashlib.sha256(self._token.encode()).digest()
        )
