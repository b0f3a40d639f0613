"""The store: articles, posts, attempts and account state in one SQL database.

:class:`Store` is the only way the rest of the core reads or writes rows; post status
changes go through :mod:`disseminator.queue`, which uses guarded updates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from channels.base import Article, Draft, Media

from ..config import redact_url
from ..errors import ConfigError, NotFound, ScheduleError
from .engine import make_engine, session_factory
from .models import AccountStateRow, ArticleRow, AttemptRow, PostRow, PostStatus, utcnow

__all__ = ["Store", "ArticleRow", "PostRow", "AttemptRow", "AccountStateRow", "PostStatus", "utcnow"]


class Store:
    """One database.  Construct with :meth:`open` (checks the schema) or directly."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = session_factory(self.engine)

    @classmethod
    def open(cls, url: str) -> Store:
        """Open an initialised database; raises :class:`ConfigError` otherwise."""
        from .migrate import current_revision, head_revision

        if url.startswith("sqlite:///") and ":memory:" not in url:
            from pathlib import Path

            path = Path(url.split("sqlite:///", 1)[1].split("?", 1)[0])
            if not path.exists():  # do not leave an empty database file behind
                raise ConfigError(f"database {url} does not exist yet: run 'disseminator init'")
        store = cls(url)
        try:
            revision = current_revision(store.engine)
        except OperationalError as exc:
            raise ConfigError(f"database {redact_url(url)}: cannot connect ({exc.orig})") from exc
        if revision is None:
            raise ConfigError(
                f"database {redact_url(url)} is not initialised: run 'disseminator init'"
            )
        if revision != head_revision():
            raise ConfigError(
                f"database {redact_url(url)} is at schema {revision}, this version needs "
                f"{head_revision()}: run 'disseminator db upgrade'"
            )
        return store

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error."""
        with self.sessions.begin() as session:
            yield session

    # ------------------------------------------------------------------ articles

    def add_article(self, article: Article, *, source: str | None, content_hash: str) -> tuple[int, bool]:
        """Store ``article``.  Returns (id, created); the same content twice is one row.

        An article with the same canonical URL but new content becomes a new revision of
        that row; posts already scheduled keep the text the officer previewed.
        """
        now = utcnow()
        with self.session() as s:
            existing = s.scalar(select(ArticleRow).where(ArticleRow.content_hash == content_hash))
            if existing is not None:
                return existing.id, False
            row = None
            if article.url:
                row = s.scalar(
                    select(ArticleRow).where(ArticleRow.url == article.url).order_by(ArticleRow.id.desc())
                )
            created = row is None
            if row is None:
                row = ArticleRow(created_at=now, revision=1)
                s.add(row)
            else:
                row.revision += 1
            row.source = source
            row.url = article.url
            row.title = article.title
            row.summary = article.summary
            row.body = article.body
            row.image = article.image
            row.image_alt = article.image_alt
            row.gallery = [{"url": m.url, "alt": m.alt} for m in article.gallery]
            row.tags = list(article.tags)
            row.author = article.author
            row.published_at = _aware(article.published)
            row.content_hash = content_hash
            row.updated_at = now
            s.flush()
            return row.id, created

    def article(self, article_id: int) -> ArticleRow:
        with self.session() as s:
            row = s.get(ArticleRow, article_id)
            if row is None:
                raise NotFound(f"no article with id {article_id} (see 'disseminator article list')")
            return row

    def articles(self) -> list[ArticleRow]:
        with self.session() as s:
            return list(s.scalars(select(ArticleRow).order_by(ArticleRow.id)))

    @staticmethod
    def to_article(row: ArticleRow) -> Article:
        return Article(
            title=row.title,
            url=row.url,
            summary=row.summary,
            body=row.body or "",
            image=row.image,
            image_alt=row.image_alt,
            gallery=tuple(Media.from_record(m) for m in row.gallery or ()),
            tags=tuple(row.tags or ()),
            published=row.published_at,
            author=row.author,
        )

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
    ) -> PostRow:
        """Queue one post.  Raises :class:`ScheduleError` if (article, account, variant) exists."""
        now = utcnow()
        row = PostRow(
            article_id=article_id,
            account=account,
            channel=channel,
            variant=variant,
            parts=list(draft.parts),
            media=[m.to_record() for m in draft.media],
            warnings=list(draft.warnings),
            link=draft.link,
            status=PostStatus.SCHEDULED.value,
            scheduled_at=scheduled_at,
            next_attempt_at=scheduled_at,
            attempts=0,
            needs_reconcile=False,
            remote_ids=[None] * len(draft.parts),
            created_at=now,
            updated_at=now,
        )
        try:
            with self.session() as s:
                s.add(row)
                s.flush()
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
                f"article {article_id} is already queued for {account} (post {other}); "
                "use --variant NAME to queue another version"
            ) from None
        return row

    def same_text(self, account: str, text: str, *, published_since: dt.datetime) -> PostRow | None:
        """A post of ``account`` whose first part is ``text``: queued, being published, or
        published since ``published_since``."""
        with self.session() as s:
            rows = s.scalars(
                select(PostRow).where(
                    PostRow.account == account,
                    PostRow.status.in_([PostStatus.SCHEDULED.value, PostStatus.PUBLISHING.value, PostStatus.PUBLISHED.value]),
                )
            )
            for r in rows:
                recent = r.status != PostStatus.PUBLISHED.value or (r.published_at or r.updated_at) >= published_since
                if recent and r.parts and r.parts[0] == text:
                    return r
            return None

    def remote_id_owner(self, account: str, remote_id: str, *, besides: int) -> int | None:
        """The other post of ``account`` that already recorded ``remote_id``, if any."""
        with self.session() as s:
            rows = s.execute(select(PostRow.id, PostRow.remote_ids).where(PostRow.account == account, PostRow.id != besides))
            return next((pid for pid, ids in rows if remote_id in (ids or [])), None)

    def post(self, post_id: int) -> PostRow:
        with self.session() as s:
            row = s.get(PostRow, post_id)
            if row is None:
                raise NotFound(f"no post with id {post_id} (see 'disseminator queue')")
            return row

    def posts(self, statuses: Iterable[str] | None = None, *, order_by_time: bool = True) -> list[PostRow]:
        with self.session() as s:
            q = select(PostRow)
            if statuses is not None:
                q = q.where(PostRow.status.in_(list(statuses)))
            q = q.order_by(PostRow.scheduled_at if order_by_time else PostRow.id, PostRow.id)
            return list(s.scalars(q))

    @staticmethod
    def to_draft(row: PostRow) -> Draft:
        return Draft(
            parts=tuple(row.parts),
            media=tuple(Media.from_record(m) for m in row.media or ()),
            warnings=tuple(row.warnings or ()),
            link=row.link,
        )

    def attempts(self, post_ids: Sequence[int] | None = None) -> list[AttemptRow]:
        with self.session() as s:
            q = select(AttemptRow).order_by(AttemptRow.id)
            if post_ids is not None:
                q = q.where(AttemptRow.post_id.in_(list(post_ids)))
            return list(s.scalars(q))

    def publish_calls(self, post_ids: Sequence[int] | None = None) -> dict[int, int]:
        """How many publishing calls were made for each post (look-ups not counted)."""
        with self.session() as s:
            q = select(AttemptRow.post_id, func.count()).where(AttemptRow.action == "publish").group_by(AttemptRow.post_id)
            if post_ids is not None:
                q = q.where(AttemptRow.post_id.in_(list(post_ids)))
            return {int(pid): int(n) for pid, n in s.execute(q)}

    def release_account(self, account: str, now: dt.datetime) -> int:
        """Posts held back by the account's credentials become due now; returns how many."""
        with self.session() as s:
            result = s.execute(
                update(PostRow)
                .where(PostRow.account == account, PostRow.status == PostStatus.SCHEDULED.value,
                       PostRow.error_kind.in_(["auth", "config"]), PostRow.next_attempt_at > now)
                .values(next_attempt_at=now)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def record_attempt(self, attempt: AttemptRow) -> None:
        with self.session() as s:
            s.add(attempt)

    def count_posts(self, status: str) -> int:
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(PostRow).where(PostRow.status == status)) or 0)

    # ------------------------------------------------------------------ accounts

    def account_states(self) -> dict[str, AccountStateRow]:
        with self.session() as s:
            return {r.account: r for r in s.scalars(select(AccountStateRow))}

    def set_attention(self, account: str, reason: str | None) -> None:
        """Mark ``account`` as needing attention (``reason``) or clear it (None)."""
        with self.session() as s:
            row = _account_state(s, account)
            if reason is None:
                row.needs_attention, row.reason, row.since = False, None, None
            elif not row.needs_attention or row.reason != reason:
                row.needs_attention, row.reason, row.since = True, reason, utcnow()

    def rate_limit(self, account: str, until: dt.datetime) -> None:
        """Hold every post of ``account`` until ``until`` (the network's reset time)."""
        with self.session() as s:
            row = _account_state(s, account)
            if row.resume_at is None or row.resume_at < until:
                row.resume_at = until

    def clear_rate_limit(self, account: str) -> None:
        """The account's network takes calls again (a call succeeded, or a check passed)."""
        with self.session() as s:
            row = s.get(AccountStateRow, account)
            if row is not None and row.resume_at is not None:
                row.resume_at = None

    def accounts_resting(self, now: dt.datetime) -> dict[str, dt.datetime]:
        """Accounts rate-limited past ``now``, with the time they resume."""
        with self.session() as s:
            rows = s.scalars(select(AccountStateRow).where(AccountStateRow.resume_at > now))
            return {r.account: r.resume_at for r in rows if r.resume_at is not None}

    def set_paused(self, account: str, paused: bool, reason: str | None = None) -> None:
        """Hold (or release) every post of ``account`` by an officer's decision."""
        with self.session() as s:
            row = _account_state(s, account)
            row.paused = paused
            row.pause_reason = (reason or "") if paused else None

    def accounts_paused(self) -> dict[str, str]:
        with self.session() as s:
            rows = s.scalars(select(AccountStateRow).where(AccountStateRow.paused.is_(True)))
            return {r.account: r.pause_reason or "" for r in rows}

    def accounts_needing_attention(self) -> dict[str, str]:
        """Accounts whose credentials a network refused, with why."""
        with self.session() as s:
            rows = s.scalars(select(AccountStateRow).where(AccountStateRow.needs_attention.is_(True)))
            return {r.account: r.reason or "" for r in rows}


def _account_state(s: Session, account: str) -> AccountStateRow:
    """The account's state row, made on first use."""
    row = s.get(AccountStateRow, account)
    if row is None:
        row = AccountStateRow(account=account, paused=False, needs_attention=False)
        s.add(row)
    return row


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)

