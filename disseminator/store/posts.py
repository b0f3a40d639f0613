"""Posts one at a time: queue one, read it, its parts and its moves, find a same-text twin.

Mixed into :class:`disseminator.store.Store`; status changes are not here but in
:mod:`disseminator.queue` (guarded updates along :mod:`disseminator.states`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from channels.base import Draft, Media
from channels.i18n import _

from ..errors import NotFound, ScheduleError
from . import record as _record
from .facet import StoreFacet
from .post_models import EventRow, PartRow, PartState, PostRow, PostStatus


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class PostStore(StoreFacet):
    """Post reads and writes (a mixin of :class:`Store`)."""

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

    def accounts_with_posts(self, accounts: Sequence[str]) -> set[str]:
        """Which of ``accounts`` have any post at all (one query)."""
        with self.session() as s:
            return {str(a) for a in s.scalars(select(PostRow.account).where(PostRow.account.in_(list(accounts)))
                                              .distinct())}

    def count_posts(self, status: str) -> int:
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(PostRow).where(PostRow.status == status)) or 0)


def _micros(when: dt.datetime) -> int:
    """``when`` in microseconds since 1970 (a naive time is UTC, as SQLite gives it back)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    delta = when - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
