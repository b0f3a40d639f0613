"""The feeds' tables (migration 0018): a feed and the entries it has shown us.

Its tables join the store's ``Base`` (:mod:`disseminator.store.columns`);
:mod:`disseminator.store.schema` gathers them with the others.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .columns import Base, UTCDateTime


class FeedMode(enum.StrEnum):
    """What a feed's new entries become."""

    #: Posts queued for the feed's accounts at once (each account's next slot, or now).
    QUEUE = "queue"
    #: Posts kept awaiting approval: an officer approves each (``approve POST_ID``).
    DRAFT = "draft"


class EntryOutcome(enum.StrEnum):
    """What became of an entry the first time it was seen."""

    #: In the feed when it was added (``feeds add`` without ``--backfill``): not taken.
    BASELINE = "baseline"
    #: Made an article whose posts were queued (or drafted).
    TAKEN = "taken"
    #: Could not be an article (no title or link): a warning was logged once.
    SKIPPED = "skipped"


class FeedRow(Base):
    __tablename__ = "feeds"
    __table_args__ = (
        CheckConstraint("mode IN ('queue', 'draft')", name="ck_feeds_mode"),
        UniqueConstraint("url", name="uq_feeds_url"),
        Index("ix_feeds_next_poll_at", "next_poll_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    #: Account names in cascade order (empty: every configured account).
    accounts: Mapped[list[str]] = mapped_column(JSON)
    #: The n-th account (from 0) waits n times this after the first.
    delay_seconds: Mapped[int] = mapped_column(Integer)
    #: Hashtags that replace each account's own ``hashtags`` for this feed's posts (None: the account's).
    hashtags: Mapped[list[str] | None] = mapped_column(JSON)
    mode: Mapped[str] = mapped_column(String(10))
    interval_seconds: Mapped[int] = mapped_column(Integer)
    #: The validators of the last 200 answer, sent back as If-None-Match / If-Modified-Since.
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    #: When the feed is next due; while a poll runs, the end of that poll's lease.
    next_poll_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    polled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: While a poll runs: when its lease ends (None: no poll runs).
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Polls failed in a row (0: the last one worked); the backoff doubles with each.
    failures: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: Entries taken since the feed was added.
    taken: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class EntryRow(Base):
    """An entry seen in a feed, under each key that names it (its GUID, its link+title)."""

    __tablename__ = "feed_entries"
    __table_args__ = (UniqueConstraint("feed_id", "key", name="uq_feed_entries_feed_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    #: sha256 (hex) of "guid:..." or "link:...\ntitle".
    key: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(10))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
