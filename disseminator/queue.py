"""Moving posts along the lifecycle: guarded transitions, claims, leases and parts.

The allowed moves are the edges in :mod:`disseminator.states`; :func:`transition` is the
only function that changes a post's status.  Each move is one guarded UPDATE
(``... WHERE id = :id AND status = :source AND <guards>``) and one ``post_events`` row,
in one transaction: zero rows updated means someone else moved the post first (or the
guard failed), nothing is recorded, and the caller backs off.  This holds on SQLite and
PostgreSQL alike; on PostgreSQL the claim also selects with ``FOR UPDATE SKIP LOCKED``.
A partial unique index keeps at most one post per account in ``publishing``.

Every time here comes from the store's clock (:attr:`Store.clock`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, exists, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, joinedload

from . import holds, record
from channels.base import Draft
from channels.i18n import N_, _, ngettext

from .errors import UserError
from .states import Edge, Guard, InvalidTransition, edge, label
from .store import ArticleRow, EventRow, PartRow, PartState, PostRow, PostStatus, Store
from .store.posts import text_hash

S = PostStatus


class LostClaim(Exception):
    """This worker no longer holds the post's claim (its lease ran out, or another took it)."""


#: Columns a transition may set besides the status (the rest belong to other operations).
SETTABLE = frozenset({
    "next_attempt_at", "needs_reconcile", "claimed_by", "claimed_at", "lease_until", "error_kind",
    "error_message", "published_at", "scheduled_at", "attempts", "media", "warnings", "link", "overtake",
    "remote_url", "approved_by",
})


def transition(
    store: Store,
    post_id: int,
    move: str | Edge,
    *,
    worker: str | None = None,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
    also: Callable[[Session], None] | None = None,
    actor: str | None = None,
    **values: Any,
) -> bool:
    """Move ``post_id`` along the edge ``move``, setting ``values``.  True if this call moved it.

    Raises :class:`InvalidTransition` for a move that is not an edge of the lifecycle, or
    a value no transition may set.  The edge's guards become conditions of the UPDATE:
    ``owner`` needs ``worker`` (who must still hold an unexpired claim), ``lease_expired``
    needs the lease to have run out by the store's clock.  ``also`` runs in the same
    transaction once the move is made (an edit swaps the parts there); ``detail`` is kept
    on the event (an edit's old text).  The move is written to the publication record in
    the same transaction (:mod:`disseminator.record`), by ``actor`` (default: ``worker``,
    else who runs this process).
    """
    e = edge(move)
    unknown = set(values) - SETTABLE
    if unknown:
        raise InvalidTransition(f"a transition cannot set {', '.join(sorted(unknown))}")
    now = store.clock.now()
    conditions = [PostRow.id == post_id, PostRow.status == e.source, *_guards(e, worker=worker, now=now)]
    if e.target is not S.PUBLISHING:
        values.setdefault("claimed_by", None)
        values.setdefault("lease_until", None)
    with store.session() as s:
        moved = s.execute(update(PostRow).where(*conditions).values(status=e.target, updated_at=now, **values)
                          .returning(PostRow.account, PostRow.media, PostRow.remote_url)).all()
        if len(moved) != 1:
            return False
        if also is not None:
            also(s)
        s.execute(insert(EventRow).values(post_id=post_id, edge=e.name, from_status=e.source.value,
                                          to_status=e.target.value, worker=worker, reason=reason, detail=detail, at=now))
        account, media, remote_url = moved[0]
        record.post_moved(s, edge=e.name, post_id=post_id, account=account, at=now, actor=actor or worker,
                          reason=reason, detail=detail, media=media, remote_url=remote_url)
        return True


def _guards(e: Edge, *, worker: str | None, now: dt.datetime) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    for guard in e.guards:
        if guard is Guard.OWNER:
            if worker is None:
                raise InvalidTransition(f"{e.name} needs the worker that holds the claim")
            found += [PostRow.claimed_by == worker, PostRow.lease_until >= now]
        elif guard is Guard.LEASE_EXPIRED:
            found.append(PostRow.lease_until < now)
        elif guard is Guard.NOTHING_OUT:
            found += [PostRow.needs_reconcile.is_(False), ~_any_part_out()]
        elif guard is Guard.ALL_DELETED:
            found.append(~exists().where(PartRow.post_id == PostRow.id, PartRow.state == PartState.PUBLISHED.value))
    return found


