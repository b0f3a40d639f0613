"""The per-account order: an account's posts go out in the order they were planned.

The clause the claim reads (:func:`_earlier_waiting`), and the listings that say which
posts wait behind which (``queue``, ``run-due``'s report).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import aliased

from ..store import PostRow, PostStatus, Store

S = PostStatus


@cache  # built once: the clause takes milliseconds to build and is the same every time
def _earlier_waiting() -> ColumnElement[bool]:
    """An earlier-planned post of the same account is still queued (waiting for a retry,
    say): the account's posts go out in their planned order."""
    earlier = aliased(PostRow)
    return exists().where(_queued_before(earlier))


def _queued_before(earlier: Any) -> ColumnElement[bool]:
    """``earlier`` (an alias of posts) is a queued post of the same account planned before
    the post in ``PostRow`` (the per-account order; ties go by id).  A post whose write may
    already be out and whose look-up got no answer holds nothing back: it may be on the
    network already, and its look-up may take long while the network's read side is down.
    Nor does a post waiting for its article's page to go live (disseminator.ingest.golive):
    that wait may last hours, and the account's other posts do not depend on that page."""
    stuck = ((earlier.needs_reconcile.is_(True) & (earlier.error_kind == "lookup_failed"))
             | (func.coalesce(earlier.error_kind, "") == "not_live"))  # coalesce: NULL would make it all NULL
    return ((earlier.account == PostRow.account) & (earlier.status == S.SCHEDULED) & ~stuck
            # Implied by the next line; written so the index (account, status, scheduled_at) bounds the search.
            & (earlier.scheduled_at <= PostRow.scheduled_at)
            & ((earlier.scheduled_at < PostRow.scheduled_at)
               | ((earlier.scheduled_at == PostRow.scheduled_at) & (earlier.id < PostRow.id))))


def waiting_behind(store: Store, post_ids: Collection[int]) -> dict[int, int]:
    """For each of ``post_ids`` held back by the per-account order rule: the earliest
    post of its account it waits behind (one query, for a page of posts)."""
    found: dict[int, int] = {}
    ids = list(post_ids)
    earlier = aliased(PostRow)
    with store.session() as s:
        for start in range(0, len(ids), 10_000):  # PostgreSQL takes 65,535 parameters at most
            rows = s.execute(
                select(PostRow.id, func.min(earlier.id))
                .join(earlier, _queued_before(earlier))
                .where(PostRow.id.in_(ids[start:start + 10_000]), PostRow.status == S.SCHEDULED, ~PostRow.overtake)
                .group_by(PostRow.id)
            )
            found.update({int(pid): int(first) for pid, first in rows})
    return found


def held_by_order(store: Store, *, due_by: dt.datetime) -> dict[str, tuple[int, int]]:
    """Due posts that wait behind an earlier post of their account: account -> (how
    many, the earliest post they wait behind).  One grouped query."""
    earlier = aliased(PostRow)
    with store.session() as s:
        rows = s.execute(
            select(PostRow.account, func.count(func.distinct(PostRow.id)), func.min(earlier.id))
            .join(earlier, _queued_before(earlier))
            .where(PostRow.status == S.SCHEDULED, PostRow.next_attempt_at <= due_by, ~PostRow.overtake)
            .group_by(PostRow.account)
        )
        return {account: (int(n), int(first)) for account, n, first in rows}
