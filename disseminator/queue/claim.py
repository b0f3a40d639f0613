"""Claiming the next due post: one SELECT and one guarded UPDATE, across every worker.

A post is claimed when it is due, its account has no hold in force, no earlier post of
its account waits (:mod:`.order`) and no other post of its account is in flight.  On
PostgreSQL the SELECT skips rows other workers have locked (``FOR UPDATE SKIP LOCKED``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, exists, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, joinedload

from .. import holds, record
from ..states import edge
from ..store import ArticleRow, EventRow, PostRow, PostStatus, Store
from . import _rows
from .order import _earlier_waiting

S = PostStatus


def claim_next(
    store: Store,
    *,
    worker: str,
    now: dt.datetime,
    lease: dt.timedelta,
    skip_ids: Collection[int] = (),
    skip_accounts: Collection[str] = (),
) -> PostRow | None:
    """Claim the most overdue post that is due at ``now``, or return None when none is left.

    Posts of accounts with a hold in force wait (one clause, :func:`holds.blocking`).  A
    post whose account already has one in flight is passed over until that one is done.
    """
    busy: set[str] = set(skip_accounts)
    while True:
        clock_now = store.clock.now()
        account = None
        try:
            with store.session() as s:
                if store.engine.dialect.name == "postgresql":
                    # The planner reads "an earlier post of the account is queued" as an EXISTS
                    # that stops at its first row and scans the table for it; a due post is
                    # usually its account's first, so the scan reads every post (0.1 s at
                    # 100,000, growing with the queue).  Its index finds the answer in a few rows.
                    s.execute(text("SET LOCAL enable_seqscan = off"))
                q = (
                    select(PostRow.id, PostRow.account)
                    .where(PostRow.status == S.SCHEDULED, PostRow.next_attempt_at <= now, holds.free(clock_now),
                           PostRow.overtake | ~_earlier_waiting(), ~_account_in_flight())
                    .order_by(PostRow.next_attempt_at, PostRow.id)
                    .limit(1)
                )
                if skip_ids:
                    q = q.where(PostRow.id.not_in(list(skip_ids)))
                if busy:
                    q = q.where(PostRow.account.not_in(list(busy)))
                if store.engine.dialect.name == "postgresql":
                    q = q.with_for_update(skip_locked=True, of=PostRow)
                found = s.execute(q).first()
                if found is None:
                    return None
                post_id, account = found
                moved = _claim(s, post_id, str(account), worker=worker, now=clock_now, lease=lease, due_by=now)
                if moved and store.engine.dialect.name == "postgresql" and _overtook(s, post_id):
                    raise _Overtook
                if moved:
                    # Read back in the claim's own transaction, with its parts and its article's
                    # source (the go-live check: disseminator.ingest.golive): one statement.
                    return s.scalars(select(PostRow).options(
                        joinedload(PostRow.part_rows),
                        joinedload(PostRow.article_row).load_only(ArticleRow.source, ArticleRow.url, ArticleRow.title))
                                     .where(PostRow.id == post_id)).unique().one()
            # Not moved: somebody else took it between our select and update; look again.
        except (IntegrityError, _Overtook):
            # Another worker is publishing for this account, or has just put an earlier
            # post of it back in the queue: keep per-account order.  The whole transaction
            # is undone (no savepoint needed: it held nothing else).
            busy.add(str(account))


class _Overtook(Exception):
    """The claim would overtake an earlier post of the account (undone)."""


def _overtook(s: Session, post_id: int) -> bool:
    """Checked again after the claim, in a statement of its own: on PostgreSQL the claim's
    UPDATE may have waited (on the one-in-flight index) for another worker to put an
    earlier post of the account back in the queue, which the first SELECT could not see.
    (SQLite's UPDATE holds the one write lock and sees the latest rows: the UPDATE's own
    condition is enough there.)"""
    return bool(s.scalar(select(exists().where(PostRow.id == post_id, ~PostRow.overtake, _earlier_waiting()))))


@cache
def _account_in_flight() -> ColumnElement[bool]:
    """Another post of the same account is being published.  Its next post cannot be
    claimed until that one is settled (the one-in-flight index refuses it); passing it over
    in the SELECT spares a claim that fails and is undone, which in a burst (many
    publishers, many daemons, few accounts free) was most claims."""
    other = aliased(PostRow)
    return exists().where(other.account == PostRow.account, other.status == S.PUBLISHING)


def _claim(s: Any, post_id: int, account: str, *, worker: str, now: dt.datetime, lease: dt.timedelta,
           due_by: dt.datetime) -> bool:
    """The guarded UPDATE: the post must still be scheduled, still due and still free of
    holds when the UPDATE runs, not only when it was selected (between the two, another
    worker may have tried it and put it back for later, an officer may have moved it to
    tomorrow or paused its account), and no earlier post of its account may wait."""
    e = edge("claim")
    result = s.execute(
        update(PostRow)
        .where(PostRow.id == post_id, PostRow.status == e.source, PostRow.next_attempt_at <= due_by,
               holds.free(now), PostRow.overtake | ~_earlier_waiting())
        .values(status=e.target, claimed_by=worker, claimed_at=now, lease_until=now + lease, updated_at=now)
    )
    if _rows(result) != 1:
        return False
    s.execute(insert(EventRow).values(post_id=post_id, edge=e.name, from_status=e.source.value,
                                      to_status=e.target.value, worker=worker, at=now))
    record.post_moved(s, edge=e.name, post_id=post_id, account=account, at=now, actor=worker, reason=None,
                      detail=None, media=None, remote_url=None)
    return True
