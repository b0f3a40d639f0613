"""Listings of posts: pages and batches filtered and cut in SQL, and their column widths.

Mixed into :class:`disseminator.store.Store`; ``queue``, ``history`` and the web page
read these (one query, whatever the size of the table).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import func, select

from .article_models import ArticleRow
from .facet import StoreFacet
from .post_models import PostRow


class PostListing(StoreFacet):
    """Post listings (a mixin of :class:`Store`)."""

    def post_page(
        self,
        statuses: Iterable[str] | None = None,
        *,
        article_id: int | None = None,
        accounts: Sequence[str] = (),
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        by_done_time: bool = False,
        newest_first: bool = False,
        limit: int | None = None,
    ) -> list[tuple[PostRow, str]]:
        """Posts with their article's title, filtered and cut in SQL (one query, whatever
        the size of the table): ``since <= time < until``, the time being ``scheduled_at``
        or, with ``by_done_time``, when it was done (published, failed or cancelled).  Soonest first,
        or newest first; at most ``limit`` rows."""
        q = _post_query(statuses, article_id=article_id, accounts=accounts, since=since, until=until,
                        by_done_time=by_done_time, newest_first=newest_first, limit=limit)
        with self.session() as s:
            return [(row, title) for row, title in s.execute(q)]

    def post_batches(
        self,
        statuses: Iterable[str] | None = None,
        *,
        article_id: int | None = None,
        accounts: Sequence[str] = (),
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        by_done_time: bool = False,
        limit: int | None = None,
        batch: int = 500,
    ) -> Iterator[list[tuple[PostRow, str]]]:
        """:meth:`post_page`'s rows (soonest first) in lists of ``batch``, read as they are
        used (a server-side cursor on PostgreSQL): the memory a listing takes does not grow
        with the table.  The query runs when the first batch is asked for."""
        q = _post_query(statuses, article_id=article_id, accounts=accounts, since=since, until=until,
                        by_done_time=by_done_time, newest_first=False, limit=limit)
        with self.session() as s:
            for rows in s.execute(q.execution_options(yield_per=batch)).partitions():
                yield [(row, title) for row, title in rows]

    def widest_post(self) -> tuple[int, int]:
        """The largest post id and the longest account name (a long table's column widths)."""
        with self.session() as s:
            top, longest = s.execute(select(func.max(PostRow.id), func.max(func.length(PostRow.account)))).one()
        return int(top or 0), int(longest or 0)


def _post_query(
    statuses: Iterable[str] | None,
    *,
    article_id: int | None,
    accounts: Sequence[str],
    since: dt.datetime | None,
    until: dt.datetime | None,
    by_done_time: bool,
    newest_first: bool,
    limit: int | None,
) -> Any:
    """The query of :meth:`Store.post_page` and :meth:`Store.post_batches`."""
    # A done post's last change is when it went out, failed or was cancelled.
    when = func.coalesce(PostRow.published_at, PostRow.updated_at) if by_done_time else PostRow.scheduled_at
    q = select(PostRow, ArticleRow.title).join(ArticleRow, ArticleRow.id == PostRow.article_id)
    if statuses is not None:
        q = q.where(PostRow.status.in_(list(statuses)))
    if article_id is not None:
        q = q.where(PostRow.article_id == article_id)
    if accounts:
        q = q.where(PostRow.account.in_(list(accounts)))
    if since is not None:
        q = q.where(when >= since)
    if until is not None:
        q = q.where(when < until)
    q = q.order_by(when.desc(), PostRow.id.desc()) if newest_first else q.order_by(when, PostRow.id)
    if limit is not None:
        q = q.limit(limit)
    return q
