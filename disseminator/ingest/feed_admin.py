"""``feeds add | list | remove`` as a client uses them (the CLI prints what these return).

A feed added does not flood its accounts: every entry in it when it is added counts as
seen, unless ``backfill`` asks for the newest N, which the first poll takes (oldest first).
The feed is read once when it is added, so a URL that is not a feed (or is refused, or
answers 404) is refused at once, and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from channels.i18n import _

from ..errors import UsageError
from ..store.feed_models import EntryOutcome, FeedMode
from . import feed_state

if TYPE_CHECKING:
    from channels.fetch import Fetcher

    from ..config import Settings
    from ..store import Store
    from ..store.feed_models import FeedRow

#: The shortest and longest poll interval (``--every``).
MIN_INTERVAL = dt.timedelta(seconds=10)
MAX_INTERVAL = dt.timedelta(days=7)
DEFAULT_INTERVAL = dt.timedelta(minutes=5)


def duration(text: str, option: str, *, least: dt.timedelta = dt.timedelta(0),
             most: dt.timedelta = MAX_INTERVAL) -> dt.timedelta:
    """``"30s"``, ``"5m"``, ``"1h30m"`` within [least, most].  Raises :class:`UsageError`."""
    from ..durations import parse_duration

    value = parse_duration(text)
    if value is None or not least <= value <= most:
        raise UsageError(_("{option}: cannot use {text!r} (expected a duration from {least} to {most}, "
                           "such as '30s', '5m' or '1h')").format(option=option, text=text, least=_short(least),
                                                                  most=_short(most)))
    return value


def _short(value: dt.timedelta) -> str:
    seconds = int(value.total_seconds())
    if seconds and seconds % 86400 == 0:
        return f"{seconds // 86400}d"
    if seconds and seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds and seconds % 60 == 0:
        return f"{seconds // 60}m"
    return f"{seconds}s"


def add(settings: Settings, store: Store, url: str, *, accounts: Sequence[str] = (), mode: str = FeedMode.QUEUE,
        every: str | None = None, delay: str | None = None, backfill: int = 0, hashtags: Sequence[str] = (),
        fetcher: Fetcher | None = None) -> dict[str, Any]:
    """Read the feed at ``url`` and store it (see the module): ``feeds add``'s JSON."""
    from channels.fetch import Fetcher

    from ..planner import choose_accounts
    from .feed_poll import read

    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise UsageError(_("{url}: not a feed URL (expected http:// or https://)").format(url=url))
    if accounts:
        choose_accounts(settings, accounts)  # an unknown name is refused before anything is read
    interval = duration(every, "--every", least=MIN_INTERVAL) if every else DEFAULT_INTERVAL
    cascade = duration(delay, "--delay", most=dt.timedelta(days=1)) if delay else dt.timedelta(0)
    tags = [_hashtag(t) for t in hashtags]
    if backfill < 0:
        raise UsageError(_("--backfill: expected 0 or more entries, got {n}").format(n=backfill))
    existing = feed_state.feed_by_url(store, url)
    if existing is not None:
        raise UsageError(_("{url} is already feed {id} (see 'disseminator feeds list')").format(url=url, id=existing.id))
    own = fetcher is None
    http = Fetcher(settings.fetch_policy) if fetcher is None else fetcher
    try:
        doc = read(settings, http, url)
    finally:
        if own:
            http.close()
    row = feed_state.add_feed(store, url=url, accounts=list(dict.fromkeys(accounts)), delay=cascade, mode=str(mode),
                              interval=interval, hashtags=list(dict.fromkeys(tags)) if tags else None)
    keep = doc.entries[len(doc.entries) - backfill:] if backfill else []
    for entry in doc.entries[: len(doc.entries) - len(keep)]:
        feed_state.remember(store, row.id, entry.keys, outcome=EntryOutcome.BASELINE)
    return {**view(settings, row), "entries": len(doc.entries), "backfill": len(keep), "warnings": doc.warnings}


def _hashtag(text: str) -> str:
    """``--hashtag``'s value as a hashtag (``Hari Gizi`` -> ``#HariGizi``).  Raises :class:`UsageError`."""
    from channels.text import hashtag

    tag = hashtag(text)
    if tag is None:
        raise UsageError(_("--hashtag: {text!r} has no letter to make a hashtag of (expected e.g. '#HariGizi')").format(
            text=text))
    return tag


def view(settings: Settings, row: FeedRow) -> dict[str, Any]:
    """A feed as ``feeds list --json`` shows it."""
    from ..timeshow import show
    from .feed_fanout import feed_accounts

    accounts, _gone = feed_accounts(settings, row)
    delay = row.delay_seconds
    return {
        "id": row.id, "url": row.url, "mode": row.mode, "every": _short(dt.timedelta(seconds=row.interval_seconds)),
        "accounts": [{"name": a, "delay": _short(dt.timedelta(seconds=n * delay))} for n, a in enumerate(accounts)],
        "all_accounts": not row.accounts, "hashtags": row.hashtags,
        "next_poll_at": show(row.next_poll_at, settings.tz), "polled_at": show(row.polled_at, settings.tz) if row.polled_at else None,
        "failures": row.failures, "last_error": row.last_error, "taken": row.taken,
        "etag": row.etag, "last_modified": row.last_modified,
    }


def list_feeds(settings: Settings, store: Store) -> list[dict[str, Any]]:
    """Each feed's view, with ``needs_alt``: its posts that wait for alt text (:func:`needs_alt`)."""
    waiting = needs_alt(settings, store)
    return [{**view(settings, row), "needs_alt": waiting.get(row.id, [])} for row in feed_state.feeds(store)]


def needs_alt(settings: Settings, store: Store) -> dict[int, list[dict[str, Any]]]:
    """feed id -> ``[{"article", "posts"}]``: the feed's posts awaiting approval whose image
    has no alt text (with ``require_alt_text``, approval needs it), by article."""
    from sqlalchemy import select

    from ..alt_text import missing_alt
    from ..store import PostRow, PostStatus

    if not settings.officers.require_alt_text:
        return {}
    with store.session() as s:
        # The ids first (an index of status holds them), then their rows: asked for at once
        # (with ORDER BY id, or the drafter's LIKE), SQLite's statistics, which cannot tell a
        # rare state from a common one, walked the whole table
        # (tests/integration/test_query_plans.py).  Few posts await approval.
        ids = sorted(s.scalars(select(PostRow.id).where(PostRow.status == PostStatus.AWAITING_APPROVAL)))
        rows: list[Any] = []
        for at in range(0, len(ids), 500):
            rows += s.execute(select(PostRow.id, PostRow.article_id, PostRow.drafted_by, PostRow.media)
                              .where(PostRow.id.in_(ids[at:at + 500]), PostRow.status == PostStatus.AWAITING_APPROVAL,
                                     PostRow.drafted_by.like("feed:%"))).all()
        rows.sort()
    found: dict[int, dict[int, list[int]]] = {}
    for pid, article_id, drafted_by, media in rows:
        feed_id = str(drafted_by).partition(":")[2]
        if feed_id.isdigit() and missing_alt(media):
            found.setdefault(int(feed_id), {}).setdefault(article_id, []).append(pid)
    return {f: [{"article": a, "posts": ids} for a, ids in by.items()] for f, by in found.items()}


def remove(settings: Settings, store: Store, ref: str) -> dict[str, Any]:
    """Forget a feed (by id or URL); its articles and queued posts stay."""
    row = feed_state.feed(store, ref)
    feed_state.remove_feed(store, row.id)
    return view(settings, row)
