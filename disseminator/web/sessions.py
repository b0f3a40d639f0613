"""Logins kept in the database: the browser holds a random token (an HttpOnly cookie), the
database its SHA-256, the officer, a CSRF token, and when it began and was last used.

A login ends at logout (its row is deleted: the cookie is worth nothing after), after
``[web] session_idle`` seconds without a request, after ``session_max`` seconds in any
case, when the officer's password changes, or when the officer leaves the configuration.
Notices ("3 posts approved") wait in the row until the next page shows them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..store import Store
    from ..web_config import WebSettings

#: The cookie holding the login's token.
COOKIE = "disseminator_session"
#: ``seen_at`` is written at most this often (a page's assets and quick clicks write nothing).
TOUCH_EVERY = dt.timedelta(seconds=30)


@dataclass(frozen=True)
class Login:
    """A live login: whose, its CSRF token and the hash of its token (its key)."""

    officer: str
    csrf: str
    key: str


def _key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def start(store: Store, officer: str, address: str) -> str:
    """A new login for ``officer``; returns the token for the cookie."""
    from ..store.web_models import WebSessionRow

    token = secrets.token_urlsafe(32)
    at = now()
    with store.session() as s:
        s.add(WebSessionRow(token_hash=_key(token), officer=officer, csrf=secrets.token_urlsafe(32),
                            created_at=at, seen_at=at, address=address[:100], notices=None))
    return token


def find(store: Store, web: WebSettings, token: str | None) -> Login | None:
    """The live login of ``token``; an expired one is deleted and None returned."""
    from ..store.web_models import WebSessionRow

    if not token:
        return None
    key = _key(token)
    at = now()
    with store.session() as s:
        row = s.get(WebSessionRow, key)
        if row is None:
            return None
        idle = at - row.seen_at > dt.timedelta(seconds=web.session_idle)
        old = at - row.created_at > dt.timedelta(seconds=web.session_max)
        if idle or old:
            s.delete(row)
            return None
        if at - row.seen_at > TOUCH_EVERY:
            row.seen_at = at
        return Login(officer=row.officer, csrf=row.csrf, key=key)


def end(store: Store, key: str) -> None:
    """End the login whose token hashes to ``key``."""
    from sqlalchemy import delete

    from ..store.web_models import WebSessionRow

    with store.session() as s:
        s.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == key))


def sweep(store: Store, web: WebSettings) -> int:
    """Delete logins past their absolute or idle timeout (at each login); returns how many."""
    from sqlalchemy import delete, or_

    from ..store.web_models import WebSessionRow

    at = now()
    with store.session() as s:
        gone = s.execute(delete(WebSessionRow).where(or_(
            WebSessionRow.created_at < at - dt.timedelta(seconds=web.session_max),
            WebSessionRow.seen_at < at - dt.timedelta(seconds=web.session_idle))))
        return int(getattr(gone, "rowcount", 0) or 0)


def add_notice(store: Store, key: str, text: str, kind: str) -> None:
    """Keep ``text`` (``kind``: ``ok`` or ``error``) for the next page of this login."""
    from ..store.web_models import WebSessionRow

    with store.session() as s:
        row = s.get(WebSessionRow, key)
        if row is not None:
            row.notices = [*(row.notices or []), {"text": text, "kind": kind}]


def take_notices(store: Store, key: str) -> list[dict[str, Any]]:
    """The notices waiting for this login, removed as they are read."""
    from sqlalchemy import update

    from ..store.web_models import WebSessionRow

    with store.session() as s:
        row = s.get(WebSessionRow, key)
        if row is None or not row.notices:
            return []
        found = list(row.notices)
        s.execute(update(WebSessionRow).where(WebSessionRow.token_hash == key).values(notices=None))
        return found
