"""WebSub: a feed that advertises a hub pushes its new entries, so they arrive in seconds.

With ``[feeds] callback_url`` set (:mod:`disseminator.ingest.websub_config`), the feeds
thread of the daemon (:class:`~disseminator.ingest.feed_loop.FeedLoop`):

1. notes the hub of each feed it reads (``<link rel="hub">``; the topic is the feed's
   ``rel="self"``, else its URL) in ``websub_subscriptions`` (:func:`noticed`);
2. asks the hub for a subscription (:func:`maintain`: a form POST through the guarded
   fetcher, so a hub on a private address is refused as any fetch is) with
   ``hub.callback = callback_url/NONCE``, ``hub.secret`` and ``hub.lease_seconds``; the
   hub then checks our intent: :func:`verify` answers its challenge only for a topic and
   mode we asked for; the subscription is active until the lease the hub granted ends,
   and is asked again :data:`RENEW_BEFORE` (a tenth of the lease, at least a minute)
   before that, or after a failure (backoff, as a feed's poll);
3. takes each push (:func:`receive`): the body's HMAC (``X-Hub-Signature: sha256=...``,
   or sha1/sha384/sha512) must match the subscription's secret, else it is ignored
   (answered 2xx all the same, as the spec asks); a signed body is read exactly as a poll
   of that feed reads its document: the same parser, the same seen-entry rules, the same
   fan-out, so a push and a poll of the same entry queue its posts once.

Polling goes on beside it at the feed's own interval: a hub that goes quiet loses
nothing.  Each subscription's secret is ``HMAC-SHA256([feeds] secret, nonce)``: the
database holds only the nonce.  The callback server is :mod:`disseminator.ingest.websub_server`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets as random_tokens
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from ..store.websub_models import SubscriptionRow

if TYPE_CHECKING:
    from channels.fetch import Fetcher

    from ..config import Settings
    from ..store import Store

log = logging.getLogger("disseminator.websub")

#: The lease asked for (the hub may grant another).
LEASE = dt.timedelta(days=10)
#: A subscription the hub has not verified within this is asked again.
PENDING_FOR = dt.timedelta(minutes=2)
#: The longest wait after failed requests.
MAX_BACKOFF = dt.timedelta(hours=6)
#: Digests a push may be signed with (WebSub 1.0, section 8).
DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}


def renew_before(lease: dt.timedelta) -> dt.timedelta:
    """How long before a lease ends it is renewed: a tenth of it, at least a minute."""
    return max(lease / 10, dt.timedelta(minutes=1))


RENEW_BEFORE = renew_before(LEASE)


def secret_for(master: str, nonce: str) -> str:
    """The HMAC secret of the subscription named ``nonce`` (never stored)."""
    return hmac.new(master.encode(), nonce.encode(), hashlib.sha256).hexdigest()


def callback(settings: Settings, nonce: str) -> str:
    return f"{settings.feeds.callback_url}/{nonce}"


def noticed(settings: Settings, store: Store, feed_id: int, feed_url: str, *, hub: str | None,
            self_url: str | None) -> None:
    """Record the ``hub`` feed ``feed_id``'s document advertises (None: none any more), with
    its own URL; a new hub or topic is subscribed afresh at the next :func:`maintain`.
    Nothing without ``callback_url``."""
    if not settings.feeds.callback_url:
        return
    topic = self_url or feed_url
    with store.session() as s:
        row = s.get(SubscriptionRow, feed_id)
        if hub is None:
            if row is not None:
                s.delete(row)  # the feed stopped advertising it: back to polling only
            return
        if row is not None and row.hub == hub and row.topic == topic:
            return
        if row is None:
            row = SubscriptionRow(feed_id=feed_id, failures=0)
            s.add(row)
        row.hub, row.topic, row.nonce = hub, topic, random_tokens.token_hex(16)
        row.state, row.lease_until, row.requested_at, row.failures, row.last_error = "new", None, None, 0, None


def maintain(settings: Settings, store: Store, fetcher: Fetcher) -> list[str]:
    """Ask each hub for the subscriptions that are new, unverified for too long, failed
    (after their backoff) or near the end of their lease; drop those whose feed is gone.
    Returns one line per failure (the caller logs them).  Never raises a fetch error."""
    from channels.fetch import FetchError

    from ..store.feed_models import FeedRow

    if not settings.feeds.callback_url:
        return []
    master = settings.websub_secret()
    if master is None:
        return []
    now = store.clock.now()
    with store.session() as s:
        feeds = set(s.scalars(select(FeedRow.id)))
        gone = [r.feed_id for r in s.scalars(select(SubscriptionRow)) if r.feed_id not in feeds]
        if gone:
            s.execute(delete(SubscriptionRow).where(SubscriptionRow.feed_id.in_(gone)))
        rows = [r for r in s.scalars(select(SubscriptionRow)) if _due(r, now)]
    problems = []
    for row in rows:
        form = {"hub.mode": "subscribe", "hub.topic": row.topic, "hub.callback": callback(settings, row.nonce),
                "hub.secret": secret_for(master, row.nonce), "hub.lease_seconds": str(int(LEASE.total_seconds()))}
        # Pending before the request, not after: the hub checks our intent on its own
        # thread, often before its answer reaches us, and that check's "active" must not
        # be overwritten by a "pending" written late (a lost update, seen in CI).
        with store.session() as s:
            current = s.get(SubscriptionRow, row.feed_id)
            if current is None or current.nonce != row.nonce:
                continue
            current.requested_at = now
            current.state = "active" if current.state == "active" else "pending"
        error = None
        try:
            fetcher.post_form(row.hub, form)
        except FetchError as exc:
            error = str(exc)
            problems.append(f"feed={row.feed_id} hub={row.hub} {error}")
        with store.session() as s:
            current = s.get(SubscriptionRow, row.feed_id)
            if current is None or current.nonce != row.nonce:
                continue
            if error is None:
                current.failures, current.last_error = 0, None
            else:
                current.state, current.failures, current.last_error = "failed", current.failures + 1, error[:1000]
        log.info("websub.requested feed=%s hub=%s ok=%s", row.feed_id, row.hub, error is None)
    return problems


def _due(row: SubscriptionRow, now: dt.datetime) -> bool:
    if row.state == "new":
        return True
    asked = row.requested_at
    if row.state == "pending":
        return asked is None or now - asked >= PENDING_FOR
    if row.state == "failed":
        wait = min(dt.timedelta(minutes=1) * 2 ** min(max(row.failures - 1, 0), 20), MAX_BACKOFF)
        return asked is None or now - asked >= wait
    if row.state == "active":
        return row.lease_until is None or row.lease_until - now <= RENEW_BEFORE
    return False  # denied: the hub said no; a new hub or topic in the feed starts again


def verify(store: Store, nonce: str, params: Mapping[str, str]) -> str | None:
    """The hub's intent check (a GET on our callback): the challenge to echo back when
    ``params`` name a topic and mode we asked for; None (answered 404) otherwise."""
    mode, topic = params.get("hub.mode"), params.get("hub.topic")
    now = store.clock.now()
    with store.session() as s:
        row = s.scalar(select(SubscriptionRow).where(SubscriptionRow.nonce == nonce))
        if mode == "denied":
            if row is not None and topic == row.topic:
                row.state, row.last_error = "denied", (params.get("hub.reason") or "denied by the hub")[:1000]
                log.warning("websub.denied feed=%s hub=%s", row.feed_id, row.hub)
            return ""
        challenge = params.get("hub.challenge")
        if row is None or topic != row.topic or mode != "subscribe" or not challenge:
            return None
        try:
            seconds = int(params.get("hub.lease_seconds") or LEASE.total_seconds())
        except ValueError:
            seconds = int(LEASE.total_seconds())
        row.state, row.lease_until, row.last_error = "active", now + dt.timedelta(seconds=max(seconds, 60)), None
        log.info("websub.verified feed=%s lease=%ss", row.feed_id, seconds)
        return challenge


def receive(settings: Settings, store: Store, nonce: str, body: bytes, headers: Mapping[str, str], *,
            content_type: str | None = None, on_queued: Callable[[], None] | None = None) -> int:
    """A push on our callback: when its signature holds, its entries are taken as a poll
    takes them.  Returns how many posts were queued (0 for an ignored push)."""
    from .feed_poll import Polled, _take_new
    from .feed_state import feed
    from .feeds import parse

    master = settings.websub_secret()
    with store.session() as s:
        row = s.scalar(select(SubscriptionRow).where(SubscriptionRow.nonce == nonce))
        feed_id = row.feed_id if row is not None else None
    if feed_id is None or master is None:
        log.warning("websub.push_unknown nonce=%s", nonce[:8])
        return 0
    if not signed(body, headers.get("X-Hub-Signature") or headers.get("x-hub-signature"), secret_for(master, nonce)):
        log.warning("websub.push_unsigned feed=%s (ignored)", feed_id)
        return 0
    row_feed = feed(store, str(feed_id))
    result = Polled(feed_id=feed_id, url=row_feed.url)
    doc = parse(body, url=row_feed.url, content_type=content_type)
    _take_new(settings, store, row_feed, doc, result)
    with store.session() as s:
        current = s.get(SubscriptionRow, feed_id)
        if current is not None:
            current.pushed_at = store.clock.now()
    log.info("websub.pushed feed=%s entries=%d posts=%d revised=%d", feed_id, len(result.taken), result.queued,
             len(result.revised))
    for line in result.warnings + [line for t in result.taken for line in t["refused"]]:
        log.warning("feeds.warning feed=%d %s", feed_id, line)
    if result.queued and on_queued is not None:
        on_queued()
    return result.queued


def signed(body: bytes, header: str | None, secret: str) -> bool:
    """Whether ``header`` (``method=hexdigest``) is ``body``'s HMAC with ``secret``."""
    if not header or "=" not in header:
        return False
    method, _sep, digest = header.strip().partition("=")
    algorithm = DIGESTS.get(method.lower())
    if algorithm is None:
        return False
    expected = hmac.new(secret.encode(), body, algorithm).hexdigest()
    return hmac.compare_digest(expected, digest.strip().lower())
