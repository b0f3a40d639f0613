"""Token expiry: what each network says about when an account's credentials stop working.

Asked with :meth:`channels.base.Channel.token_expiry` (Graph's ``debug_token``; X's
OAuth 1.0a tokens do not expire) by ``accounts check`` and, a few times a day, by the
daemon; the answer is kept in ``account_tokens`` so ``status`` and the alerts read it
without calling any network.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from .store import Store
from .store.account_models import TokenRow
from .store.ops_models import MarkRow

if TYPE_CHECKING:
    from channels.base import Channel

    from .config import Settings

log = logging.getLogger("disseminator.tokens")

#: A token expiring within this is a problem (``status``) and an alert.
EXPIRY_WARNING = dt.timedelta(days=7)
#: The daemon asks the networks at most this often (every daemon sharing the database together).
CHECK_EVERY = dt.timedelta(hours=6)
#: The first daemon on a database asks this long after it starts, not at once: a daemon
#: started and stopped again (a test, a deploy) calls no network for it.
FIRST_AFTER = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Expiry:
    """One account's token: when it expires (None: never) and when that was asked."""

    account: str
    expires_at: dt.datetime | None
    checked_at: dt.datetime

    def soon(self, now: dt.datetime) -> bool:
        """Whether it expires within :data:`EXPIRY_WARNING` of ``now`` (or has expired)."""
        return self.expires_at is not None and self.expires_at <= now + EXPIRY_WARNING


def record(store: Store, account: str, expires_at: dt.datetime | None) -> None:
    """Keep what the network said about ``account``'s token, now."""
    now = store.clock.now()
    with store.session() as s:
        row = s.get(TokenRow, account)
        if row is None:
            s.add(TokenRow(account=account, expires_at=expires_at, checked_at=now))
        else:
            row.expires_at, row.checked_at = expires_at, now


def known(store: Store, accounts: list[str] | None = None) -> dict[str, Expiry]:
    """What is known of each account's token (only the ``accounts`` given, when given)."""
    with store.session() as s:
        q = select(TokenRow)
        if accounts is not None:
            q = q.where(TokenRow.account.in_(accounts))
        return {r.account: Expiry(r.account, r.expires_at, r.checked_at) for r in s.scalars(q)}


def expiring(store: Store, settings: Settings, now: dt.datetime) -> list[Expiry]:
    """Configured accounts whose token expires within :data:`EXPIRY_WARNING`, soonest first."""
    found = [e for e in known(store, settings.account_names()).values() if e.soon(now)]
    return sorted(found, key=lambda e: (e.expires_at or now, e.account))


def ask(settings: Settings, store: Store, name: str, channel: Channel) -> dt.datetime | None:
    """Ask ``channel`` when ``name``'s token expires and keep the answer.

    Raises what :meth:`Channel.token_expiry` raises (nothing is kept then).
    """
    expires_at = channel.token_expiry()
    record(store, name, expires_at)
    return expires_at


def due(store: Store, now: dt.datetime) -> bool:
    """Claim this round of the daemons' token check: True at most once per
    :data:`CHECK_EVERY` across every daemon sharing the database (a guarded update), the
    first time :data:`FIRST_AFTER` after the first daemon asked."""
    from sqlalchemy import update

    with store.session() as s:  # the row is made by migration 0010
        first = s.execute(update(MarkRow).where(MarkRow.name == "tokens", MarkRow.at.is_(None))
                          .values(at=now - CHECK_EVERY + FIRST_AFTER))
        if touched(first):
            return False
        done = s.execute(update(MarkRow).where(MarkRow.name == "tokens", MarkRow.at <= now - CHECK_EVERY)
                         .values(at=now, value=MarkRow.value + 1))
        return bool(touched(done))


def check_all(settings: Settings, store: Store, *, channel_factory: Callable[..., Channel] | None = None) -> list[str]:
    """Ask every account's network when its token expires (the daemon's periodic check);
    returns the accounts asked.  A network that cannot be asked is logged and skipped."""
    from channels.base import ChannelError

    from .errors import ConfigError
    from .registry import make_channel

    factory = channel_factory or make_channel
    asked = []
    for name in settings.account_names():
        try:
            channel = factory(settings.account(name), context=settings.context)
            if type(channel).token_expiry is _base_expiry():
                continue  # its tokens do not expire (X): nothing to ask
            ask(settings, store, name, channel)
            asked.append(name)
        except (ConfigError, ChannelError) as exc:
            log.warning("tokens.check_failed account=%s kind=%s %s", name, getattr(exc, "kind", "config"),
                        getattr(exc, "message", exc))
    return asked


def _base_expiry() -> Any:
    from channels.base import Channel

    return Channel.token_expiry


def touched(result: Any) -> int:
    """Rows an UPDATE touched (a CursorResult's rowcount; typed as a plain Result)."""
    return int(result.rowcount)
