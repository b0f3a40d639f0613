"""Paced, not punished: whether an account may write now, and if not, until when.

Two sources, one answer (a :class:`Wait`, which becomes the account's hold):

* **What the network last said** (:meth:`channels.base.Channel.pace`): X's
  ``x-rate-limit-remaining`` of 0 until its reset, Meta's usage headers, Instagram's
  publishing quota.  Channels only report; the decision is here.  It is a
  ``rate_limit`` hold, so the next write is never one the network would answer with 429.
* **The account's budgets** from the configuration (``[accounts.NAME]``):
  ``max_per_hour``, ``max_per_day``, ``min_interval`` (seconds) and ``monthly_budget``
  (money, the sum of :meth:`~channels.base.Channel.cost` of what went out this calendar
  month in the configured zone).  Counted from the database: the account's parts
  published in the last day, one query.  A network that counts each part of a thread
  (X: every tweet is a post) has each part counted; elsewhere a post counts once.
  It is a ``budget`` hold.

Nothing here fails a post: a post past a limit goes back to the queue uncounted, and its
account holds until the moment it may write again; the hold's reason says which limit.
After a publish the same question is asked for the next post, so when a budget is used
up the hold is in place before anyone claims a post only to put it back.

Reasons are kept in English (they are stored) and shown through
:func:`channels.i18n.stored`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import CTE, select

from channels.base import Channel, Draft, Pace
from channels.i18n import N_

from . import holds, setting_ranges
from .store import PartRow, PostRow, Store
from .store.account_models import HoldKind

log = logging.getLogger("disseminator.pacing")

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
#: Past a reset the network gave in whole seconds (rounded down) before writing again.
RESET_SLACK = dt.timedelta(seconds=1)
#: The account settings this module reads.
KEYS = ("max_per_hour", "max_per_day", "min_interval", "monthly_budget")


@dataclass(frozen=True)
class Wait:
    """The account may not write before ``until``; ``reason`` in English (stored)."""

    kind: HoldKind
    until: dt.datetime
    reason: str

    @property
    def error_kind(self) -> str:
        """What the post that waits is marked with (``rate_limited`` or ``budget``)."""
        return "rate_limited" if self.kind is HoldKind.RATE_LIMIT else "budget"


@dataclass(frozen=True)
class Budget:
    """An account's configured budgets (None: no such budget)."""

    max_per_hour: int | None = None
    max_per_day: int | None = None
    #: Seconds between two writes of the account (0: none).
    min_interval: float = 0.0
    monthly_budget: Decimal | None = None

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> Budget:
        """From an account's table (already checked by the configuration loader)."""
        money = settings.get("monthly_budget")
        return cls(max_per_hour=settings.get("max_per_hour"), max_per_day=settings.get("max_per_day"),
                   min_interval=setting_ranges.duration_seconds(settings.get("min_interval") or 0) or 0.0,
                   monthly_budget=Decimal(str(money)) if money is not None else None)

    @property
    def counts(self) -> bool:
        """Whether any budget needs the account's recent publishes counted."""
        return bool(self.max_per_hour or self.max_per_day or self.min_interval)


# ------------------------------------------------------------------ the questions the worker asks


def before_write(store: Store, channel: Channel, draft: Draft, *, account: str, first: bool,
                 now: dt.datetime, tz: ZoneInfo) -> Wait | None:
    """May ``account`` send the next part of ``draft`` now?  None: yes; else the wait,
    already placed as the account's hold (the post goes back to the queue as it was).

    ``first``: this is the post's first write in this claim; its budgets are checked then
    (a thread already under way is one post, and finishes unless the network says stop).
    """
    wait = network_wait(store, channel, account=account, now=now)
    if wait is None and first:
        wait = budget_wait(store, channel, draft, account=account, now=now, tz=tz)
    if wait is not None:
        hold(store, account, wait)
    return wait


def wrote(store: Store, channel: Channel, draft: Draft, index: int, *, account: str, now: dt.datetime,
          tz: ZoneInfo) -> None:
    """Part ``index`` of ``draft`` is on the network (not yet recorded): if that used a
    budget up, the account holds from now on, while its post is still in flight, so its
    next post is not claimed the moment this one is recorded, only to be put back.
    Never raises: the part is out whatever happens here."""
    try:
        counted = channel.counts_parts or index == 0
        sent = Draft(parts=(draft.parts[index],)) if counted else Draft(parts=())
        wait = budget_wait(store, channel, None, account=account, now=now, tz=tz, sent=sent)
        if wait is not None:
            hold(store, account, wait)
    except Exception:  # noqa: BLE001 - see above
        log.warning("pacing.wrote_failed account=%s", account, exc_info=True)


