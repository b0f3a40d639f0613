"""The daemon: APScheduler as the timer, our posts table as the queue.

Every ``tick`` seconds one job runs :meth:`Worker.run_due` (never two at once; a missed
tick is not made up twice).  APScheduler's job store is never the queue: several
daemons may run against one PostgreSQL database, and the guarded claims keep them apart.
On SIGTERM or Ctrl-C the post in hand is finished, no new one is claimed, and the
process exits.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from .config import Settings
from .store import Store
from .worker import RunReport, Worker

log = logging.getLogger("disseminator.daemon")


class Daemon:
    def __init__(self, settings: Settings, store: Store, *, tick_seconds: float | None = None,
                 on_report: Callable[[RunReport], None] | None = None) -> None:
        self.settings = settings
        self.store = store
        self.tick = float(tick_seconds or settings.worker.tick_seconds)
        self.on_report = on_report
        self.stopping = threading.Event()
        self.worker = Worker(settings, store)

    def tick_once(self) -> None:
        try:
            report = self.worker.run_due(stop=self.stopping.is_set)
        except Exception:  # noqa: BLE001 - one bad tick must not stop the daemon
            log.exception("daemon.tick_failed")
            return
        if self.on_report:
            self.on_report(report)

    def run(self) -> None:
        """Run until SIGTERM/SIGINT (or :meth:`stop`)."""
        from apscheduler.schedulers.background import BackgroundScheduler

        scheduler = BackgroundScheduler(timezone=self.settings.tz)
        scheduler.add_job(self.tick_once, "interval", seconds=self.tick, max_instances=1, coalesce=True,
                          id="run_due", next_run_time=_now(self.settings))
        previous = {sig: signal.signal(sig, self._signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        scheduler.start()
        log.info("daemon.started worker=%s tick=%ss", self.worker.worker_id, self.tick)
        try:
            self.stopping.wait()
        finally:
            scheduler.shutdown(wait=True)  # the post in hand is finished first
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            log.info("daemon.stopped")

    def stop(self) -> None:
        self.stopping.set()

    def _signal(self, signum: int, _frame: Any) -> None:
        log.warning("daemon.stopping signal=%s", signal.Signals(signum).name)
        self.stop()


def _now(settings: Settings) -> Any:
    import datetime as dt

    return dt.datetime.now(settings.tz)
