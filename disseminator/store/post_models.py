"""The posts' tables: a post, its parts, its moves, the calls made for it, its engagement.

A post's status is a :class:`PostStatus` in Python and a CHECK constraint in the
database; the partial unique indexes that keep the queue's rules (one live post per
article, account and variant; one post per account in flight) are declared here as in
the migrations.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .article_models import ArticleRow
from .columns import Base, UTCDateTime, check_in, utcnow


class PostStatus(enum.StrEnum):
    """Where a post is in its life.  Moves only along the edges in :mod:`disseminator.states`."""

    #: Waiting for its time (or for a retry, or for its account's hold to end).
    SCHEDULED = "scheduled"
    #: Claimed by one worker, which is talking to the network now.
    PUBLISHING = "publishing"
    #: Every part is on the network.
    PUBLISHED = "published"
    #: The network refused it for good, or retries ran out; the error says why.
    FAILED = "failed"
    #: Withdrawn by an officer before it was published.
    CANCELLED = "cancelled"
    #: Its time passed more than ``worker.grace`` ago while nothing could send it (the
    #: daemon was down, a pause): it waits for an officer (``retry`` sends it, ``cancel``).
    MISSED = "missed"
    #: Was published, then deleted from the network by an officer (``unpublish``); the
    #: event says why and who.
    WITHDRAWN = "withdrawn"
    #: Needs an approver's ``approve`` (``approval = "one"|"two"``) before the daemon may
    #: claim it; ``reject`` cancels it with a reason.
    AWAITING_APPROVAL = "awaiting_approval"
    #: A write may have landed on a network that cannot be asked whether it did (Telegram's
    #: Bot API reads no channel back): an officer looks and says (``post confirm``).
    UNKNOWN = "unknown"


class PartState(enum.StrEnum):
    """Where one part of a post is."""

    #: Not on the network (as far as we know: a post marked needs_reconcile may be).
    PENDING = "pending"
    #: On the network, under ``remote_id``.
    PUBLISHED = "published"
    #: Was on the network under ``remote_id`` (kept), and was deleted there (``unpublish``).
    DELETED = "deleted"


class StatusType(TypeDecorator[PostStatus]):
    """A post status stored as its text and returned as :class:`PostStatus`."""

    impl = String(20)
    cache_ok = True

    def process_bind_param(self, value: PostStatus | str | None, dialect: Any) -> str | None:
        return None if value is None else PostStatus(value).value

    def process_result_value(self, value: str | None, dialect: Any) -> PostStatus | None:
        return None if value is None else PostStatus(value)


class PostRow(Base):
    __tablename__ = "posts"
    __table_args__ = (
        # One live post per article, account and variant: a cancelled, failed or withdrawn
        # one does not stop the officer from scheduling the article again (a correction).
        Index("uq_posts_live_article_account_variant", "article_id", "account", "variant", unique=True,
              sqlite_where=text("status NOT IN ('cancelled', 'failed', 'withdrawn')"),
              postgresql_where=text("status NOT IN ('cancelled', 'failed', 'withdrawn')")),
        CheckConstraint(check_in("status", PostStatus), name="ck_posts_status"),
        Index("ix_posts_due", "status", "next_attempt_at"),
        # Engagement snapshots due and the monthly report: published posts in a time window
        # (status first: a planner without statistics then never prefers ix_posts_due).
        Index("ix_posts_status_published_at", "status", "published_at"),
        # Per-account order: "is an earlier post of this account still waiting?"
        Index("ix_posts_account_order", "account", "status", "scheduled_at"),
        # The first page of queue and of history reads 51 rows in order, not the whole table (0016).
        Index("ix_posts_planned", "scheduled_at", "id"),
        Index("ix_posts_done_time", text("coalesce(published_at, updated_at)"), "id"),
        Index("ix_posts_status_account", "status", "account"),  # Store.queued_accounts (0016)
        Index("ix_posts_account_published_at", "account", "published_at"),  # live: an account's first publish (0024)
        Index("ix_posts_status_lease", "status", "lease_until"),  # leases running out: next wake, recovery (0024)
        # The few posts waiting after an error (a retry, the go-live check): status counts them (0024).
        Index("ix_posts_erring", "status", "error_kind", "account", sqlite_where=text("error_kind IS NOT NULL"),
              postgresql_where=text("error_kind IS NOT NULL")),
        # At most one post per account in flight, across every worker: the database holds
        # that rule itself, so per-account order needs no lock of ours.
        Index(
            "uq_posts_one_publishing_per_account",
            "account",
            unique=True,
            sqlite_where=text("status = 'publishing'"),
            postgresql_where=text("status = 'publishing'"),
        ),
        # A recurring post's next occurrence is queued once, whoever queues it.
        Index("uq_posts_recurrence_of", "recurrence_of", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    account: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(50))
    variant: Mapped[str] = mapped_column(String(100), default="default")
    media: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    link: Mapped[str | None] = mapped_column(Text)
    #: The link card a channel builds itself (Bluesky): title and description (0023).
    card: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    status: Mapped[PostStatus] = mapped_column(StatusType, default=PostStatus.SCHEDULED)
    scheduled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: Publishing calls made that count against the retry budget (see Store.record_attempt).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    needs_reconcile: Mapped[bool] = mapped_column(Boolean, default=False)
    #: An officer let this post go before earlier posts of its account that still wait
    #: (a retry, say); otherwise an account's posts go out in the order they were planned.
    overtake: Mapped[bool] = mapped_column(Boolean, default=False)
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    remote_url: Mapped[str | None] = mapped_column(Text)
    error_kind: Mapped[str | None] = mapped_column(String(30))
    error_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: A recurring post's crontab expression (``schedule --every``), read in its plan's zone.
    recurrence: Mapped[str | None] = mapped_column(String(200))
    #: The post whose next occurrence this one is (unique: one follower per post).
    recurrence_of: Mapped[int | None] = mapped_column(Integer)
    #: The approval it needed when queued: ``none`` (or None), ``one`` or ``two`` approvers.
    approval: Mapped[str | None] = mapped_column(String(10))
    #: The officer who queued it (the operating-system user without ``[officers]``).
    drafted_by: Mapped[str | None] = mapped_column(String(200))
    #: Who approved it since it last needed approval: ``[{"officer", "at", "self"}]``.
    approved_by: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    #: A disaster warning or public-safety notice (``schedule --urgent``): it passes a pause
    #: placed with ``--allow-urgent``, never another hold, and goes before its account's
    #: earlier posts.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)

    #: The post's parts in order, loaded with it (one extra query for a whole page of posts).
    part_rows: Mapped[list[PartRow]] = relationship(
        order_by="PartRow.index", lazy="selectin", cascade="all, delete-orphan"
    )

    #: The post's article, only where a query loads it (the claim does, for the go-live
    #: check: disseminator.ingest.golive); never a query of its own (reading it unloaded raises).
    article_row: Mapped[ArticleRow | None] = relationship(lazy="raise", viewonly=True)

    @property
    def parts(self) -> list[str]:
        """The text of each part, in order."""
        return [p.text for p in self.part_rows]

    @property
    def remote_ids(self) -> list[str | None]:
        """Each part's id on the network (None where it is not known to be there)."""
        return [p.remote_id for p in self.part_rows]