def _any_part_out() -> ColumnElement[bool]:
    return exists().where(PartRow.post_id == PostRow.id, PartRow.remote_id.is_not(None))


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


def let_overtake(store: Store, post_id: int) -> PostRow:
    """Let a scheduled post go before earlier posts of its account that still wait.

    Raises :class:`UserError` unless the post is scheduled.
    """
    if transition(store, post_id, "ahead", reason=_("let ahead by an officer"), overtake=True):
        return store.post(post_id)
    raise UserError(_not_scheduled(store.post(post_id), "ahead"))


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


def _rows(result: Any) -> int:
    """Rows an UPDATE touched (a CursorResult's rowcount)."""
    return int(result.rowcount)


def _held_by(worker: str, now: dt.datetime) -> list[ColumnElement[bool]]:
    """The fencing condition: ``worker`` holds the claim and its lease has not run out."""
    return [PostRow.status == S.PUBLISHING, PostRow.claimed_by == worker, PostRow.lease_until >= now]


def extend_lease(store: Store, post_id: int, *, worker: str, lease: dt.timedelta) -> bool:
    """Renew ``worker``'s claim for ``lease`` from now.  False when the claim is no longer
    its own, or its lease already ran out (another worker may be about to take over)."""
    now = store.clock.now()
    with store.session() as s:
        result = s.execute(
            update(PostRow).where(PostRow.id == post_id, *_held_by(worker, now)).values(lease_until=now + lease)
        )
        return _rows(result) == 1


def save_part(store: Store, post_id: int, *, worker: str, index: int, remote_id: str, remote_url: str | None) -> None:
    """Record part ``index`` as published the moment it lands, so a resumed thread continues.

    Raises :class:`LostClaim` when ``worker`` no longer holds the claim.
    """
    now = store.clock.now()
    with store.session() as s:
        held = s.execute(
            update(PostRow)
            .where(PostRow.id == post_id, *_held_by(worker, now))
            .values(needs_reconcile=False, updated_at=now,
                    **({"remote_url": remote_url} if index == 0 and remote_url else {}))
        )
        if _rows(held) != 1:
            raise LostClaim(_("post {id} is no longer claimed by {worker}; not recording part {part}").format(
                id=post_id, worker=worker, part=index + 1))
        s.execute(
            update(PartRow)
            .where(PartRow.post_id == post_id, PartRow.index == index)
            .values(remote_id=remote_id, state=PartState.PUBLISHED.value, published_at=now)
        )


def recover_expired(store: Store, *, actor: str | None = None) -> list[int]:
    """Return posts whose worker died mid-publish to the queue, marked for reconciliation
    (``actor``: who the record names, a daemon's worker id)."""
    now = store.clock.now()
    with store.session() as s:
        ids = list(s.scalars(select(PostRow.id).where(PostRow.status == S.PUBLISHING, PostRow.lease_until < now)))
    return [
        post_id for post_id in ids
        if transition(
            store, post_id, "recover",
            actor=actor,
            reason=_("lease expired"),
            needs_reconcile=True,
            next_attempt_at=now,
            error_kind="unknown",
            error_message=_("the worker stopped while publishing; the network will be checked before retrying"),
        )
    ]


def cancel(store: Store, post_id: int, *, force: bool = False) -> PostRow:
    """Withdraw a scheduled post.  Raises :class:`UserError` if it is past that point,
    or if part of it may already be on the network (cancelling would hide that) unless
    ``force``: the officer has checked the network and wants the rest withdrawn.

    The guard is part of the UPDATE (``nothing_out``), so a part landing between a look
    and the cancel cannot slip through.
    """
    if (transition(store, post_id, "force_cancel" if force else "cancel", reason=_("cancelled by an officer"))
            or transition(store, post_id, "cancel_missed", reason=_("cancelled by an officer"))
            or transition(store, post_id, "cancel_draft", reason=_("cancelled by an officer"))):
        return store.post(post_id)
    row = store.post(post_id)
    if row.status is S.SCHEDULED:
        done = sum(1 for r in row.remote_ids if r)
        why = (ngettext("{n} of its parts are already published", "{n} of its parts are already published", done)
               .format(n=done) if done else _("it may already be on the network"))
        raise UserError(
            _("post {id} cannot be cancelled: {why}; let the worker finish, or check the network "
              "yourself and use --force").format(id=post_id, why=why)
        )
    if row.status is S.PUBLISHING:
        raise UserError(_("post {id} is being published right now and cannot be cancelled").format(id=post_id))
    raise UserError(_("post {id} is {status}; only scheduled posts can be cancelled").format(id=post_id,
                                                                                              status=label(row.status)))


