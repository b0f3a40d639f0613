"""Polling feeds: fetch (conditionally), take every new entry oldest first, queue its posts.

One poll of one feed (:func:`poll_feed`), after :func:`feed_state.take` gave it to us:

1. GET through the guarded fetcher (:mod:`channels.fetch`: address policy, deadline, size
   cap) with the last answer's ETag and Last-Modified; 304 means nothing new.
2. Every entry not seen before, oldest first, becomes an article
   (:func:`feeds.entry_article`, stored as ``article add`` stores a file, the entry's link
   as its source) whose posts are queued for the feed's accounts
   (:func:`feed_fanout.fan_out`); then the entry is remembered.  Remembered last, so a
   crash in between takes it again next time, and the article's content hash and the
   (article, account, variant) key make that second take queue nothing twice.  An entry
   without a title or link is skipped with one warning, and remembered.  An image without
   alt text in the feed takes the page's (:mod:`feed_page_alt`).  An entry taken
   before whose text changed (the same GUID, edited in place) is the article's next
   revision instead (:mod:`feed_revise`); an unchanged one does nothing.
3. The feed is due again after its interval; after a failure (the fetch, a feed that is
   not XML, the database) after :func:`backoff`, and the error is kept for ``feeds list``.
   A failure never propagates: one bad feed never stops the others or the daemon.

Nothing here logs above DEBUG: the caller says what happened (``feeds poll`` prints it,
the daemon's feeds thread logs it), once.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from channels.i18n import _

from ..errors import ArticleError, UserError
from . import feed_state
from .feeds import Document, FeedError, entry_article, parse

if TYPE_CHECKING:
    from channels.fetch import Fetched, Fetcher

    from ..config import Settings
    from ..store import Store
    from ..store.feed_models import FeedRow

log = logging.getLogger("disseminator.feeds")

#: The largest feed document read (a WordPress feed of 10 full articles is ~100 KB).
MAX_FEED_BYTES = 10_000_000
#: The longest wait after failures, unless the feed's own interval is longer.
MAX_BACKOFF = dt.timedelta(hours=6)
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"


def backoff(interval: dt.timedelta, failures: int) -> dt.timedelta:
    """The wait after ``failures`` failed polls in a row: the interval after the first,
    then doubling, up to :data:`MAX_BACKOFF` (or the interval, if longer)."""
    return min(interval * 2 ** min(max(failures - 1, 0), 30), max(interval, MAX_BACKOFF))


@dataclass
class Polled:
    """What one poll did (the ``feeds poll --json`` shape is :meth:`as_dict`)."""

    feed_id: int
    url: str
    #: ``new`` (entries taken), ``revised`` (only entries edited in place), ``unchanged``
    #: (nothing new), ``not_modified`` (304), ``failed``.
    outcome: str = "unchanged"
    #: One dict per entry taken: title, link, article id, posts, refused.
    taken: list[dict[str, Any]] = field(default_factory=list)
    #: One dict per entry edited in place (feed_revise): title, article id, revision, changed,
    #: updated posts, kept, published before.
    revised: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    next_poll_at: dt.datetime | None = None
    #: The document was read (not a 304, not a failure); its WebSub hub and own URL, if it
    #: names them (the daemon subscribes: disseminator.ingest.websub).
    read: bool = False
    hub: str | None = None
    self_url: str | None = None

    @property
    def queued(self) -> int:
        return sum(len(t["posts"]) for t in self.taken)

    def as_dict(self) -> dict[str, Any]:
        return {"feed": self.feed_id, "url": self.url, "outcome": self.outcome, "taken": self.taken,
                "revised": self.revised, "warnings": self.warnings, "error": self.error,
                "next_poll_at": self.next_poll_at.isoformat() if self.next_poll_at else None}


def fetch(settings: Settings, fetcher: Fetcher, url: str, *, etag: str | None = None,
          last_modified: str | None = None) -> Fetched:
    """The feed's answer (a 304 when the validators still hold).  Raises :class:`FetchError`."""
    return fetcher.get(url, max_bytes=MAX_FEED_BYTES, accept=ACCEPT, etag=etag, last_modified=last_modified)


def read(settings: Settings, fetcher: Fetcher, url: str) -> Document:
    """The feed at ``url`` now, parsed (``feeds add``).  Raises :class:`UserError` (one
    line) when it cannot be fetched or is not a feed."""
    from channels.fetch import FetchError

    try:
        got = fetch(settings, fetcher, url)
    except FetchError as exc:
        raise UserError(str(exc)) from None
    return parse(got.body, url=got.url, content_type=got.content_type)


def poll_due(settings: Settings, store: Store, *, every: bool = False, fetcher: Fetcher | None = None) -> list[Polled]:
    """Poll each feed that is due (``every``: every feed, unless another poll holds it)."""
    from channels.fetch import Fetcher

    now = store.clock.now()
    ids = [f.id for f in feed_state.feeds(store)] if every else feed_state.due(store, now)
    results = []
    own = fetcher is None
    http = Fetcher(settings.fetch_policy) if fetcher is None else fetcher
    try:
        for feed_id in ids:
            row = feed_state.take(store, feed_id, store.clock.now(), force=every)
            if row is not None:
                results.append(poll_feed(settings, store, row, http))
    finally:
        if own:
            http.close()
    return results


