"""Missed posts: overdue by more than ``worker.grace``, they wait for an officer.

A post whose time passed while nothing could send it (the daemon was down, the account or
the institution was paused) is not sent hours late as if nothing happened: it becomes
``missed`` and an officer decides (``retry`` sends it, ``cancel`` drops it).

Lateness is counted from when the post could have gone, so a post that waited for
something the system chose never becomes missed for that wait:

- a post whose account has a hold in force is left alone while it holds (judged when it
  ends: a pause ended by ``resume`` or its ``--until`` leaves its posts overdue from their
  own time, so those past the grace become missed, never a burst of old posts);
- after a rate limit, a posting budget or a blackout window, from the hold's end; after
  its article's embargo (:mod:`disseminator.embargo`), from the embargo's end;
- a post of an account that is busy (a post of it being published, waiting for a retry,
  or gone out within the grace: the account's posts go in order, so this one waited its
  turn), from when the account is free again.

Never a post that may already be on the network (a write in doubt, or a part out): that
one must be looked up, not set aside.  The sweep is one guarded UPDATE per batch, on the
due-time index; it never reads the whole queue (``benchmarks/bench_missed.py``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Table, and_, exists, insert, or_, select, update
from sqlalchemy.orm import Session

from channels.i18n import _

from . import holds, record
from .embargo import embargoed
from .store import EventRow, HoldKind, HoldRow, PartRow, PostRow, PostStatus, Store

log = logging.getLogger("disseminator.missed")
S = PostStatus
#: Holds that are the system's own waits: lateness counts from their end.
PLANNED_WAITS = (HoldKind.RATE_LIMIT.value, HoldKind.BUDGET.value, HoldKind.BLACKOUT.value)
POSTS: Table = PostRow.__table__  # type: ignore[assignment]
EVENTS: Table = EventRow.__table__  # type: ignore[assignment]
#: Posts moved per statement.
BATCH = 500


def overdue(now: dt.datetime, grace: dt.timedelta) -> ColumnElement[bool]:
    """The clause of a scheduled post overdue past ``grace`` at ``now`` that nothing of its
    own keeps back (a hold, a planned wait that ended within the grace, a write in doubt).
    Whether its account is busy (:func:`_busy`) is asked apart, per account."""
    cutoff = now - grace
    return and_(
        PostRow.status == S.SCHEDULED,
        PostRow.next_attempt_at < cutoff,
        PostRow.needs_reconcile.is_(False),
        ~_part_out(),
        holds.free(now),
        ~exists().where(holds._of_post(), HoldRow.kind.in_(PLANNED_WAITS), HoldRow.until >= cutoff),
        ~embargoed(cutoff),  # an embargo is a planned wait too: lateness counts from its end
    )


def _part_out() -> ColumnElement[bool]:
    return exists().where(PartRow.post_id == PostRow.id, PartRow.remote_id.is_not(None))


def _busy(s: Session, accounts: Collection[str], cutoff: dt.datetime) -> set[str]:
    """Of ``accounts``, those whose overdue posts waited behind another of their posts: one
    being published, one waiting for a retry, or one that left the queue within the grace
    (their turn came only now).  Grouped queries on the account index, for the candidates'
    accounts only."""
    accs = list(accounts)
    retrying = and_(PostRow.status == S.SCHEDULED, PostRow.error_kind.is_not(None), PostRow.next_attempt_at >= cutoff)
    left = and_(PostRow.status.in_([S.PUBLISHED, S.FAILED, S.CANCELLED]), PostRow.updated_at >= cutoff)
    q = select(PostRow.account).where(PostRow.account.in_(accs), or_(PostRow.status == S.PUBLISHING, retrying, left))
    return {str(a) for a in s.scalars(q.distinct())}


def sweep(store: Store, *, grace: dt.timedelta, zone_for: Callable[[str], ZoneInfo] | None = None,
          account: str | None = None, actor: str | None = None) -> list[int]:
    """Move every post missed at the store's clock to ``missed`` (only ``account``'s when
    given); returns their ids.

    A recurring post's next occurrence is queued in the same transaction (the series goes
    on; ``zone_for`` gives an account's zone, UTC without it).  ``actor`` is who the record
    names (a daemon's worker id; default: who runs this process).
    """
    from .recurrence import follow

    now = store.clock.now()
    if any(h.kind is HoldKind.PAUSE for h in holds.active(store, now).get(holds.ALL, [])):
        return []  # every account is paused: nothing is judged until the pause ends
    cutoff = now - grace
    moved: list[int] = []
    # Accounts held now, or whose planned wait ended within the grace: their posts are not
    # looked at (a cheap list for the SELECT; the UPDATE checks the holds itself again).
    busy: set[str] = {a for a, hs in holds.active(store, cutoff).items()
                      if any(h.holds_at(now) or h.kind.value in PLANNED_WAITS for h in hs)}
    reason = f"overdue by more than {int(grace.total_seconds())} s (worker.grace)"  # kept in English
    while True:
        with store.session() as s:
            q = (select(PostRow.id, PostRow.account).where(overdue(now, grace))
                 .order_by(PostRow.next_attempt_at, PostRow.id).limit(BATCH))
            if account is not None:
                q = q.where(PostRow.account == account)
            if busy:
                q = q.where(PostRow.account.not_in(list(busy)))
            found = s.execute(q).all()
            if not found:
                return moved
            busy |= _busy(s, {a for _pid, a in found}, cutoff)
            ids = [pid for pid, a in found if a not in busy]
            done = list(s.scalars(
                # Core (no ORM bookkeeping); guarded again by what may have changed since the
                # SELECT: still scheduled, nothing out, no hold in force.
                update(POSTS).where(PostRow.id.in_(ids), PostRow.status == S.SCHEDULED,
                                    PostRow.needs_reconcile.is_(False), ~_part_out(), holds.free(now),
                                    ~embargoed(cutoff))
                .values(status=S.MISSED, updated_at=now, claimed_by=None, lease_until=None)
                .returning(PostRow.id)
            )) if ids else []
            if done:
                s.execute(insert(EVENTS), [  # the table's: a plain executemany
                    {"post_id": pid, "edge": "miss", "from_status": S.SCHEDULED.value, "to_status": S.MISSED.value,
                     "worker": None, "reason": reason, "detail": None, "at": now} for pid in done])
                for row in s.scalars(select(PostRow).where(PostRow.id.in_(done), PostRow.recurrence.is_not(None))):
                    follow(s, row, now=now, zone=zone_for(row.account) if zone_for else ZoneInfo("UTC"))
                accounts = dict(found)
                for pid in done:  # one INSERT for the batch, at commit
                    record.post_moved(s, edge="miss", post_id=pid, account=accounts[pid], at=now, actor=actor,
                                      reason=reason, detail=None, media=None, remote_url=None)
        for pid in done:
            log.info("post.missed post=%s grace=%ss", pid, int(grace.total_seconds()))
        moved += done
        if len(found) < BATCH:
            return moved


def release(store: Store, post_id: int) -> PostRow:
    """Send a missed post after all, at the next run (its lateness starts again now).
    Raises :class:`~disseminator.errors.UserError` unless it is missed."""
    from .errors import UserError
    from .queue import transition

    if transition(store, post_id, "release", reason=_("sent after all by an officer"),
                  next_attempt_at=store.clock.now(), error_kind=None, error_message=None):
        return store.post(post_id)
    from .states import label

    raise UserError(_("post {id} is {status}; only a failed or missed post can be sent again").format(
        id=post_id, status=label(store.post(post_id).status)))
