"""Recurring posts (``schedule --every CRON``): each occurrence queues the next, once.

When an occurrence leaves the queue for good or for now (published, failed, missed), the
next one is queued in the same transaction as that move: a crash between the two cannot
happen, since they are one commit, and two workers cannot both make the move (it is a
guarded UPDATE).  ``posts.recurrence_of`` is unique as well, so whatever path tried twice
(a missed post sent after all, then published) the database keeps one follower.

The next occurrence is the cron expression's first time after both the occurrence's own
time and now (a series that was down for a week does not queue a week of old posts), on
the clocks of the account's plan zone (else the configured zone).  It carries the same
text and images (what the officer previewed is what goes out) and the same expression;
cancelling the queued occurrence ends the series.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import record
from .cron import next_fire
from .store import EventRow, PartRow, PartState, PostRow, PostStatus
from .store.posts import text_hash


def variant_of(variant: str, when: dt.datetime, zone: ZoneInfo) -> str:
    """The variant of the occurrence at ``when``: the series' own, then ``@`` and the local
    time (one live post per article, account and variant)."""
    base = variant.split("@", 1)[0]
    return f"{base}@{when.astimezone(zone):%Y-%m-%dT%H:%M}"[:100]


def follow(s: Session, row: PostRow, *, now: dt.datetime, zone: ZoneInfo) -> int | None:
    """Queue ``row``'s next occurrence in the session's transaction; its id, or None when
    the series has no later time or a follower already exists."""
    if not row.recurrence:
        return None
    when = next_fire(row.recurrence, max(row.scheduled_at, now), zone)
    if when is None:
        return None
    if s.scalar(select(PostRow.id).where(PostRow.recurrence_of == row.id)) is not None:
        return None
    parts = list(s.scalars(select(PartRow).where(PartRow.post_id == row.id).order_by(PartRow.index)))
    nxt = PostRow(
        article_id=row.article_id, account=row.account, channel=row.channel,
        variant=variant_of(row.variant, when, zone), media=list(row.media or []), warnings=list(row.warnings or []),
        link=row.link, status=PostStatus.SCHEDULED, scheduled_at=when, next_attempt_at=when, attempts=0,
        needs_reconcile=False, created_at=now, updated_at=now, recurrence=row.recurrence, recurrence_of=row.id,
        # The series was approved as a whole (the same text): who drafted and approved it goes on.
        approval=row.approval, drafted_by=row.drafted_by, approved_by=row.approved_by,
        part_rows=[PartRow(index=p.index, text=p.text, text_hash=text_hash(p.text), state=PartState.PENDING.value,
                           attempts=0) for p in parts],
    )
    try:
        with s.begin_nested():  # another worker's follower, or the same occurrence queued by hand
            s.add(nxt)
            s.flush()
    except IntegrityError:
        return None
    reason = f"next occurrence of post {row.id} ({row.recurrence})"
    s.add(EventRow(post_id=nxt.id, edge="create", from_status=None, to_status=PostStatus.SCHEDULED.value,
                   worker=None, reason=reason, at=now))
    record.post_queued(s, post_id=nxt.id, account=nxt.account, at=now, parts=[p.text for p in parts],
                       media=list(nxt.media or []), scheduled_at=when, reason=reason)
    return nxt.id


def follower(post_id: int, *, now: Callable[[], dt.datetime], zone: ZoneInfo) -> Callable[[Session], None]:
    """A ``queue.transition(also=...)`` callback that queues post ``post_id``'s next
    occurrence in the transition's own transaction."""

    def also(s: Session) -> None:
        row = s.get(PostRow, post_id)
        if row is not None:
            follow(s, row, now=now(), zone=zone)

    return also


def next_of(post: PostRow, *, now: Callable[[], dt.datetime], zone_for: Callable[[str], ZoneInfo]) -> Callable[[Session], None] | None:
    """For the worker's settling move: :func:`follower` when ``post`` recurs, else None."""
    return follower(post.id, now=now, zone=zone_for(post.account)) if post.recurrence else None
