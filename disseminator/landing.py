"""Recording a part that landed on its network: one transaction, a few statements.

When a write succeeds, three facts are written together: the call (an ``attempts`` row,
counted as a try like every publishing call,
:func:`disseminator.store.attempts.counts_as_try`), the part's remote id (so a resumed
thread continues from it) and, for the last part, the post's move to ``published`` with
its event row, lifting the rate-limit and attention holds the account may still carry (a
post went out: the account works).  Each UPDATE is
guarded by the claim (:func:`disseminator.queue.transition`'s ``owner`` guard); when the
claim is no longer this worker's, the call is still recorded and counted, nothing else
is written, and :class:`~disseminator.queue.LostClaim` is raised.

Before, that was five to eight statements in three transactions, the post re-read twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from channels.i18n import _

from . import queue
from .queue import LostClaim
from .store import AttemptRow, HoldKind, HoldRow, PartRow, PartState, PostRow, Store

#: Holds a published post ends: the network took a post, so the account is not limited
#: or refused any more.
LIFTED_BY_PUBLISHING = (HoldKind.RATE_LIMIT, HoldKind.ATTENTION)


def land(store: Store, post_id: int, account: str, *, worker: str, attempt: AttemptRow,
         remote_url: str | None, last: bool, then: Callable[[Session], None] | None = None) -> None:
    """Record ``attempt`` (a publishing call that returned ``attempt.remote_id`` for part
    ``attempt.part``), the part's remote id, and with ``last`` the post as published
    (``then`` runs in that transaction too, as ``transition``'s ``also`` does).

    Raises :class:`LostClaim` when ``worker`` no longer holds the claim (the call is
    recorded all the same).
    """
    index, now = attempt.part, attempt.finished_at or store.clock.now()
    values: dict[str, Any] = {"attempts": PostRow.attempts + 1, "needs_reconcile": False,
              **({"remote_url": remote_url} if index == 0 and remote_url else {})}

    def also(s: Session) -> None:
        s.add(attempt)
        s.execute(update(PartRow).where(PartRow.post_id == post_id, PartRow.index == index)
                  .values(remote_id=attempt.remote_id, state=PartState.PUBLISHED.value, published_at=now,
                          attempts=PartRow.attempts + 1))
        if last:
            s.execute(delete(HoldRow).where(HoldRow.account == account,
                                            HoldRow.kind.in_([k.value for k in LIFTED_BY_PUBLISHING])))
            if then is not None:
                then(s)

    if last:
        moved = queue.transition(store, post_id, "published", worker=worker, published_at=now, error_kind=None,
                                 error_message=None, also=also, **values)
    else:
        with store.session() as s:
            result = s.execute(update(PostRow).where(PostRow.id == post_id, *queue._held_by(worker, store.clock.now()))
                               .values(updated_at=now, **values))
            moved = queue._rows(result) == 1
            if moved:
                also(s)
    if not moved:
        store.record_attempt(attempt)  # the write happened: it is recorded and counted
        raise LostClaim(_("post {id} is no longer claimed by {worker}; not recording part {part}").format(
            id=post_id, worker=worker, part=index + 1))
