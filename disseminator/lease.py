"""Keeping a claim alive while its post is worked on, and knowing when it is lost.

A claim's lease is how long other workers wait before they presume its worker dead and
take the post over (after asking the network).  A slow call must not look like a death,
so a heartbeat thread renews the lease every third of its length; and before each write
the claim is confirmed against the database, so a worker that lost it never writes.
Leases are judged by the store's clock (the database's on PostgreSQL), and a lease that
ran out is lost even if nobody took the post yet: the worker that wakes after it writes
nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from channels.i18n import _

from .queue.fenced import extend_lease
from .queue import LostClaim
from .store import Store

__all__ = ["Heartbeat", "LostClaim"]

log = logging.getLogger("disseminator.worker")


#: A claim the database confirmed this recently (a fraction of the lease, at most this
#: many seconds) needs no second confirmation before a write; see :meth:`Heartbeat.check`.
FRESH_SECONDS = 2.0


class Heartbeat:
    """Extends a claim's lease every third of its length while the post is worked on.

    ``confirmed`` is when (by the store clock's ``monotonic``) the claim was last proved
    by the database, read before the statement that proved it: the claim itself, when it
    was made in this process just now.
    """

    def __init__(self, store: Store, post_id: int, *, worker: str, lease: dt.timedelta,
                 confirmed: float | None = None) -> None:
        self.store, self.post_id, self.worker, self.lease = store, post_id, worker, lease
        self.lost = False
        self.confirmed = confirmed
        self._fresh = min(lease.total_seconds() / 10, FRESH_SECONDS)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{post_id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        interval = max(self.lease.total_seconds() / 3, 0.2)
        while not self._stop.wait(interval):
            self.beat()

    def beat(self) -> bool:
        asked = self.store.clock.monotonic()
        try:
            held = extend_lease(self.store, self.post_id, worker=self.worker, lease=self.lease)
        except Exception:  # noqa: BLE001 - a database hiccup: try again next beat
            log.warning("lease.extend_failed post=%s", self.post_id, exc_info=True)
            return not self.lost
        if not held:
            self.lost = True
        else:
            self.confirmed = asked
        return held

    def check(self) -> None:
        """Raise :class:`LostClaim` unless the claim is confirmed ours now (renewing it).

        Unlike the background beat, a database error here is not waved through: a write
        is only made for a claim the database has just confirmed.  "Just" is a tenth of
        the lease (two seconds at most) by this machine's monotonic clock, which runs on
        while the process is frozen: only the lease running out takes a claim from its
        worker (every other move of a post being published is its owner's), so a claim
        the database granted or renewed that recently still holds, and the first write
        after a claim costs no statement.
        """
        asked = self.store.clock.monotonic()
        if not self.lost and self.confirmed is not None and asked - self.confirmed < self._fresh:
            return
        try:
            held = not self.lost and extend_lease(self.store, self.post_id, worker=self.worker, lease=self.lease)
        except Exception as exc:  # noqa: BLE001
            raise LostClaim(_("post {id}: cannot confirm the claim ({error}); not writing").format(
                id=self.post_id, error=type(exc).__name__)) from exc
        if held:
            self.confirmed = asked
        else:
            self.lost = True
            raise LostClaim(_("post {id}: the claim expired and another worker may have it; not writing").format(
                id=self.post_id))
