"""Calls to the networks: recording each one, and counting the tries a post has spent.

Mixed into :class:`disseminator.store.Store`.  Calls are counted in one place,
:meth:`AttemptStore.record_attempt` (:func:`counts_as_try` says which count).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import func, select, update

from .facet import StoreFacet
from .post_models import AttemptRow, PartRow, PostRow

NOT_COUNTED = frozenset({"rate_limited", "auth", "lost_claim", "budget"})
#: What counts as a try: a publishing call, or an interruption outside any call (a crash
#: that repeats must end the post, not retry it forever).
COUNTED_ACTIONS = frozenset({"publish", "crash"})


def counts_as_try(attempt: AttemptRow) -> bool:
    """Whether ``attempt`` spends one of its post's tries: a publishing call or a crash;
    not an answer that holds the account, nor a look-up."""
    return attempt.action in COUNTED_ACTIONS and attempt.outcome not in NOT_COUNTED


class AttemptStore(StoreFacet):
    """Attempt reads and writes (a mixin of :class:`Store`)."""

    def attempts(self, post_ids: Sequence[int] | None = None) -> list[AttemptRow]:
        with self.session() as s:
            q = select(AttemptRow).order_by(AttemptRow.id)
            if post_ids is not None:
                q = q.where(AttemptRow.post_id.in_(list(post_ids)))
            return list(s.scalars(q))

    def publish_calls(self, post_ids: Sequence[int] | None = None) -> dict[int, int]:
        """How many publishing calls were made for each post (look-ups not counted)."""
        found: dict[int, int] = {}
        with self.session() as s:
            for ids in _chunks(post_ids):
                q = select(AttemptRow.post_id, func.count()).where(AttemptRow.action == "publish").group_by(AttemptRow.post_id)
                if ids is not None:
                    q = q.where(AttemptRow.post_id.in_(ids))
                found.update({int(pid): int(n) for pid, n in s.execute(q)})
        return found

    def record_attempt(self, attempt: AttemptRow) -> None:
        """Record one call to a network.  The one place calls are counted
        (:func:`counts_as_try`): a publishing call adds to its post's and its part's
        ``attempts``."""
        with self.session() as s:
            s.add(attempt)
            if not counts_as_try(attempt):
                return
            s.execute(update(PostRow).where(PostRow.id == attempt.post_id).values(attempts=PostRow.attempts + 1))
            if attempt.action == "publish":
                s.execute(
                    update(PartRow)
                    .where(PartRow.post_id == attempt.post_id, PartRow.index == attempt.part)
                    .values(attempts=PartRow.attempts + 1)
                )


#: Ids per query: PostgreSQL takes at most 65,535 parameters in one statement.
CHUNK = 10_000


def _chunks(ids: Sequence[int] | None) -> Iterator[list[int] | None]:
    """``ids`` in slices a statement can take (one ``None``: no filter)."""
    if ids is None:
        yield None
        return
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]
