"""Failed logins, counted in the database (so every web process of one database agrees):
after ``[web] login_attempts`` failures of one officer, or ``address_attempts`` from one
client address, within ``login_wait`` seconds, logins of that officer (or from that
address) wait until ``login_wait`` seconds after the last failure.  While it waits the
password is not even checked (an attacker cannot keep the machine busy hashing)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..store import Store
    from ..web_config import WebSettings

#: Failures older than this are deleted when a new one is written.
KEEP = dt.timedelta(days=1)


def blocked_until(store: Store, web: WebSettings, officer: str, address: str, now: dt.datetime) -> dt.datetime | None:
    """When logins of ``officer`` or from ``address`` may be tried again; None: now."""
    from sqlalchemy import func, select

    from ..store.web_models import LoginFailureRow as F

    since = now - dt.timedelta(seconds=web.login_wait)
    wait = dt.timedelta(seconds=web.login_wait)
    found: list[dt.datetime] = []
    with store.session() as s:
        for column, value, limit in ((F.officer, officer, web.login_attempts), (F.address, address, web.address_attempts)):
            count, last = s.execute(select(func.count(), func.max(F.at)).where(column == value, F.at > since)).one()
            if count >= limit and last is not None:
                found.append(_aware(last) + wait)
    return max(found) if found else None


def failed(store: Store, officer: str, address: str, now: dt.datetime) -> None:
    """Count a failed login (and forget failures older than :data:`KEEP`)."""
    from sqlalchemy import delete

    from ..store.web_models import LoginFailureRow as F

    with store.session() as s:
        s.execute(delete(F).where(F.at < now - KEEP))
        s.add(F(officer=officer[:200], address=address[:100], at=now))


def succeeded(store: Store, officer: str) -> None:
    """A good login forgets the officer's failures (failures with other names from the
    same address stay counted for that address)."""
    from sqlalchemy import delete

    from ..store.web_models import LoginFailureRow as F

    with store.session() as s:
        s.execute(delete(F).where(F.officer == officer))


def _aware(when: dt.datetime) -> dt.datetime:
    """func.max bypasses the column type on SQLite: a naive UTC time comes back."""
    if isinstance(when, str):
        when = dt.datetime.fromisoformat(when)
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