def poll_feed(settings: Settings, store: Store, feed: FeedRow, fetcher: Fetcher) -> Polled:
    """One poll of ``feed`` (taken: :func:`feed_state.take`); never raises (see the module)."""
    from channels.fetch import FetchError

    result = Polled(feed_id=feed.id, url=feed.url)
    interval = dt.timedelta(seconds=feed.interval_seconds)
    got: Fetched | None = None
    try:
        got = fetch(settings, fetcher, feed.url, etag=feed.etag, last_modified=feed.last_modified)
        if got.not_modified:
            result.outcome = "not_modified"
        else:
            doc = parse(got.body, url=got.url, content_type=got.content_type)  # after redirects: relative links
            result.warnings += doc.warnings
            _take_new(settings, store, feed, doc, result)
            result.read, result.hub, result.self_url = True, doc.hub, doc.self_url
    except (FetchError, UserError) as exc:
        result.error = str(exc) if isinstance(exc, FetchError) else exc.message
    except Exception as exc:  # noqa: BLE001 - a failing feed must never stop the daemon
        result.error = _("{url}: {kind}: {detail}").format(url=feed.url, kind=type(exc).__name__,
                                                           detail=settings.redactor.redact(str(exc))[:300])
        log.debug("feeds.poll_crashed feed=%d", feed.id, exc_info=True)
    now = store.clock.now()
    if result.error is not None:
        result.outcome = "failed"
        result.next_poll_at = now + backoff(interval, feed.failures + 1)
        log.debug("feeds.poll_failed feed=%d failures=%d next=%s %s", feed.id, feed.failures + 1,
                  result.next_poll_at.isoformat(), result.error)
    else:
        result.next_poll_at = now + interval
        if result.taken:
            result.outcome = "new"
        elif result.revised:
            result.outcome = "revised"
    ok = result.error is None and got is not None and not got.not_modified
    try:
        feed_state.finish(store, feed.id, next_at=result.next_poll_at, error=result.error, taken=len(result.taken),
                          validators=ok, etag=got.etag if got else None, last_modified=got.last_modified if got else None)
    except Exception:  # noqa: BLE001 - the lease runs out and the feed is polled again
        log.warning("feeds.finish_failed feed=%d", feed.id, exc_info=True)
    return result


def _take_new(settings: Settings, store: Store, feed: FeedRow, doc: Document, result: Polled) -> None:
    """Every entry of ``doc`` not seen before, oldest first (see the module, step 2); a
    WebSub push is read with it too (disseminator.ingest.websub)."""
    from ..store.feed_models import EntryOutcome

    from .feed_page_alt import with_page_alt
    from .feed_revise import revise

    every = [k for e in doc.entries for k in e.keys]
    known = feed_state.seen(store, feed.id, every)
    made = feed_state.taken_articles(store, feed.id, every)
    for entry in doc.entries:
        if known.intersection(entry.keys):
            article_id = next((made[k] for k in entry.keys if k in made), None)
            if article_id is not None:  # taken before: edited in place since? (feed_revise)
                revised = revise(settings, store, feed, entry, article_id, result.warnings)
                if revised is not None:
                    result.revised.append(revised)
                if not known.issuperset(entry.keys):  # a new title: known by its new link+title too
                    feed_state.remember(store, feed.id, entry.keys, outcome=EntryOutcome.TAKEN, article_id=article_id)
                    known.update(entry.keys)
            continue
        try:
            article = with_page_alt(settings, entry_article(entry, feed_url=feed.url))
        except ArticleError as exc:
            result.warnings.append(exc.message)
            feed_state.remember(store, feed.id, entry.keys, outcome=EntryOutcome.SKIPPED)
            known.update(entry.keys)
            continue
        taken = take_entry(settings, store, feed, article)
        feed_state.remember(store, feed.id, entry.keys, outcome=EntryOutcome.TAKEN, article_id=taken["article"])
        known.update(entry.keys)
        result.taken.append(taken)


def take_entry(settings: Settings, store: Store, feed: FeedRow, article: Any) -> dict[str, Any]:
    """Store ``article`` (a feed entry's) as ``article add`` stores a file and queue its
    posts for the feed's accounts: ``{"title", "url", "article", "posts", "refused"}``."""
    from ..articles import content_hash
    from .feed_fanout import fan_out

    added = store.add_article(article, source=article.url, content_hash=content_hash(article))
    if added.revised_from is not None:  # an entry republished with new content: its queued posts follow it
        from ..revisions import follow

        follow(settings, store, added.id)
    from ..alt_text import missing_alt

    fanned = fan_out(settings, store, feed, added.id, now=store.clock.now())
    alt = settings.officers.require_alt_text
    return {"title": article.title, "url": article.url, "article": added.id,
            "posts": [{"id": pid, "account": account, "status": status, "scheduled_at": when.isoformat(),
                       "needs_alt": bool(alt and status == "awaiting_approval" and missing_alt(store.post(pid).media))}
                      for pid, account, status, when in fanned.posts],
            "refused": fanned.refused}
