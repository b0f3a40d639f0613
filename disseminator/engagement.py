"""Engagement snapshots: each published post's figures at 1 hour, 24 hours and 7 days.

The daemon (:class:`disseminator.ops_loop.OpsLoop`, at most every :data:`EVERY` across
every daemon sharing the database) and ``disseminator metrics fetch`` (one pass, for cron)
call :func:`fetch`.  It asks the database which snapshots are due, a query bounded by the
index on ``posts (status, published_at)`` (only posts published inside a mark's window are looked
at, never the whole history), and reads at most ``worker.engagement_reads`` posts per
account per pass, within the networks' read limits:

- a mark is due from its moment until it is too late to mean anything (the 1-hour figures
  until the 24-hour mark, the 24-hour ones for one more day, the 7-day ones for one more
  week); a snapshot taken late keeps the moment it was taken;
- a snapshot is one row per post and mark (a unique index): never taken twice, even by two
  daemons at once;
- a rate-limit answer ends that account's reading for this pass and holds nothing else
  (posting goes on); the figures are asked again next pass.  Other failures skip the post
  until the next pass; a post the network no longer shows gets an empty snapshot.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import and_, exists, select, update
from sqlalchemy.exc import IntegrityError

from .store import Store
from .store.ops_models import MarkRow
from .store.post_models import MetricRow, PartRow, PostRow, PostStatus

if TYPE_CHECKING:
    from channels.base import Channel

    from .config import Settings

log = logging.getLogger("disseminator.engagement")


@dataclass(frozen=True)
class Mark:
    """A moment after publishing at which the figures are read, and how late it may be."""

    name: str
    after: dt.timedelta
    late: dt.timedelta


MARKS = (
    Mark("1h", dt.timedelta(hours=1), dt.timedelta(hours=23)),
    Mark("24h", dt.timedelta(hours=24), dt.timedelta(hours=24)),
    Mark("7d", dt.timedelta(days=7), dt.timedelta(days=7)),
)
MARK_NAMES = tuple(m.name for m in MARKS)
#: The daemons read figures at most this often, all of them together.
EVERY = dt.timedelta(minutes=10)
#: Posts read per account and pass unless ``worker.engagement_reads`` says otherwise.
READS = 5
#: Due snapshots looked at per mark and pass (the oldest first).
SCAN = 500


@dataclass(frozen=True)
class Due:
    """One snapshot to take: the post, its account and channel, its first part's id."""

    post_id: int
    account: str
    channel: str
    remote_id: str
    mark: str
    published_at: dt.datetime


@dataclass
class FetchResult:
    """What one pass did: snapshots taken (by mark), accounts whose reading was limited
    (tried again next pass), posts skipped for another failure, and posts found gone."""

    taken: dict[str, int] = field(default_factory=lambda: {m: 0 for m in MARK_NAMES})
    limited: list[str] = field(default_factory=list)
    failed: int = 0
    gone: int = 0
    waiting: int = 0
    #: Posts read per account (what is left of ``worker.engagement_reads`` goes to
    #: :mod:`disseminator.live`).
    reads: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.taken.values())


def due(store: Store, now: dt.datetime, *, limit: int = SCAN) -> list[Due]:
    """The snapshots due at ``now``, oldest post first within each mark."""
    found: list[Due] = []
    for mark in MARKS:
        taken = exists().where(MetricRow.post_id == PostRow.id, MetricRow.mark == mark.name)
        q = (select(PostRow.id, PostRow.account, PostRow.channel, PartRow.remote_id, PostRow.published_at)
             .join(PartRow, and_(PartRow.post_id == PostRow.id, PartRow.index == 0))
             .where(PostRow.published_at <= now - mark.after, PostRow.published_at > now - mark.after - mark.late,
                    PostRow.status == PostStatus.PUBLISHED, PartRow.remote_id.is_not(None), ~taken)
             .order_by(PostRow.published_at, PostRow.id).limit(limit))
        with store.session() as s:
            for post_id, account, channel, remote_id, published_at in s.execute(q):
                found.append(Due(post_id, account, channel, str(remote_id), mark.name, published_at or now))
    return found


