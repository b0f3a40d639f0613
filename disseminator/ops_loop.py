"""What a daemon does beside publishing: alerts, the token-expiry check, engagement figures
and whether what went out is still live and unchanged (:mod:`disseminator.live`).

A thread of its own, so that a slow webhook or SMTP server never delays a post: every
:data:`EVERY` seconds it runs one round of :func:`disseminator.alerts.check` (cheap: see
that module) and, at most every :data:`disseminator.tokens.CHECK_EVERY` across all daemons
sharing the database, asks the networks when each account's token expires and, at most every
:data:`disseminator.engagement.EVERY`, reads the engagement snapshots due.  Nothing here
stops the daemon: a failure is logged once (until a different one) and tried next round.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import Settings
    from .store import Store

log = logging.getLogger("disseminator.alerts")

#: Seconds between two rounds.
EVERY = 15.0


class OpsLoop:
    """The alerts thread of one daemon; :meth:`round` is one round (tests call it)."""

    def __init__(self, settings: Settings, store: Store, *, stop: threading.Event, every: float = EVERY) -> None:
        self.settings = settings
        self.store = store
        self.stop = stop
        self.every = every
        self.rounds = 0
        self._last_failure: str | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="alerts", daemon=True)
        self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self.stop.is_set():
            self.round()
            self.stop.wait(self.every)

    def round(self) -> None:
        """Check tokens (when due) and alerts once; never raises."""
        from . import alerts, engagement, live, tokens

        self.rounds += 1
        try:
            now = self.store.clock.now()
            if tokens.due(self.store, now):
                asked = tokens.check_all(self.settings, self.store)
                log.info("tokens.checked accounts=%d", len(asked))
            if self.settings.worker.engagement_reads and engagement.round_due(self.store, now):
                read = engagement.fetch(self.settings, self.store)
                if read.total or read.limited or read.failed:
                    log.info("engagement.round taken=%d limited=%d failed=%d", read.total, len(read.limited),
                             read.failed)
                # Is what went out still live and unchanged: with the reads left to each account.
                spent = read.reads | {a: self.settings.worker.engagement_reads for a in read.limited}
                found = live.check(self.settings, self.store, spent=spent)
                if found.found or found.limited or found.failed:
                    log.info("live.round checked=%d found=%d limited=%d failed=%d", found.checked,
                             len(found.found), len(found.limited), found.failed)
            result = alerts.check(self.settings, self.store, now=now)
            if result.recorded or result.sent or result.failed:
                log.debug("alerts.round found=%d new=%d sent=%d failed=%d", result.found, result.recorded,
                          result.sent, result.failed)
        except Exception as exc:  # noqa: BLE001 - alerts must never stop the daemon
            key = f"{type(exc).__name__}: {exc}"
            if key != self._last_failure:
                log.warning("alerts.round_failed %s", self.settings.redactor.redact(key))
                self._last_failure = key
            return
        self._last_failure = None