def after_publish(store: Store, channel: Channel, *, account: str, now: dt.datetime, tz: ZoneInfo) -> Wait | None:
    """After a post of ``account`` went out: hold the account at once if the network's
    limit or a budget is now used up (so no claim is spent to learn it).  Returns the
    longest wait placed, or None.  Never raises: the post is out whatever happens here
    (the next post's own check still stands)."""
    try:
        found = [w for w in (network_wait(store, channel, account=account, now=now),
                             budget_wait(store, channel, None, account=account, now=now, tz=tz)) if w is not None]
        for wait in found:
            hold(store, account, wait)
    except Exception:  # noqa: BLE001 - see above
        log.warning("pacing.after_publish_failed account=%s", account, exc_info=True)
        return None
    return max(found, key=lambda w: w.until) if found else None


def hold(store: Store, account: str, wait: Wait) -> None:
    """Place ``wait`` as the account's hold (the one pause mechanism: :mod:`holds`)."""
    log.info("pacing.hold account=%s kind=%s until=%s reason=%s", account, wait.kind.value, wait.until.isoformat(),
             wait.reason)
    holds.place(store, account, wait.kind, reason=wait.reason, until=wait.until)


# ------------------------------------------------------------------ the network's word


def network_wait(store: Store, channel: Channel, *, account: str, now: dt.datetime) -> Wait | None:
    """The wait the network's last answer asks for (:meth:`Channel.pace`), or None."""
    try:
        pace = channel.pace()
    except Exception:  # noqa: BLE001 - a limit that cannot be read is unknown, never a failed post
        log.warning("pacing.pace_unreadable account=%s", account, exc_info=True)
        return None
    if pace is None or not pace.exhausted:
        return None
    until = _pace_end(store, pace, account=account, now=now)
    if until <= now:
        return None
    return Wait(HoldKind.RATE_LIMIT, until, pace.reason or N_("the network's limit is used up"))


def _pace_end(store: Store, pace: Pace, *, account: str, now: dt.datetime) -> dt.datetime:
    if pace.until is not None:
        return pace.until + RESET_SLACK
    window, said = pace.window or DAY, pace.said_at or now
    # A rolling window (Instagram's 24 hours) frees when the oldest post it held when the
    # network said so leaves it (posts made elsewhere: a whole window from then).
    times = published_times(store, account, since=said - window, parts=False)
    return (times[0] + window) if times and times[0] <= said else said + window


# ------------------------------------------------------------------ the configured budgets


def budget_wait(store: Store, channel: Channel, draft: Draft | None, *, account: str, now: dt.datetime,
                tz: ZoneInfo, sent: Draft | None = None) -> Wait | None:
    """The wait the account's budgets ask for before ``draft`` (None: before a post of
    one part, as after a publish), or None when it may go now.  ``sent``: a post taken
    as published at ``now`` (the one about to go out)."""
    budget = Budget.of(channel.account.settings)
    waits: list[Wait] = []
    if budget.counts:
        units = (len(draft.parts) if draft is not None else 1) if channel.counts_parts else 1
        times = published_times(store, account, since=now - max(DAY, dt.timedelta(seconds=budget.min_interval)),
                                parts=channel.counts_parts)
        if sent is not None:
            times += [now] * len(sent.parts)  # the caller counts: a part, or a post's first part
        waits += _count_waits(budget, times, units=units, now=now)
    if budget.monthly_budget is not None:
        wait = _month_wait(store, channel, draft, budget.monthly_budget, account=account, now=now, tz=tz,
                           extra=(channel.cost(sent) or Decimal(0)) if sent is not None and sent.parts else Decimal(0))
        if wait is not None:
            waits.append(wait)
    return max(waits, key=lambda w: w.until) if waits else None


def _count_waits(budget: Budget, times: list[dt.datetime], *, units: int, now: dt.datetime) -> list[Wait]:
    """``times``: the account's counted writes in the last day, oldest first."""
    waits = []
    if budget.min_interval and times:
        free = times[-1] + dt.timedelta(seconds=budget.min_interval)
        if free > now:
            waits.append(Wait(HoldKind.BUDGET, free, N_("at least {seconds} seconds between posts").format(
                seconds=_number(budget.min_interval))))
    for most, span, reason in ((budget.max_per_hour, HOUR, N_("at most {n} an hour")),
                               (budget.max_per_day, DAY, N_("at most {n} a day"))):
        if not most:
            continue
        inside = [t for t in times if t > now - span]
        # Room for the whole post (a thread's tweets on X); an empty window lets any post go,
        # or a thread longer than the budget would wait for ever.
        over = len(inside) + units - most
        if over > 0 and inside:
            free = inside[min(over, len(inside)) - 1] + span
            if free > now:
                waits.append(Wait(HoldKind.BUDGET, free, reason.format(n=most)))
    return waits