# --------------------------------------------------------------------------- an officer's moves


def reschedule(store: Store, post_id: int, when: dt.datetime) -> PostRow:
    """Move a scheduled post to ``when``.  Raises :class:`UserError` unless it is scheduled
    (a post being published is never touched)."""
    if (transition(store, post_id, "reschedule", reason=_("rescheduled by an officer"), scheduled_at=when,
                   next_attempt_at=when)
            or transition(store, post_id, "reschedule_draft", reason=_("rescheduled by an officer"),
                          scheduled_at=when, next_attempt_at=when)):
        return store.post(post_id)
    raise UserError(_not_scheduled(store.post(post_id), "reschedule"))


def revive(store: Store, post_id: int, *, when: dt.datetime) -> PostRow:
    """Send a failed post again at ``when`` with a fresh retry budget.  Unless the network
    refused it outright, it is looked up on the network before it is written again (its
    last write may have landed).  Raises :class:`UserError` unless it failed, or when the
    article was queued again for the account meanwhile."""
    row = store.post(post_id)
    in_doubt = row.error_kind != "rejected" and bool(store.publish_calls([post_id]).get(post_id))
    try:
        moved = transition(store, post_id, "revive", reason=_("sent again by an officer"), next_attempt_at=when,
                           attempts=0, needs_reconcile=in_doubt, error_kind=None, error_message=None)
    except IntegrityError:
        raise UserError(_("post {id} cannot be sent again: its article is queued again for {account}; "
                          "cancel that post first").format(id=post_id, account=row.account)) from None
    if moved:
        return store.post(post_id)
    from .states import label

    raise UserError(_("post {id} is {status}; only a failed post can be sent again").format(
        id=post_id, status=label(store.post(post_id).status)))  # the state in the officer's language


def edit(store: Store, post_id: int, parts: Sequence[str], *, draft: Draft | None = None,
         reason: str = "text edited by an officer") -> PostRow:  # revisions.OFFICER_EDIT: compared, kept in English
    """Replace a scheduled post's text with ``parts`` (already validated), or its whole
    rendering with ``draft`` (a new article revision: text, media, warnings, link),
    keeping the old text on the post's history.  Raises :class:`UserError` unless it is
    scheduled with nothing on the network."""
    old = store.post(post_id)
    if draft is not None:
        parts = draft.parts

    def swap(s: Session) -> None:
        s.query(PartRow).filter(PartRow.post_id == post_id).delete()
        s.add_all([PartRow(post_id=post_id, index=i, text=t, text_hash=text_hash(t), state=PartState.PENDING.value,
                           attempts=0) for i, t in enumerate(parts)])

    rendering: dict[str, Any] = {} if draft is None else {
        "media": [m.to_record() for m in draft.media], "warnings": list(draft.warnings), "link": draft.link}
    move = "edit_failed" if old.status is S.FAILED and draft is not None else "edit"
    from .reapproval import edit_move  # an approved post edited needs approval again

    move, rendering = edit_move(old, move, rendering)
    if transition(store, post_id, move, reason=reason, detail={"old_parts": old.parts}, also=swap, **rendering):
        return store.post(post_id)
    row = store.post(post_id)
    if row.status is S.SCHEDULED:
        raise UserError(_("post {id} cannot be edited: part of it may already be on the network").format(id=post_id))
    raise UserError(_not_scheduled(row, "edit"))


#: Why an officer's move is refused, by move: (the post is being published, it is not scheduled).
_NOT_SCHEDULED: dict[str, tuple[str, str]] = {
    "ahead": (N_("post {id} is being published right now and cannot be let ahead of others"),
              N_("post {id} is {status}; only a scheduled post can be let ahead of others")),
    "reschedule": (N_("post {id} is being published right now and cannot be rescheduled"),
                   N_("post {id} is {status}; only a scheduled post can be rescheduled")),
    "edit": (N_("post {id} is being published right now and cannot be edited"),
             N_("post {id} is {status}; only a scheduled post can be edited")),
}


def _not_scheduled(row: PostRow, move: str) -> str:
    publishing, not_scheduled = _NOT_SCHEDULED[move]
    if row.status is S.PUBLISHING:
        return _(publishing).format(id=row.id)
    return _(not_scheduled).format(id=row.id, status=label(row.status))
