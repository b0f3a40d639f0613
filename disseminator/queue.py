"""The post state machine.  Every change is one guarded UPDATE.

::

    scheduled --claim--> publishing --all parts ok--> published
        ^  |                 |  \\--rejected / retries exhausted--> failed
        |  cancel            |---transient / rate limited / auth--> scheduled (later)
        |  v                 \\--lease expired (crash)--> scheduled, needs_reconcile
        | cancelled
        +-- a post marked needs_reconcile is looked up on the network before any write

``UPDATE posts SET ... WHERE id = :id AND status = :expected``: zero rows means someone
else moved the post first, and the caller backs off.  This holds on SQLite and
PostgreSQL alike; on PostgreSQL the claim also selects with ``FOR UPDATE SKIP LOCKED``.
A partial unique index keeps at most one post per account in ``publishing``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .errors import UserError
from .store import PostRow, PostStatus, Store, utcnow

S = PostStatus


def transition(
    store: Store,
    post_id: int,
    expected: PostStatus | Collection[PostStatus],
    *,
    owner: str | None = None,
    lease_expired_at: dt.datetime | None = None,
    **values: Any,
) -> bool:
    """Move ``post_id`` out of ``expected`` with ``values``.  True if this call moved it.

    With ``owner``, only while that worker still holds the claim; with
    ``lease_expired_at``, only if the lease had run out by then.
    """
    allowed = [expected.value] if isinstance(expected, PostStatus) else [e.value for e in expected]
    values.setdefault("updated_at", utcnow())
    if isinstance(values.get("status"), PostStatus):
        values["status"] = values["status"].value
    conditions = [PostRow.id == post_id, PostRow.status.in_(allowed)]
    if owner is not None:
        conditions.append(PostRow.claimed_by == owner)
    if lease_expired_at is not None:
        conditions.append(PostRow.lease_until < lease_expired_at)
    with store.session() as s:
        result = s.execute(update(PostRow).where(*conditions).values(**values))
        return _rows(result) == 1


def claim_next(
    store: Store,
    *,
    worker: str,
    now: dt.datetime,
    lease: dt.timedelta,
    skip_ids: Collection[int] = (),
    skip_accounts: Collection[str] = (),
) -> PostRow | None:
    """Claim the most overdue post that is due, or return None when none is left.

    Posts of accounts in ``skip_accounts`` (needing attention, say) wait.  A post whose
    account already has one in flight is passed over until that one is done.
    """
    busy: set[str] = set(skip_accounts)
    while True:
        with store.session() as s:
            q = (
                select(PostRow.id, PostRow.account)
                .where(PostRow.status == S.SCHEDULED.value, PostRow.next_attempt_at <= now)
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
            try:
                with s.begin_nested():
                    result = s.execute(
                        update(PostRow)
                        .where(PostRow.id == post_id, PostRow.status == S.SCHEDULED.value)
                        .values(
                            status=S.PUBLISHING.value,
                            claimed_by=worker,
                            # The clock now, not the run's start: a long run must not
                            # hand out leases that are already over.
                            claimed_at=utcnow(),
                            lease_until=utcnow() + lease,
                            updated_at=utcnow(),
                        )
                    )
            except IntegrityError:
                # Another worker is publishing for this account: keep per-account order.
                busy.add(account)
                continue
            if _rows(result) != 1:
                continue  # somebody else took it between our select and update
        return store.post(post_id)


def _rows(result: Any) -> int:
    """Rows an UPDATE touched (a CursorResult's rowcount)."""
    return int(result.rowcount)


def extend_lease(store: Store, post_id: int, *, worker: str, until: dt.datetime) -> bool:
    with store.session() as s:
        result = s.execute(
            update(PostRow)
            .where(PostRow.id == post_id, PostRow.status == S.PUBLISHING.value, PostRow.claimed_by == worker)
            .values(lease_until=until)
        )
        return _rows(result) == 1


def save_remote_id(store: Store, post_id: int, *, worker: str, index: int, remote_id: str, remote_url: str | None) -> None:
    """Record a part's remote id the moment it lands, so a resumed thread continues."""
    with store.session() as s:
        row = s.get(PostRow, post_id, with_for_update=store.engine.dialect.name == "postgresql")
        if row is None or row.status != S.PUBLISHING.value or row.claimed_by != worker:
            raise RuntimeError(f"post {post_id} is no longer claimed by {worker}")
        ids = list(row.remote_ids or [])
        while len(ids) <= index:
            ids.append(None)
        ids[index] = remote_id
        row.remote_ids = ids
        if index == 0 and remote_url:
            row.remote_url = remote_url
        row.needs_reconcile = False
        row.updated_at = utcnow()


def recover_expired(store: Store, *, now: dt.datetime) -> list[int]:
    """Return posts whose worker died mid-publish to the queue, marked for reconciliation."""
    with store.session() as s:
        ids = list(
            s.scalars(
                select(PostRow.id).where(PostRow.status == S.PUBLISHING.value, PostRow.lease_until < now)
            )
        )
    recovered = []
    for post_id in ids:
        if transition(
            store,
            post_id,
            S.PUBLISHING,
            lease_expired_at=now,
            status=S.SCHEDULED,
            needs_reconcile=True,
            claimed_by=None,
            lease_until=None,
            next_attempt_at=now,
            error_kind="unknown",
            error_message="the worker stopped while publishing; the network will be checked before retrying",
        ):
            recovered.append(post_id)
    return recovered


def cancel(store: Store, post_id: int, *, force: bool = False) -> PostRow:
    """Withdraw a scheduled post.  Raises :class:`UserError` if it is past that point,
    or if part of it may already be on the network (cancelling would hide that) unless
    ``force``: the officer has checked the network and wants the rest withdrawn."""
    row = store.post(post_id)
    if row.status == S.SCHEDULED.value and (row.needs_reconcile or any(row.remote_ids or [])) and not force:
        done = sum(1 for r in row.remote_ids or [] if r)
        why = f"{done} of its parts are already published" if done else "it may already be on the network"
        raise UserError(
            f"post {post_id} cannot be cancelled: {why}; let the worker finish, or check the network "
            "yourself and use --force"
        )
    with store.session() as s:
        result = s.execute(
            update(PostRow)
            .where(PostRow.id == post_id, PostRow.status == S.SCHEDULED.value,
                   *(() if force else (PostRow.needs_reconcile.is_(False),)))
            .values(status=S.CANCELLED.value, updated_at=utcnow())
        )
        moved = _rows(result) == 1
    if moved:
        return store.post(post_id)
    row = store.post(post_id)
    if row.status == S.PUBLISHING.value:
        raise UserError(f"post {post_id} is being published right now and cannot be cancelled")
    raise UserError(f"post {post_id} is {row.status}; only scheduled posts can be cancelled")