class PartRow(Base):
    """One part of a post (one post, or one element of an X thread)."""

    __tablename__ = "post_parts"
    __table_args__ = (
        PrimaryKeyConstraint("post_id", "idx", name="pk_post_parts"),
        CheckConstraint(check_in("state", PartState), name="ck_post_parts_state"),
        Index("ix_post_parts_remote_id", "remote_id"),
        Index("ix_post_parts_text_hash", "text_hash"),
        Index("ix_post_parts_published_at", "published_at"),  # pacing's last day, the month's cost (0024)
    )

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    index: Mapped[int] = mapped_column("idx", Integer)
    text: Mapped[str] = mapped_column(Text)
    #: sha256 of ``text``: the same-text check is an indexed look-up, not a scan.
    text_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20), default=PartState.PENDING.value)
    remote_id: Mapped[str | None] = mapped_column(String(200))
    #: Publishing calls made for this part.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class EventRow(Base):
    """One move of a post from one status to another (append-only)."""

    __tablename__ = "post_events"
    __table_args__ = (Index("ix_post_events_post", "post_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    #: The edge's name in the transition table (claim, published, retry, ...).
    edge: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    worker: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    #: What the move replaced, when it matters later (an edit keeps the old text here).
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AttemptRow(Base):
    __tablename__ = "attempts"
    __table_args__ = (Index("ix_attempts_post", "post_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    part: Mapped[int] = mapped_column(Integer, default=0)
    action: Mapped[str] = mapped_column(String(20), default="publish")
    worker: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(20))
    http_status: Mapped[int | None] = mapped_column(Integer)
    error_code: Mapped[str | None] = mapped_column(String(50))
    error_message: Mapped[str | None] = mapped_column(Text)
    remote_id: Mapped[str | None] = mapped_column(String(200))
    sent_text: Mapped[str | None] = mapped_column(Text)


class MetricRow(Base):
    """What the network said of a published post's engagement at one mark (``1h``, ``24h``,
    ``7d`` after publishing): its figures (English keys, whole numbers) and when they were
    read.  One row per post and mark: a snapshot is never taken twice."""

    __tablename__ = "post_metrics"
    __table_args__ = (Index("uq_post_metrics_post_mark", "post_id", "mark", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    mark: Mapped[str] = mapped_column(String(10))
    taken_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    figures: Mapped[dict[str, int]] = mapped_column(JSON)
