"""The monthly report's figures: how much went out, how fast, and how widely it travelled.

:func:`gather` reads one period (a month in the configured time zone, or ``since`` to
``until``) from the database: posts published per channel and day, the time from each
article's publication (its ``published_at``, else when it was added) to its first post,
the engagement at 24 hours by channel (:mod:`disseminator.engagement`'s snapshots) and the
top posts.  :func:`write_csv` writes the same figures as CSV (English column names);
:mod:`disseminator.report_html` draws them.  Unrelated to :mod:`disseminator.report`
(a run's summary).
"""

from __future__ import annotations

import csv
import datetime as dt
import statistics
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from channels.engagement import engagement

from .engagement import snapshots
from .errors import UsageError
from .store import Store
from .store.article_models import ArticleRow
from .store.post_models import PostRow, PostStatus

#: Statuses of posts that went out (a withdrawn one was published, then deleted).
OUT = (PostStatus.PUBLISHED, PostStatus.WITHDRAWN)
#: Posts in the top list.
TOP = 10
#: Buckets of the time to first post, in hours (upper bounds; the last is open).
LEAD_BUCKETS = (1, 3, 6, 12, 24)


@dataclass(frozen=True)
class Period:
    """``start`` (inclusive) to ``end`` (exclusive), in UTC, and how to name it."""

    start: dt.datetime
    end: dt.datetime
    label: str
    tz: zoneinfo.ZoneInfo

    def days(self) -> list[dt.date]:
        """Every local day of the period, in order."""
        first, last = self.start.astimezone(self.tz).date(), (self.end - dt.timedelta(microseconds=1)).astimezone(self.tz).date()
        return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def period(tz: zoneinfo.ZoneInfo, *, month: str | None = None, since: str | None = None,
           until: str | None = None, names: tuple[str, str] = ("--since", "--until")) -> Period:
    """The period asked for: ``month`` (``2026-11``) or ``since``/``until`` (``2026-11-01``,
    both days included).  Raises :class:`UsageError` for a bad or empty period, naming a
    bad date by ``names`` (the options' names; the web page's fields' labels)."""
    from channels.i18n import _

    def day(text: str, option: str) -> dt.date:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise UsageError(_("{option}: expected a date such as 2026-11-01, got {value!r}").format(
                option=option, value=text)) from None

    if month is not None:
        if since is not None or until is not None:
            raise UsageError(_("give --month, or --since and --until, not both"))
        try:
            first = dt.datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise UsageError(_("--month: expected a month such as 2026-11, got {value!r}").format(value=month)) from None
        following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return Period(_local(first, tz), _local(following, tz), month, tz)
    if since is None or until is None:
        raise UsageError(_("give --month 2026-11, or --since and --until (dates such as 2026-11-01)"))
    start, last = day(since, names[0]), day(until, names[1])
    if last < start:
        raise UsageError(_("--until {until} is before --since {since}").format(until=until, since=since))
    return Period(_local(start, tz), _local(last + dt.timedelta(days=1), tz), f"{start.isoformat()}_{last.isoformat()}", tz)


def _local(day: dt.date, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tz).astimezone(dt.timezone.utc)


@dataclass(frozen=True)
class Lead:
    """One article: when it was published (or added) and when its first post went out."""

    article_id: int
    title: str
    since: dt.datetime
    first_post: dt.datetime
    channel: str

    @property
    def hours(self) -> float:
        return max((self.first_post - self.since).total_seconds(), 0.0) / 3600


@dataclass(frozen=True)
class TopPost:
    """A post and its figures at 24 hours."""

    post_id: int
    account: str
    channel: str
    published_at: dt.datetime
    title: str
    url: str | None
    figures: dict[str, int]

    @property
    def engagement(self) -> int:
        return engagement(self.figures)


@dataclass
class Figures:
    """Everything the report shows, for one period."""

    period: Period
    #: (local day, channel) -> posts published.
    per_day: Counter[tuple[dt.date, str]] = field(default_factory=Counter)
    channels: list[str] = field(default_factory=list)
    leads: list[Lead] = field(default_factory=list)
    #: channel -> posts with 24-hour figures, likes, comments, shares, engagement, views.
    by_channel: dict[str, dict[str, int]] = field(default_factory=dict)
    top: list[TopPost] = field(default_factory=list)

    @property
    def posts(self) -> int:
        return sum(self.per_day.values())

    def lead_median(self) -> float | None:
        return statistics.median(lead.hours for lead in self.leads) if self.leads else None

    def lead_buckets(self) -> list[int]:
        """Articles by time to first post: within each of :data:`LEAD_BUCKETS` hours, then later."""
        counts = [0] * (len(LEAD_BUCKETS) + 1)
        for lead in self.leads:
            counts[next((i for i, b in enumerate(LEAD_BUCKETS) if lead.hours <= b), len(LEAD_BUCKETS))] += 1
        return counts


