"""The tables: articles, posts and their parts, post events, attempts and account holds.

Times are stored in UTC (naive on SQLite, ``timestamptz`` on PostgreSQL) and always come
back timezone-aware.  The schema itself is created by the Alembic migrations in
``migrations/``; these models must match them (a test runs Alembic's autogenerate
comparison on SQLite and PostgreSQL and expects no difference).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Float,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A datetime stored as UTC and returned timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware UTC time")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


def utcnow() -> dt.datetime:
    """The machine's clock, for column defaults only; the core reads a :class:`Clock`."""
    return dt.datetime.now(dt.timezone.utc)


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


class HoldKind(enum.StrEnum):
    """Why an account's posts wait, whatever their time."""

    #: The network rate-limited the account until the hold's end.
    RATE_LIMIT = "rate_limit"
    #: Credentials or configuration were refused: an operator must look (``accounts check``).
    ATTENTION = "attention"
    #: An officer stopped the account's posts (crisis, mourning, a wrong template).
    PAUSE = "pause"
    #: The account used up a posting budget until the hold's end.
    BUDGET = "budget"
    #: A blackout window of the account's posting plan, until the window's end.
    BLACKOUT = "blackout"


def _in(column: str, values: type[enum.StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class StatusType(TypeDecorator[PostStatus]):
    """A post status stored as its text and returned as :class:`PostStatus`."""

    impl = String(20)
    cache_ok = True

    def process_bind_param(self, value: PostStatus | str | None, dialect: Any) -> str | None:
        return None if value is None else PostStatus(value).value

    def process_result_value(self, value: str | None, dialect: Any) -> PostStatus | None:
        return None if value is None else PostStatus(value)


class Base(DeclarativeBase):
    pass


class ArticleRow(Base):
    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_url", "url"),
                      Index("ix_articles_embargo", "embargo"))  # Store.next_wake: the next embargo to end (0024)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    image: Mapped[str | None] = mapped_column(Text)
    image_alt: Mapped[str | None] = mapped_column(Text)
    gallery: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    author: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: No post of the article goes out before this time, whatever its schedule says (the
    #: claim reads it: :mod:`disseminator.embargo`); None: no embargo.
    embargo: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: When this revision's content was fetched from its web page (``source`` is the page's
    #: URL: disseminator.ingest); None for an article read from a file.
    fetched_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class RevisionRow(Base):
    """One revision of an article as it was added: its fields and which changed."""

    __tablename__ = "article_revisions"
    __table_args__ = (PrimaryKeyConstraint("article_id", "revision", name="pk_article_revisions"),)

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    revision: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    #: The article's fields at this revision (title, summary, body, image, tags, ...).
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The names of the fields that differ from the revision before (empty for the first).
    changed: Mapped[list[str]] = mapped_column(JSON)
    source: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class PostRow(Base):
    __tablename__ = "posts"
    __table_args__ = (
        # One live post per article, account and variant: a cancelled, failed or withdrawn
        # one does not stop the officer from scheduling the article again (a correction).
        Index("uq_posts_live_article_account_variant", "article_id", "account", "variant", unique=True,
              sqlite_where=text("status NOT IN ('cancelled', 'failed', 'withdrawn')"),
              postgresql_where=text("status NOT IN ('cancelled', 'failed', 'withdrawn')")),
        CheckConstraint(_in("status", PostStatus), name="ck_posts_status"),
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
        CheckConstraint(_in("state", PartState), name="ck_post_parts_state"),
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


class DaemonRow(Base):
    """A daemon's heartbeat (``status``): one row per worker id, written when it starts,
    after every run and when it stops cleanly."""

    __tablename__ = "daemons"
    __table_args__ = (PrimaryKeyConstraint("worker", name="pk_daemons"),)

    worker: Mapped[str] = mapped_column(String(200))
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    version: Mapped[str] = mapped_column(String(50))
    tick_seconds: Mapped[float] = mapped_column(Float)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_beat: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    stopped_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class HoldRow(Base):
    """Why an account's posts wait: one row per account and kind, until ``until`` (or lifted)."""

    __tablename__ = "account_holds"
    __table_args__ = (
        PrimaryKeyConstraint("account", "kind", name="pk_account_holds"),
        CheckConstraint(_in("kind", HoldKind), name="ck_account_holds_kind"),
    )

    account: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    since: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: When the hold ends by itself; None: until lifted (a passing check, resume).
    until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: A pause that lets urgent posts through (``pause --allow-urgent``, or its preset's).
    allow_urgent: Mapped[bool] = mapped_column(Boolean, default=False)


class AlertRow(Base):
    """One alert for one destination (``webhook`` or ``email``): what happened, and whether
    it was delivered.  ``key`` names the event (``post:12:failed:345``), so an event is
    alerted once however many daemons see it (see :mod:`disseminator.alerts`)."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index("uq_alerts_key_destination", "key", "destination", unique=True),
        Index("ix_alerts_pending", "state", "next_try_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    destination: Mapped[str] = mapped_column(String(20))
    #: post_failed, post_missed, post_unknown, attention, token_expiring, daemon_silent, test
    kind: Mapped[str] = mapped_column(String(30))
    #: The facts (English keys): account, post_id, reason, when ... ; never a credential.
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: pending, sent
    state: Mapped[str] = mapped_column(String(20), default="pending")
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class MarkRow(Base):
    """A named bookmark the alerts keep between runs and restarts: the last post event
    looked at (``value``), when tokens were last checked (``at``)."""

    __tablename__ = "alert_marks"
    __table_args__ = (PrimaryKeyConstraint("name", name="pk_alert_marks"),)

    name: Mapped[str] = mapped_column(String(50))
    value: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class TokenRow(Base):
    """What the network last said about an account's token (``accounts check``, the
    daemon): when it expires (None: never), and when that was asked."""

    __tablename__ = "account_tokens"
    __table_args__ = (PrimaryKeyConstraint("account", name="pk_account_tokens"),)

    account: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class RecordRow(Base):
    """One entry of the publication record (append-only; :mod:`disseminator.store.record`):
    what happened to a post or an account, who did it, and the hash chaining it to the
    entry before.  On PostgreSQL and SQLite a trigger refuses UPDATE and DELETE."""

    __tablename__ = "record"
    __table_args__ = (
        PrimaryKeyConstraint("seq", name="pk_record"),
        Index("ix_record_post", "post_id"),
        Index("ix_record_at", "at"),
    )

    #: The entry's place in the chain: the head's plus one, taken under the head's lock
    #: (a primary key, so two writers can never append the same place: no fork).
    seq: Mapped[int] = mapped_column(Integer, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: queued, edited, published, failed, missed, cancelled, paused, resumed, ...
    event: Mapped[str] = mapped_column(String(30))
    #: None for an account-wide event (a pause).
    post_id: Mapped[int | None] = mapped_column(Integer)
    #: The account ("*": every account, ``pause --all``).
    account: Mapped[str | None] = mapped_column(String(200))
    #: Who: the operating-system user of the CLI, or the daemon's worker id.
    actor: Mapped[str] = mapped_column(String(200))
    #: What exactly (published: remote ids, URL, text sent, image SHA-256; edited: old and new text).
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class RecordHeadRow(Base):
    """The last entry of the record (one row, kept by a trigger on insert): appends lock
    it, and ``record verify`` notices rows removed from the end."""

    __tablename__ = "record_head"
    __table_args__ = (PrimaryKeyConstraint("id", name="pk_record_head"),)

    id: Mapped[int] = mapped_column(Integer, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


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


class PasswordRow(Base):
    """An officer's password for the web page, as an argon2 hash (``officers passwd``)."""

    __tablename__ = "officer_passwords"
    __table_args__ = (PrimaryKeyConstraint("officer", name="pk_officer_passwords"),)

    officer: Mapped[str] = mapped_column(String(200))
    hash: Mapped[str] = mapped_column(String(300))
    set_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class WebSessionRow(Base):
    """A web login: the SHA-256 of its cookie's token (the token itself is never stored),
    its CSRF token, when it began and was last used (idle and absolute timeouts), and the
    notices waiting to be shown on its next page."""

    __tablename__ = "web_sessions"
    __table_args__ = (PrimaryKeyConstraint("token_hash", name="pk_web_sessions"),
                      Index("ix_web_sessions_officer", "officer"))

    token_hash: Mapped[str] = mapped_column(String(64))
    officer: Mapped[str] = mapped_column(String(200))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    address: Mapped[str] = mapped_column(String(100))
    notices: Mapped[list[Any] | None] = mapped_column(JSON)


class LoginFailureRow(Base):
    """One failed web login: counted per officer and per client address (rate limit)."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_officer", "officer", "at"),
                      Index("ix_login_failures_address", "address", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    officer: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
