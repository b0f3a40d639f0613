"""The daemon's feeds thread: polls each feed when it is due, beside publishing.

A thread of its own, so a slow feed server never delays a post (each fetch has its own
deadline besides).  It sleeps until the soonest feed is due, and at most :data:`LOOK`
seconds, so a feed added by ``feeds add`` while the daemon runs is read within that.
When a poll queued posts it wakes the publisher (``on_queued``: :meth:`Daemon.poke`), so
a post due now goes now.  Nothing here stops the daemon: a failing feed backs off by
itself (:mod:`disseminator.ingest.feed_poll`), and any other failure is logged once
(until a different one) and tried at the next round.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Settings
    from ..store import Store
    from .feed_poll import Polled
    from .websub_server import CallbackServer

log = logging.getLogger("disseminator.feeds")

#: The longest sleep between two looks at the feeds table (seconds).
LOOK = 5.0


class FeedLoop:
    """The feeds thread of one daemon; :meth:`round` is one pass (tests call it)."""

    def __init__(self, settings: Settings, store: Store, *, stop: threading.Event,
                 on_queued: Callable[[], None] | None = None, look: float = LOOK) -> None:
        self.settings = settings
        self.store = store
        self.stop = stop
        self.on_queued = on_queued
        self.look = look
        self.rounds = 0
        self._last_failure: str | None = None
        self._thread: threading.Thread | None = None
        #: The WebSub callback server, when ``[feeds] callback_url`` is set.
        self.callback: CallbackServer | None = None

    def start(self) -> None:
        if self.settings.feeds.callback_url:  # WebSub: hubs push to us (disseminator.ingest.websub)
            from .websub_server import CallbackServer

            try:
                self.callback = CallbackServer(self.settings, self.store, on_queued=self.on_queued)
            except OSError as exc:  # the port is taken: polling still works
                log.error("websub.listen_failed %s:%s %s", self.settings.feeds.listen_host,
                          self.settings.feeds.listen_port, exc)
        self._thread = threading.Thread(target=self._loop, name="feeds", daemon=True)
        self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)
        if self.callback is not None:
            self.callback.close()
            self.callback = None

    def _loop(self) -> None:
        while not self.stop.is_set():
            self.round()
            self.stop.wait(self._sleep())

    def _sleep(self) -> float:
        from . import feed_state

        try:
            soonest = feed_state.next_due(self.store)
            if soonest is None:
                return self.look
            return min(max((soonest - self.store.clock.now()).total_seconds(), 0.05), self.look)
        except Exception:  # noqa: BLE001 - the database is down: look again later
            return self.look

    def round(self) -> list[Polled]:
        """Poll every feed that is due; wake the publisher if posts were queued.  Never raises."""
        from .feed_poll import poll_due

        self.rounds += 1
        try:
            results = poll_due(self.settings, self.store)
        except Exception as exc:  # noqa: BLE001 - feeds must never stop the daemon
            key = f"{type(exc).__name__}: {exc}"
            if key != self._last_failure:
                log.warning("feeds.round_failed %s", self.settings.redactor.redact(key))
                self._last_failure = key
            return []
        self._last_failure = None
        if self.settings.feeds.callback_url:
            self._subscribe(results)
        queued = sum(r.queued for r in results)
        for r in results:
            for line in r.warnings + [line for t in r.taken for line in t["refused"]]:
                log.warning("feeds.warning feed=%d %s", r.feed_id, line)
            if r.error is not None:
                log.warning("feeds.poll_failed feed=%d next=%s %s", r.feed_id,
                            r.next_poll_at.isoformat() if r.next_poll_at else "-", r.error)
            for v in r.revised:
                log.info("feeds.revised feed=%d article=%d revision=%d updated=%s", r.feed_id, v["article_id"],
                         v["revision"], ",".join(str(i) for i in v["updated_posts"]) or "-")
            if r.taken:
                log.info("feeds.taken feed=%d entries=%d posts=%d", r.feed_id, len(r.taken), r.queued)
        if queued and self.on_queued is not None:
            self.on_queued()
        return results

    def _subscribe(self, results: list[Polled]) -> None:
        """Note the hubs the feeds just read name, and ask hubs for the subscriptions due
        (:func:`disseminator.ingest.websub.maintain`); never raises."""
        from channels.fetch import Fetcher

        from . import websub

        try:
            for r in results:
                if r.read:
                    websub.noticed(self.settings, self.store, r.feed_id, r.url, hub=r.hub, self_url=r.self_url)
            with Fetcher(self.settings.fetch_policy) as fetcher:
                for line in websub.maintain(self.settings, self.store, fetcher):
                    log.warning("websub.subscribe_failed %s", line)
        except Exception as exc:  # noqa: BLE001 - WebSub must never stop the feeds
            log.warning("websub.round_failed %s: %s", type(exc).__name__, self.settings.redactor.redact(str(exc))[:300])