def gather(store: Store, span: Period, *, top: int = TOP) -> Figures:
    """The figures of ``span`` from the database (posts found by the published_at index)."""
    out = Figures(period=span)
    with store.session() as s:
        rows = s.execute(select(PostRow.id, PostRow.account, PostRow.channel, PostRow.article_id, PostRow.published_at,
                                PostRow.remote_url)
                         .where(PostRow.published_at >= span.start, PostRow.published_at < span.end,
                                PostRow.status.in_(OUT))
                         .order_by(PostRow.published_at, PostRow.id)).all()
        article_ids = sorted({r.article_id for r in rows})
        titles: dict[int, str] = {}
        for start in range(0, len(article_ids), 500):
            chunk = article_ids[start:start + 500]
            since: dict[int, dt.datetime] = {}
            for a in s.execute(select(ArticleRow.id, ArticleRow.title, ArticleRow.published_at, ArticleRow.created_at)
                               .where(ArticleRow.id.in_(chunk))):
                titles[a.id] = a.title
                since[a.id] = _aware(a.published_at or a.created_at)
            earliest = s.execute(select(PostRow.article_id, func.min(PostRow.published_at))
                                 .where(PostRow.article_id.in_(chunk), PostRow.status.in_(OUT))
                                 .group_by(PostRow.article_id)).all()
            for article_id, first in earliest:
                if first is None or not span.start <= _aware(first) < span.end:
                    continue  # its first post went out in another period
                channel = next((r.channel for r in rows if r.article_id == article_id
                                and _aware(r.published_at) == _aware(first)), "")
                out.leads.append(Lead(article_id, titles[article_id], since[article_id], _aware(first), channel))
    for r in rows:
        out.per_day[(_aware(r.published_at).astimezone(span.tz).date(), r.channel)] += 1
    out.channels = sorted({r.channel for r in rows})
    out.leads.sort(key=lambda lead: lead.first_post)
    marks = snapshots(store, [r.id for r in rows])
    ranked: list[TopPost] = []
    for channel in out.channels:
        out.by_channel[channel] = {"posts": 0, "measured": 0, "likes": 0, "comments": 0, "shares": 0,
                                   "engagement": 0, "views": 0}
    for r in rows:
        totals = out.by_channel[r.channel]
        totals["posts"] += 1
        day = marks.get(r.id, {}).get("24h")
        if day is None:
            continue
        totals["measured"] += 1
        for key in ("likes", "comments", "shares", "views"):
            totals[key] += int(day.get(key, 0))
        totals["engagement"] += engagement(day)
        ranked.append(TopPost(r.id, r.account, r.channel, _aware(r.published_at), titles.get(r.article_id, ""),
                              r.remote_url, day))
    ranked.sort(key=lambda p: (-p.engagement, -p.figures.get("views", 0), p.post_id))
    out.top = ranked[:top]
    return out


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


# ---------------------------------------------------------------------------- CSV

CSV_FILES = ("posts-per-day", "time-to-first-post", "engagement-24h", "top-posts")


def write_csv(figures: Figures, folder: Path, stem: str) -> list[Path]:
    """The report's figures as four CSV files in ``folder`` named ``<stem>-<what>.csv``
    (English columns, ISO 8601 times); returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{stem}-{name}.csv" for name in CSV_FILES]
    days = figures.period.days()
    tables: list[tuple[list[str], list[list[object]]]] = [
        (["day", *figures.channels, "total"],
         [[d.isoformat(), *(figures.per_day[(d, c)] for c in figures.channels),
           sum(figures.per_day[(d, c)] for c in figures.channels)] for d in days]),
        (["article_id", "title", "article_time", "first_post_at", "first_channel", "hours"],
         [[lead.article_id, lead.title, lead.since.isoformat(), lead.first_post.isoformat(), lead.channel,
           f"{lead.hours:.2f}"] for lead in figures.leads]),
        (["channel", "posts", "posts_measured", "likes", "comments", "shares", "engagement", "views"],
         [[c, t["posts"], t["measured"], t["likes"], t["comments"], t["shares"], t["engagement"], t["views"]]
          for c, t in figures.by_channel.items()]),
        (["rank", "post_id", "account", "channel", "published_at", "title", "likes", "comments", "shares",
          "engagement", "views", "url"],
         [[i, p.post_id, p.account, p.channel, p.published_at.isoformat(), p.title, p.figures.get("likes", 0),
           p.figures.get("comments", 0), p.figures.get("shares", 0), p.engagement, p.figures.get("views", ""),
           p.url or ""] for i, p in enumerate(figures.top, 1)]),
    ]
    for path, (header, rows) in zip(paths, tables):
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
    return paths
