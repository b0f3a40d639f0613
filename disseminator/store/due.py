"""What is due and when: counts of due posts, the next moment something becomes due.

Mixed into :class:`disseminator.store.Store`; the worker, the daemon's timer and
``status`` read these (each one grouped query or one statement).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select

from .account_models import HoldRow
from .article_models import ArticleRow
from .articles import _aware
from .facet import StoreFacet
from .post_models import PostRow, PostStatus


class DueStore(StoreFacet):
    """Due-time reads (a mixin of :class:`Store`)."""

    def count_due(self, now: dt.datetime, *, unless: ColumnElement[bool] | None = None) -> int:
        """Scheduled posts due at ``now``, leaving out those ``unless`` is true for (the
        caller's hold clause: :func:`disseminator.holds.blocking`)."""
        q = select(func.count()).select_from(PostRow).where(PostRow.status == PostStatus.SCHEDULED,
                                                            PostRow.next_attempt_at <= now)
        if unless is not None:
            q = q.where(~unless)
        with self.session() as s:
            return int(s.scalar(q) or 0)

    def next_wake(self, now: dt.datetime) -> dt.datetime | None:
        """The soonest moment after ``now`` at which something may become due without
        anyone touching the queue: a post's time (or next try), a lease running out, a hold
        or an embargo ending.  None when nothing is ahead.  Four look-ups in one statement."""
        # Each the first of an index range (ORDER BY ... LIMIT 1): SQLite's min() over a
        # range walked it whole inside this statement (15,000 instructions at 5,000 posts:
        # tests/integration/test_query_plans.py), where the first row is all it needs.
        def first(column: Any, *where: Any) -> Any:
            return select(column).where(*where).order_by(column).limit(1).scalar_subquery()

        times: list[Any] = [
            first(PostRow.next_attempt_at, PostRow.status == PostStatus.SCHEDULED, PostRow.next_attempt_at > now),
            first(PostRow.lease_until, PostRow.status == PostStatus.PUBLISHING, PostRow.lease_until > now),
            first(HoldRow.until, HoldRow.until > now),
            # An embargo ending (disseminator.embargo): few articles carry one (ix_articles_embargo).
            first(ArticleRow.embargo, ArticleRow.embargo > now),
        ]
        with self.session() as s:
            found = [_aware(t) for t in s.execute(select(*times)).one()]
        ahead = [t for t in found if t is not None]
        return min(ahead) if ahead else None

    def retries_waiting(self, now: dt.datetime) -> dict[str, tuple[int, dt.datetime]]:
        """Scheduled posts that failed a call and wait for a later try, by account: how
        many, and the soonest next try (one grouped query)."""
        q = (select(PostRow.account, func.count(), func.min(PostRow.next_attempt_at))
             .where(PostRow.status == PostStatus.SCHEDULED, PostRow.error_kind.is_not(None), PostRow.next_attempt_at > now)
             .group_by(PostRow.account))
        with self.session() as s:
            return {account: (int(n), _aware(soonest) or now) for account, n, soonest in s.execute(q)}

    def queued_accounts(self) -> set[str]:
        """The accounts that have scheduled posts: one index seek per account (a loose scan
        of ix_posts_status_account), not a read of every queued post (0.2 s a run at 100,000
        on SQLite with SELECT DISTINCT)."""
        queued = PostRow.status == PostStatus.SCHEDULED
        first = select(func.min(PostRow.account)).where(queued).cte("queued_accounts", recursive=True)
        after = select(func.min(PostRow.account)).where(queued, PostRow.account > first.c[0]).scalar_subquery()
        walk = first.union_all(select(after).where(first.c[0].is_not(None)))
        with self.session() as s:
            return {str(a) for a in s.scalars(select(walk.c[0]).where(walk.c[0].is_not(None)))}

    def count_due_by_account(self, now: dt.datetime, accounts: Sequence[str]) -> dict[str, int]:
        """Scheduled posts due by ``now`` of each of ``accounts`` (one grouped query)."""
        with self.session() as s:
            rows = s.execute(
                select(PostRow.account, func.count())
                .where(PostRow.status == PostStatus.SCHEDULED, PostRow.next_attempt_at <= now,
                       PostRow.account.in_(list(accounts)))
                .group_by(PostRow.account)
            )
            return {str(a): int(n) for a, n in rows}
