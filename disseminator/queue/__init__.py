"""Moving posts along the lifecycle: the guarded transition every status change goes through.

The allowed moves are the edges in :mod:`disseminator.states`; :func:`transition` is the
only function that changes a post's status.  Each move is one guarded UPDATE
(``... WHERE id = :id AND status = :source AND <guards>``) and one ``post_events`` row,
in one transaction: zero rows updated means someone else moved the post first (or the
guard failed), nothing is recorded, and the caller backs off.  This holds on SQLite and
PostgreSQL alike; on PostgreSQL the claim also selects with ``FOR UPDATE SKIP LOCKED``.
A partial unique index keeps at most one post per account in ``publishing``.

The rest of the queue is beside this module, one idea each: the claim
(:mod:`.claim`), the per-account order (:mod:`.order`), writes fenced by a claim and the
recovery of expired ones (:mod:`.fenced`), and an officer's moves (:mod:`.moves`).

Every time here comes from the store's clock (:attr:`Store.clock`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, exists, insert, update
from sqlalchemy.orm import Session

from .. import record
from ..states import Edge, Guard, InvalidTransition, edge
from ..store import EventRow, PartRow, PartState, PostRow, PostStatus, Store

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


def _rows(result: Any) -> int:
    """Rows an UPDATE touched (a CursorResult's rowcount)."""
    return int(result.rowcount)


def _held_by(worker: str, now: dt.datetime) -> list[ColumnElement[bool]]:
    """The fencing condition: ``worker`` holds the claim and its lease has not run out."""
    return [PostRow.status == S.PUBLISHING, PostRow.claimed_by == worker, PostRow.lease_until >= now]
