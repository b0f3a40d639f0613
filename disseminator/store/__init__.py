"""The store: articles, posts and their parts, attempts and account holds in one SQL database.

:class:`Store` is the way the rest of the core reads or writes rows; post status changes
go through :mod:`disseminator.queue` (guarded updates along :mod:`disseminator.states`),
account holds through :mod:`disseminator.holds`.  The store carries the clock every one
of them reads (:attr:`Store.clock`): the database's own on PostgreSQL, where several
machines share one queue; the machine's on SQLite.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from channels.base import Draft, Media
from channels.clock import Clock
from channels.i18n import _

from ..config import redact_url
from ..errors import ConfigError, NotFound, ScheduleError
from .articles import ArticleAdded, ArticleStore, _aware
from .engine import make_engine, session_factory
from .errors import DatabaseError, translated
from . import record as _record  # its session hooks write the record at commit
from . import schema as _schema  # noqa: F401 - every table joins Base (schema test, migrations)
from .account_models import HoldKind, HoldRow
from .article_models import ArticleRow, RevisionRow
from .columns import utcnow
from .ops_models import DaemonRow
from .post_models import AttemptRow, EventRow, PartRow, PartState, PostRow, PostStatus

__all__ = [
    "Store", "DaemonRow", "ArticleRow", "PostRow", "PartRow", "PartState", "EventRow", "AttemptRow", "HoldRow", "HoldKind",
    "PostStatus", "utcnow", "text_hash", "DatabaseError", "RevisionRow", "ArticleAdded",
]

#: Attempt outcomes that do not count against a post's retry budget: the account is
#: held instead (rate limit, refused credentials), or the worker lost its claim before
#: the write (the post was not sent).
NOT_COUNTED = frozenset({"rate_limited", "auth", "lost_claim", "budget"})
#: What counts as a try: a publishing call, or an interruption outside any call (a crash
#: that repeats must end the post, not retry it forever).
COUNTED_ACTIONS = frozenset({"publish", "crash"})


def counts_as_try(attempt: AttemptRow) -> bool:
    """Whether ``attempt`` spends one of its post's tries: a publishing call or a crash;
    not an answer that holds the account, nor a look-up."""
    return attempt.action in COUNTED_ACTIONS and attempt.outcome not in NOT_COUNTED


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class Store(ArticleStore):
    """One database.  Construct with :meth:`open` (checks the schema) or directly.

    ``clock`` is what every queue, lease and hold decision reads; by default the
    database's clock (:class:`disseminator.clock.DatabaseClock`).
    """

    def __init__(self, url: str, *, clock: Clock | None = None) -> None:
        from ..clock import DatabaseClock

        self.url = url
        self.engine = make_engine(url)
        self.sessions = session_factory(self.engine)
        self.clock: Clock = clock or DatabaseClock(self.engine)

    @classmethod
    def open(cls, url: str, *, clock: Clock | None = None) -> Store:
        """Open an initialised database; raises :class:`ConfigError` otherwise."""
        from .migrate import current_revision, head_revision

        if url.startswith("sqlite:///") and ":memory:" not in url:
            from pathlib import Path

            path = Path(url.split("sqlite:///", 1)[1].split("?", 1)[0])
            if not path.exists():  # do not leave an empty database file behind
                raise ConfigError(_("database {url} does not exist yet: run 'disseminator init'").format(url=url))
        store = cls(url, clock=clock)
        with translated(url):
            revision = current_revision(store.engine)
        if revision is None:
            raise ConfigError(
                _("database {url} is not initialised: run 'disseminator init'").format(url=redact_url(url))
            )
        if revision != head_revision():
            raise ConfigError(
                _("database {url} is at schema {revision}, this version needs "
                  "{head}: run 'disseminator db upgrade'").format(url=redact_url(url), revision=revision,
                                                                  head=head_revision())
            )
        return store

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error.

        The driver's operational failures leave as one-line :class:`DatabaseError` errors.
        """
        with translated(self.url), self.sessions.begin() as session:
            yield session

    # ------------------------------------------------------------------ posts

    def add_post(
        self,
        *,
        article_id: int,
        account: str,
        channel: str,
        variant: str,
        draft: Draft,
        scheduled_at: dt.datetime,
        recurrence: str | None = None,
        approval: str | None = None,
        drafted_by: str | None = None,
        urgent: bool = False,
    ) -> PostRow:
        """Queue one post (``recurrence``: its crontab expression, when it recurs; ``urgent``:
        it passes a pause that allows urgent posts, before its account's earlier posts).
        Raises :class:`ScheduleError` if (article, account, variant) exists."""
        now = self.clock.now()
        # A post that needs approvers (disseminator.approval) waits for them, never claimed.
        status = PostStatus.AWAITING_APPROVAL if approval in ("one", "two") else PostStatus.SCHEDULED
        row = PostRow(
            article_id=article_id,
            account=account,
            channel=channel,
            variant=variant,
            media=[m.to_record() for m in draft.media],
            warnings=list(draft.warnings),
            link=draft.link,
            card=dict(draft.card) if draft.card else None,
            status=status,
            approval=approval,
            drafted_by=drafted_by,
            scheduled_at=scheduled_at,
            next_attempt_at=scheduled_at,
            recurrence=recurrence,
            urgent=urgent,
            overtake=urgent,
            attempts=0,
            needs_reconcile=False,
            created_at=now,
            updated_at=now,
            part_rows=[
                PartRow(index=i, text=t, text_hash=text_hash(t), state=PartState.PENDING.value, attempts=0)
                for i, t in enumerate(draft.parts)
            ],
        )
        try:
            with self.session() as s:
                s.add(row)
                s.flush()
                s.add(EventRow(post_id=row.id, edge="create", from_status=None, to_status=status.value,
                               worker=None, reason=None, at=now))
                _record.queued(s, post_id=row.id, account=account, at=now, parts=list(draft.parts), media=row.media,
                               scheduled_at=scheduled_at, urgent=urgent, drafted=status is PostStatus.AWAITING_APPROVAL)
        except IntegrityError:
            with self.session() as s:
                other = s.scalar(
                    select(PostRow.id).where(
                        PostRow.article_id == article_id,
                        PostRow.account == account,
                        PostRow.variant == variant,
                    )
                )
            raise ScheduleError(
                _("article {article} is already queued for {account} (post {post}); "
                  "use --variant NAME to queue another version").format(article=article_id, account=account, post=other)
            ) from None
        return row

    def same_text(self, account: str, text: str, *, published_since: dt.datetime) -> PostRow | None:
        """A post of ``account`` whose first part is ``text``: queued, being published, or
        published since ``published_since`` (one indexed query)."""
        S = PostStatus
        with self.session() as s:
            pid = s.scalar(
                select(PostRow.id)
                .join(PartRow, PartRow.post_id == PostRow.id)
                .where(
                    PartRow.index == 0,
                    PartRow.text_hash == text_hash(text),
                    PostRow.account == account,
                    (PostRow.status.in_([S.SCHEDULED, S.PUBLISHING]))
                    | ((PostRow.status == S.PUBLISHED)
                       & (func.coalesce(PostRow.published_at, PostRow.updated_at) >= published_since)),
                )
                .order_by(PostRow.id)
                .limit(1)
            )
        return None if pid is None else self.post(pid)

    def remote_id_owner(self, account: str, remote_id: str, *, besides: int) -> int | None:
        """The other post of ``account`` that already recorded ``remote_id``, if any."""
        with self.session() as s:
            return s.scalar(
                select(PostRow.id)
                .join(PartRow, PartRow.post_id == PostRow.id)
                .where(PartRow.remote_id == remote_id, PostRow.account == account, PostRow.id != besides)
                .limit(1)
            )

    def post(self, post_id: int) -> PostRow:
        with self.session() as s:
            # An id no INTEGER column (32 bits on PostgreSQL) holds names no row; asked, the driver overflows.
            row = s.get(PostRow, post_id) if 0 < post_id < 2**31 else None
            if row is None:
                raise NotFound(_("no post with id {id} (see 'disseminator queue')").format(id=post_id))
            return row

    def attempts_of(self, post_id: int) -> int:
        """The post's counted tries so far (one column, not the row and its parts)."""
        with self.session() as s:
            return int(s.scalar(select(PostRow.attempts).where(PostRow.id == post_id)) or 0)

    def posts(self, statuses: Iterable[str] | None = None, *, order_by_time: bool = True) -> list[PostRow]:
        with self.session() as s:
            q = select(PostRow)
            if statuses is not None:
                q = q.where(PostRow.status.in_(list(statuses)))
            q = q.order_by(PostRow.scheduled_at if order_by_time else PostRow.id, PostRow.id)
            return list(s.scalars(q))

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

    def parts(self, post_id: int) -> list[PartRow]:
        """The post's parts in order, as the database has them now."""
        with self.session() as s:
            return list(s.scalars(select(PartRow).where(PartRow.post_id == post_id).order_by(PartRow.index)))

    def events(self, post_id: int) -> list[EventRow]:
        """Every move of the post, oldest first."""
        with self.session() as s:
            return list(s.scalars(select(EventRow).where(EventRow.post_id == post_id).order_by(EventRow.id)))

    @staticmethod
    def to_draft(row: PostRow) -> Draft:
        return Draft(
            parts=tuple(row.parts),
            media=tuple(Media.from_record(m) for m in row.media or ()),
            warnings=tuple(row.warnings or ()),
            link=row.link,
            card=row.card or None,
            key=f"{row.id}:{_micros(row.created_at)}" if row.id is not None and row.created_at else None,
        )

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

    def accounts_with_posts(self, accounts: Sequence[str]) -> set[str]:
        """Which of ``accounts`` have any post at all (one query)."""
        with self.session() as s:
            return {str(a) for a in s.scalars(select(PostRow.account).where(PostRow.account.in_(list(accounts)))
                                              .distinct())}

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

    def count_posts(self, status: str) -> int:
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(PostRow).where(PostRow.status == status)) or 0)


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


def _micros(when: dt.datetime) -> int:
    """``when`` in microseconds since 1970 (a naive time is UTC, as SQLite gives it back)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    delta = when - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