def _month_wait(store: Store, channel: Channel, draft: Draft | None, limit: Decimal, *, account: str,
                now: dt.datetime, tz: ZoneInfo, extra: Decimal = Decimal(0)) -> Wait | None:
    spent = month_spent(store, channel, account=account, now=now, tz=tz)
    if spent is None:
        return None  # the network charges nothing we know of
    spent += extra
    cost = (channel.cost(draft) or Decimal(0)) if draft is not None else Decimal(0)
    full = spent + cost > limit if draft is not None else spent >= limit
    if not full:
        return None
    return Wait(HoldKind.BUDGET, next_month(now, tz), N_("monthly budget {limit} reached ({spent} spent)").format(
        limit=_money(limit), spent=_money(spent)))


def month_spent(store: Store, channel: Channel, *, account: str, now: dt.datetime, tz: ZoneInfo) -> Decimal | None:
    """What ``account``'s parts published since the 1st of this month (in ``tz``) cost,
    in its configured prices; None when the channel has no price for a post."""
    if channel.cost(Draft(parts=("x",))) is None:
        return None
    start = month_start(now, tz)
    recent = _recent_parts(start)
    q = (select(recent.c.post_id, recent.c.text).join(PostRow, PostRow.id == recent.c.post_id)
         .where(PostRow.account == account).order_by(recent.c.post_id, recent.c.idx))
    by_post: dict[int, list[str]] = {}
    with store.session() as s:
        for post_id, text in s.execute(q):
            by_post.setdefault(post_id, []).append(text)
    return sum((channel.cost(Draft(parts=tuple(texts))) or Decimal(0) for texts in by_post.values()), Decimal(0))


def published_times(store: Store, account: str, *, since: dt.datetime, parts: bool) -> list[dt.datetime]:
    """When ``account``'s writes since ``since`` landed, oldest first: every part
    (``parts``), else each post's first part.  One query on the account's posts."""
    recent = _recent_parts(since, first_only=not parts)
    q = (select(recent.c.published_at).join(PostRow, PostRow.id == recent.c.post_id)
         .where(PostRow.account == account).order_by(recent.c.published_at))
    with store.session() as s:
        return [_aware(t) for t in s.scalars(q) if t is not None]


def _recent_parts(since: dt.datetime, *, first_only: bool = False) -> CTE:
    """The parts published since ``since``, read first through their index (0024) and
    only then matched to the account's posts: joined the other way round, both planners
    walked every post of the account, its whole queue included (a materialized CTE keeps
    SQLite from flattening it back)."""
    q = select(PartRow.post_id, PartRow.index.label("idx"), PartRow.text, PartRow.published_at).where(
        PartRow.published_at >= since)
    if first_only:
        q = q.where(PartRow.index == 0)
    return q.cte("recent_parts").prefix_with("MATERIALIZED")


# ------------------------------------------------------------------ months and money


def month_start(now: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The 1st of ``now``'s month, 00:00 in ``tz`` (as an aware UTC time)."""
    local = now.astimezone(tz)
    return dt.datetime(local.year, local.month, 1, tzinfo=tz).astimezone(dt.timezone.utc)


def next_month(now: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The 1st of the month after ``now``'s, 00:00 in ``tz`` (as an aware UTC time)."""
    local = now.astimezone(tz)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    return dt.datetime(year, month, 1, tzinfo=tz).astimezone(dt.timezone.utc)


class Prices:
    """What each account charges for a post, as text (``"0.215"``), for ``preview``,
    ``schedule`` and ``queue``.  One channel per account, made without credentials (a
    price is never a secret) and without touching the network."""

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self._channels: dict[str, Channel | None] = {}

    def cost(self, account: str, parts: Sequence[str]) -> str | None:
        """The price of a post of ``parts`` for ``account``; None when it has none."""
        channel = self._channel(account)
        if channel is None or not parts:
            return None
        return money(channel.cost(Draft(parts=tuple(parts))))

    def _channel(self, account: str) -> Channel | None:
        if account not in self._channels:
            from .errors import ConfigError
            from .registry import make_channel

            try:
                self._channels[account] = make_channel(self.settings.account(account, resolve=False), context=None)
            except ConfigError:  # no longer configured, or a broken plugin: no price known
                self._channels[account] = None
        return self._channels[account]


def money(value: Decimal | None) -> str | None:
    """A cost as --json and the tables show it: ``0.215`` (None stays None)."""
    return None if value is None else _money(value)


def _money(value: Decimal) -> str:
    """At least cents, more when the price has them: ``0.20``, ``0.215``, ``3.00``."""
    text = format(value.normalize(), "f")
    if len(text.partition(".")[2]) < 2:
        text = f"{value:.2f}"
    return text


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
