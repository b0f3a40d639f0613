"""Officers' passwords for the web page: argon2id hashes in the database.

``disseminator officers passwd NAME`` sets one (:func:`set_password`); the web page's
login checks one (:func:`verify`).  The password itself is never stored, logged or shown;
the hash carries its own salt and cost (argon2-cffi's defaults, RFC 9106's second
recommended setting), and a hash made with older costs is replaced at the next login.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from channels.i18n import _

from .errors import UserError

if TYPE_CHECKING:
    from .config import Settings
    from .store import Store

#: The shortest password accepted.
MIN_LENGTH = 10


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def check_strength(password: str) -> None:
    """Raises :class:`UserError` for a password too short or blank."""
    if len(password.strip()) < MIN_LENGTH:
        raise UserError(_("the password is too short: at least {n} characters, please").format(n=MIN_LENGTH))


def set_password(settings: Settings, store: Store, officer: str, password: str) -> None:
    """Store ``password``'s hash for ``officer`` (an officer of the configuration), replacing
    any before; every web login of that officer ends.  Raises :class:`UserError`."""
    from sqlalchemy import delete

    from .store.web_models import PasswordRow, WebSessionRow

    if officer not in settings.officers.officers:
        known = ", ".join(settings.officers.officers) or _("none")
        raise UserError(_("unknown officer {name!r} (officers: {known})").format(name=officer, known=known))
    check_strength(password)
    hashed = _hasher().hash(password)
    now = dt.datetime.now(dt.timezone.utc)
    with store.session() as s:
        row = s.get(PasswordRow, officer)
        if row is None:
            s.add(PasswordRow(officer=officer, hash=hashed, set_at=now))
        else:
            row.hash, row.set_at = hashed, now
        s.execute(delete(WebSessionRow).where(WebSessionRow.officer == officer))


def verify(store: Store, officer: str, password: str) -> bool:
    """True when ``password`` is ``officer``'s.  An officer without a password is checked
    against a dummy hash, so the answer takes as long either way."""
    from argon2.exceptions import InvalidHashError, VerificationError

    from .store.web_models import PasswordRow

    hasher = _hasher()
    with store.session() as s:
        row = s.get(PasswordRow, officer)
        stored = row.hash if row is not None else None
    try:
        hasher.verify(stored or _dummy(), password)
    except (VerificationError, InvalidHashError):
        return False
    if stored is None:
        return False
    if hasher.check_needs_rehash(stored):
        with store.session() as s:
            found = s.get(PasswordRow, officer)
            if found is not None:
                found.hash = hasher.hash(password)
    return True


def has_password(store: Store, officer: str) -> bool:
    """True when ``officer`` has a web password."""
    from .store.web_models import PasswordRow

    with store.session() as s:
        return s.get(PasswordRow, officer) is not None


_DUMMY: list[str] = []


def _dummy() -> str:
    if not _DUMMY:
        _DUMMY.append(_hasher().hash("not a password of anyone"))
    return _DUMMY[0]
