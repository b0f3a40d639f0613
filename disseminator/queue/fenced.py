"""Writes fenced by a claim, and claims nobody renewed.

A worker renews its claim's lease and records each part the moment it lands, each only
while it still holds the claim (:func:`disseminator.queue._held_by`); a claim whose lease
ran out (its worker died mid-publish) goes back to the queue, marked for reconciliation.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from channels.i18n import _

from ..store import PartRow, PartState, PostRow, PostStatus, Store
from . import LostClaim, _held_by, _rows, transition

S = PostStatus


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