def take(store: Store, item: Due, figures: dict[str, int], now: dt.datetime) -> bool:
    """Keep ``figures`` as ``item``'s snapshot; False when it was taken already."""
    try:
        with store.session() as s:
            s.add(MetricRow(post_id=item.post_id, mark=item.mark, taken_at=now,
                            figures={k: int(v) for k, v in figures.items()}))
    except IntegrityError:
        return False
    return True


def fetch(settings: Settings, store: Store, *, reads: int | None = None,
          channel_factory: Callable[..., Channel] | None = None) -> FetchResult:
    """One pass: read the due snapshots, at most ``reads`` posts per account (default
    ``worker.engagement_reads``).  Never raises for a network's failure."""
    from channels.base import Channel, ChannelError, RateLimited, Rejected

    from .errors import ConfigError
    from .registry import make_channel

    per_account = settings.worker.engagement_reads if reads is None else reads
    factory = channel_factory or make_channel
    result = FetchResult()
    now = store.clock.now()
    channels: dict[str, Channel | None] = {}
    read: dict[str, int] = {}
    for item in due(store, now):
        if item.account not in channels:
            channels[item.account] = None
            if item.account in settings.accounts and settings.account_problem(item.account) is None:
                try:
                    made = factory(settings.account(item.account), context=settings.context)
                    # A channel that reports no figures (the base's metrics) is never asked.
                    channels[item.account] = made if type(made).metrics is not Channel.metrics else None
                except ConfigError as exc:
                    log.warning("engagement.account_skipped account=%s %s", item.account, exc)
        channel = channels[item.account]
        if channel is None or item.account in result.limited:
            continue
        if read.get(item.account, 0) >= per_account:
            result.waiting += 1
            continue
        read[item.account] = read.get(item.account, 0) + 1
        result.reads[item.account] = read[item.account]
        try:
            figures = channel.metrics(item.remote_id)
        except RateLimited:
            result.limited.append(item.account)
            log.info("engagement.read_limited account=%s", item.account)
            continue
        except Rejected as exc:
            figures = {}
            result.gone += 1
            log.info("engagement.gone post=%d account=%s %s", item.post_id, item.account, exc.message)
        except ChannelError as exc:
            result.failed += 1
            log.warning("engagement.read_failed post=%d account=%s kind=%s %s", item.post_id, item.account,
                        exc.kind, settings.redactor.redact(exc.message))
            continue
        if take(store, item, figures, store.clock.now()):
            result.taken[item.mark] += 1
    return result


def round_due(store: Store, now: dt.datetime) -> bool:
    """Claim this pass of the daemons' reading: True at most once per :data:`EVERY`
    across every daemon sharing the database (a guarded update of the ``metrics`` mark)."""
    from .tokens import touched

    with store.session() as s:  # the row is made by migration 0015
        done = s.execute(update(MarkRow).where(MarkRow.name == "metrics",
                                               (MarkRow.at.is_(None)) | (MarkRow.at <= now - EVERY))
                         .values(at=now, value=MarkRow.value + 1))
        return bool(touched(done))


def snapshots(store: Store, post_ids: list[int]) -> dict[int, dict[str, dict[str, int]]]:
    """The snapshots of ``post_ids``: post -> mark -> figures."""
    out: dict[int, dict[str, dict[str, int]]] = {}
    with store.session() as s:
        for start in range(0, len(post_ids), 500):
            chunk = post_ids[start:start + 500]
            for row in s.scalars(select(MetricRow).where(MetricRow.post_id.in_(chunk))):
                out.setdefault(row.post_id, {})[row.mark] = dict(row.figures)
    return out
