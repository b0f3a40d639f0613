"""A feed's article to its accounts: each rendered by its own channel settings (template,
hashtags; the feed's ``--hashtag`` replaces the accounts' hashtags), at its own time, with
the feed's cascade delay.

The time is what ``schedule`` would pick (:func:`disseminator.timing.resolve`): an account
whose plan has slots takes its next free slot (``--next-slot``), any other goes now; both
plus the plan's stagger for its channel.  On top, the n-th account of the feed (from 0)
waits n times the feed's delay, so one release carried by many accounts does not land as
one identical burst.  The posts are queued by :func:`disseminator.planner.schedule`, the
same as ``schedule``'s; a feed in draft mode asks one approver for each.  So does a feed
in queue mode for a post whose image has no alt text while ``require_alt_text`` holds (the
default): it waits until an officer gives the image its text (``article alt``) and
approves it, rather than going out without one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from channels.i18n import _

from ..store.feed_models import FeedMode

if TYPE_CHECKING:
    from ..config import Settings
    from ..store import Store
    from ..store.feed_models import FeedRow


@dataclass(frozen=True)
class Fanned:
    """The posts queued for one article: ``(post id, account, status, scheduled_at)``, and
    one line for each account that did not take it."""

    posts: list[tuple[int, str, str, dt.datetime]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def feed_accounts(settings: Settings, feed: FeedRow) -> tuple[list[str], list[str]]:
    """The feed's accounts still configured, in cascade order (all when it names none),
    and a line for each it names that the configuration no longer has."""
    if not feed.accounts:
        return settings.account_names(), []
    known = [a for a in feed.accounts if a in settings.accounts]
    gone = [_("feed {id}: account {name} is no longer configured; its posts are not queued").format(id=feed.id, name=a)
            for a in feed.accounts if a not in settings.accounts]
    return known, gone


def with_hashtags(settings: Settings, feed: FeedRow, accounts: list[str]) -> Settings:
    """``settings`` whose ``accounts`` carry the feed's hashtags instead of their own, when
    the feed has some (``feeds add --hashtag``); the rest of each account's settings stay."""
    if feed.hashtags is None:
        return settings
    tables = {**settings.accounts, **{a: {**settings.accounts[a], "hashtags": list(feed.hashtags)} for a in accounts}}
    return dataclasses.replace(settings, accounts=tables)


def account_time(settings: Settings, store: Store, account: str, *, cascade: dt.timedelta,
                 now: dt.datetime) -> dt.datetime:
    """The account's time (see the module), ``cascade`` after its place in the feed's
    accounts asks.  Raises :class:`ScheduleError` for a plan with slots none of which is
    free in the coming year."""
    from ..timing import Timing, resolve

    plan = settings.plan_for(account)
    channel = str(settings.accounts[account].get("channel"))
    offset = (plan.stagger if plan else {}).get(channel, dt.timedelta(0)) + cascade
    slots = bool(plan and plan.slots)
    timing = Timing(next_slot=slots, stagger={channel: offset})  # a slot taken at this offset is skipped
    return resolve(settings, store, [account], base=None if slots else now, timing=timing, now=now)[account]


def fan_out(settings: Settings, store: Store, feed: FeedRow, article_id: int, *, now: dt.datetime) -> Fanned:
    """Queue the article's posts for the feed's accounts (see the module)."""
    from ..errors import UserError
    from ..planner import schedule

    accounts, refused = feed_accounts(settings, feed)
    if not accounts:
        return Fanned(refused=refused)
    settings = with_hashtags(settings, feed, accounts)
    delay = dt.timedelta(seconds=feed.delay_seconds)
    when: dict[str, dt.datetime] = {}
    for n, account in enumerate(accounts):  # one account without a free slot does not hold back the others
        try:
            when[account] = account_time(settings, store, account, cascade=n * delay, now=now)
        except UserError as exc:
            refused.append(_("{account}: not queued: {reason}").format(account=account, reason=exc.message))
    names = [a for a in accounts if a in when]
    held = set(names) if feed.mode == FeedMode.DRAFT else without_alt(settings, store, article_id, names)
    queued, plans = [], []
    for group, approval in (([a for a in names if a not in held], None), ([a for a in names if a in held], "one")):
        if group:
            done, refusals = schedule(settings, store, article_id, group, when=now, times=when, approval=approval,
                                      drafted_by=f"feed:{feed.id}")
            queued += done
            plans += refusals
    queued.sort(key=lambda r: names.index(r.account))
    refused += [_("{account}: not queued: {reason}").format(account=p.account, reason=p.refused) for p in plans]
    return Fanned(posts=[(r.id, r.account, r.status.value, r.scheduled_at) for r in queued], refused=refused)


def without_alt(settings: Settings, store: Store, article_id: int, names: list[str]) -> set[str]:
    """The accounts whose post of the article would carry an image without alt text, when
    ``require_alt_text`` holds: their posts wait for approval, which needs the alt text."""
    from ..alt_text import missing_alt
    from ..planner import plan

    if not settings.officers.require_alt_text or not names:
        return set()
    article = store.to_article(store.article(article_id))
    if all(m.alt and m.alt.strip() for m in article.images()):
        return set()
    return {p.account for p in plan(settings, article, names) if p.draft is not None and missing_alt(p.draft.media)}
