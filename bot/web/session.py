"""Sessions of the officials' page and their CSRF tokens, signed with itsdangerous.

The cookie carries a random session id, the account id (None before login) and the account's
session epoch, signed with a timestamp: it expires after ``SESSION_S``, a logout or a disabled
account raises the epoch so older cookies stop counting, and a forged or altered one fails the
signature. Every form carries a CSRF token: the session id, signed under another salt, so a
token taken from one session is worthless in another. The login form has one too (tied to the
session the login page opened), so another site cannot log an official into its own account.

The key is OFFICIALS_SESSION_SECRET, or a random one kept in VAR_DIR (made on first use).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer

from knowledge.shared.clock import Clock
from knowledge.shared.settings import SettingError

COOKIE = "can_bo_phien"
SESSION_S = 8 * 3600  # a working day
SECRET_MIN = 32
SECRET_FILE = "officials_session.key"
_SALT = "tro-ly-cchc/can-bo/session"
_CSRF_SALT = "tro-ly-cchc/can-bo/csrf"


@dataclass(frozen=True)
class Session:
    sid: str
    account_id: int | None  # None: the login page's session, before anyone logged in
    epoch: int


class _ClockedSigner(TimestampSigner):
    """A TimestampSigner reading the page's clock, so tests can move time."""

    def __init__(self, *args: Any, clock: Clock, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock

    def get_timestamp(self) -> int:
        return int(self._clock().timestamp())


class Sessions:
    """Issues and reads session cookies and CSRF tokens under one secret."""

    def __init__(self, secret: str, clock: Clock) -> None:
        signer_kwargs = {"clock": clock, "digest_method": hashlib.sha256}
        self._cookies = URLSafeTimedSerializer(
            secret, salt=_SALT, signer=_ClockedSigner, signer_kwargs=signer_kwargs
        )
        self._csrf = URLSafeTimedSerializer(
            secret, salt=_CSRF_SALT, signer=_ClockedSigner, signer_kwargs=signer_kwargs
        )

    def issue(self, account_id: int | None = None, epoch: int = 0) -> tuple[Session, str]:
        """A new session (a new id: a login never keeps the login page's) and its cookie."""
        session = Session(secrets.token_urlsafe(18), account_id, epoch)
        return session, self._cookies.dumps([session.sid, account_id, epoch])

    def read(self, cookie: str) -> Session | None:
        """The session of a cookie; None when forged, altered or expired."""
        loaded = self._load(self._cookies, cookie)
        if not (isinstance(loaded, list) and len(loaded) == 3):
            return None
        sid, account_id, epoch = loaded
        if not isinstance(sid, str) or not isinstance(epoch, int):
            return None
        if account_id is not None and not isinstance(account_id, int):
            return None
        return Session(sid, account_id, epoch)

    def csrf_token(self, session: Session) -> str:
        return self._csrf.dumps(session.sid)

    def csrf_valid(self, session: Session | None, token: object) -> bool:
        if session is None or not isinstance(token, str) or not token:
            return False
        sid = self._load(self._csrf, token)
        return isinstance(sid, str) and hmac.compare_digest(sid, session.sid)

    @staticmethod
    def _load(serializer: URLSafeTimedSerializer, value: str) -> Any:
        try:
            # itsdangerous still accepts an age equal to max_age; the cookie's Max-Age has
            # ended it by then in the browser, so the server ends it a second earlier too.
            return serializer.loads(value, max_age=SESSION_S - 1)
        except BadData:  # forged, signed with another secret, expired, or not ours at all
            return None


def session_secret(environ: Mapping[str, str], var_dir: Path) -> str:
    """OFFICIALS_SESSION_SECRET, else the random key kept in ``var_dir`` (made once, readable
    by this user only). Changing it ends every session."""
    given = environ.get("OFFICIALS_SESSION_SECRET", "").strip()
    if given:
        if len(given) < SECRET_MIN:
            raise SettingError(
                f"OFFICIALS_SESSION_SECRET must have {SECRET_MIN} characters or more"
            )
        return given
    path = var_dir / SECRET_FILE
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(descriptor, "w") as key_file:
                key_file.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
