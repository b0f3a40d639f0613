"""The feeds and the entries they have shown, as stored (tables of migration 0018).

Several daemons may share one PostgreSQL database: a poll is taken by :func:`take`, one
guarded UPDATE that moves the feed's ``next_poll_at`` past now (a lease of :data:`LEASE`)
only if it is still due, so two daemons never poll one feed at once; :func:`finish` sets
the real next time.  A daemon that dies mid-poll leaves the lease to run out, and the
feed is polled again then.  An entry is remembered under every key that names it
(:mod:`disseminator.ingest.feeds`), unique per feed: even a double take cannot take an
entry twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from channels.i18n import _

from ..errors import NotFound, UserError
from ..store.feed_models import EntryRow, FeedRow

if TYPE_CHECKING:
    from ..store import Store

#: How long a poll may hold its feed before another daemon may take it (a fetch has its own
#: deadline, far shorter; this also covers rendering and queueing a burst of entries).
LEASE = dt.timedelta(minutes=10)


def add_feed(store: Store, *, url: str, accounts: Sequence[str], delay: dt.timedelta, mode: str,
             interval: dt.timedelta, hashtags: Sequence[str] | None = None) -> FeedRow:
    """Store a new feed, due at once.  Raises :class:`UserError` when the URL is already a feed."""
    now = store.clock.now()
    row = FeedRow(url=url, accounts=list(accounts), delay_seconds=int(delay.total_seconds()), mode=mode,
                  hashtags=list(hashtags) if hashtags is not None else None,
                  interval_seconds=int(interval.total_seconds()), next_poll_at=now, failures=0, taken=0,
                  created_at=now)
    try:
        with store.session() as s:
            s.add(row)
            s.flush()
    except IntegrityError:
        other = feed_by_url(store, url)
        raise UserError(_("{url} is already feed {id} (see 'disseminator feeds list')").format(
            url=url, id=other.id if other else "?")) from None
    return row


def feed_by_url(store: Store, url: str) -> FeedRow | None:
    with store.session() as s:
        return s.scalar(select(FeedRow).where(FeedRow.url == url))


def feed(store: Store, ref: str) -> FeedRow:
    """The feed ``ref`` names (its id or its URL).  Raises :class:`NotFound`."""
    with store.session() as s:
        row = s.get(FeedRow, int(ref)) if ref.isdigit() and int(ref) < 2**31 else None
        row = row or s.scalar(select(FeedRow).where(FeedRow.url == ref))
    if row is None:
        raise NotFound(_("no feed {ref} (see 'disseminator feeds list')").format(ref=ref))
    return row


def feeds(store: Store) -> list[FeedRow]:
    with store.session() as s:
        return list(s.scalars(select(FeedRow).order_by(FeedRow.id)))


def failing(store: Store) -> list[FeedRow]:
    """The feeds whose last read failed (``status`` reports them), by id."""
    with store.session() as s:
        return list(s.scalars(select(FeedRow).where(FeedRow.failures > 0).order_by(FeedRow.id)))


def remove_feed(store: Store, feed_id: int) -> None:
    """Forget the feed and the entries it showed (its articles and posts stay)."""
    with store.session() as s:
        s.execute(delete(EntryRow).where(EntryRow.feed_id == feed_id))
        s.execute(delete(FeedRow).where(FeedRow.id == feed_id))


def due(store: Store, now: dt.datetime) -> list[int]:
    """The feeds due at ``now``, the longest waiting first."""
    with store.session() as s:
        return list(s.scalars(select(FeedRow.id).where(FeedRow.next_poll_at <= now)
                              .order_by(FeedRow.next_poll_at, FeedRow.id)))


def next_due(store: Store) -> dt.datetime | None:
    """When the soonest feed is due (None: no feed)."""
    with store.session() as s:
        return s.scalar(select(func.min(FeedRow.next_poll_at)))


def take(store: Store, feed_id: int, now: dt.datetime, *, force: bool = False) -> FeedRow | None:
    """Take the feed's poll if it is due (``force``: even if not, unless another poll holds
    it), or None when it is not ours to poll.  One guarded UPDATE: of two daemons asking at
    once, exactly one gets the feed."""
    with store.session() as s:
        row = s.get(FeedRow, feed_id)
        if row is None:
            return None
        seen = row.next_poll_at
        if not force and seen > now:
            return None
        guard = FeedRow.next_poll_at == seen
        if force and seen > now:  # polled now by hand: not while another poll holds its lease
            guard = guard & or_(FeedRow.lease_until.is_(None), FeedRow.lease_until <= now)
        taken = _touched(s.execute(update(FeedRow).where(FeedRow.id == feed_id, guard)
                                  .values(next_poll_at=now + LEASE, lease_until=now + LEASE, polled_at=now)))
    if taken != 1:
        return None
    return feed(store, str(feed_id))


def finish(store: Store, feed_id: int, *, next_at: dt.datetime, error: str | None, etag: str | None = None,
           last_modified: str | None = None, validators: bool = False, taken: int = 0) -> None:
    """End a poll: the next time, the failure count (reset by success) and the last error;
    the validators of a 200 answer when ``validators``."""
    values: dict[str, object] = {"next_poll_at": next_at, "lease_until": None, "taken": FeedRow.taken + taken}
    if error is None:
        values.update(failures=0, last_error=None)
    else:
        values.update(failures=FeedRow.failures + 1, last_error=error[:1000])
    if validators:
        values.update(etag=etag, last_modified=last_modified)
    with store.session() as s:
        s.execute(update(FeedRow).where(FeedRow.id == feed_id).values(**values))


def seen(store: Store, feed_id: int, keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` the feed has shown before."""
    wanted = list(set(keys))
    found: set[str] = set()
    with store.session() as s:
        for i in range(0, len(wanted), 500):
            found |= set(s.scalars(select(EntryRow.key).where(EntryRow.feed_id == feed_id,
                                                              EntryRow.key.in_(wanted[i:i + 500]))))
    return found


def taken_articles(store: Store, feed_id: int, keys: Iterable[str]) -> dict[str, int]:
    """The article each of ``keys`` that the feed took made (an entry's keys -> its article)."""
    from ..store.feed_models import EntryOutcome

    wanted = list(set(keys))
    found: dict[str, int] = {}
    with store.session() as s:
        for i in range(0, len(wanted), 500):
            found.update((k, a) for k, a in s.execute(
                select(EntryRow.key, EntryRow.article_id).where(
                    EntryRow.feed_id == feed_id, EntryRow.outcome == EntryOutcome.TAKEN.value,
                    EntryRow.article_id.is_not(None), EntryRow.key.in_(wanted[i:i + 500]))) if a is not None)
    return found


def remember(store: Store, feed_id: int, keys: Sequence[str], *, outcome: str, article_id: int | None = None) -> None:
    """Record an entry under each of its keys (a key already there is left as it is)."""
    now = store.clock.now()
    for k in [k for k in keys if k not in seen(store, feed_id, keys)]:
        try:
            with store.session() as s:
                s.add(EntryRow(feed_id=feed_id, key=k, outcome=outcome, article_id=article_id, seen_at=now))
        except IntegrityError:  # another poll recorded it meanwhile: it is seen either way
            continue


def _touched(result: Any) -> int:
    """Rows an UPDATE touched (a CursorResult's rowcount; typed as a plain Result)."""
    return int(result.rowcount)
