"""The daemon: APScheduler as the timer, our posts table as the queue.

Every ``tick`` seconds one job runs :meth:`Worker.run_due`.  Never two at once: a tick
that comes while a run is still going is skipped (one DEBUG line, never APScheduler's
"maximum number of running instances" warning), and ticks missed while the process was
busy or asleep become one run, however late (no "was missed by" warning).  APScheduler's job store is never the queue: several
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

from . import setting_ranges
from .config import Settings
from .errors import UsageError
from .store import Store
from .worker import RunReport, Worker

log = logging.getLogger("disseminator.daemon")


class Daemon:
    def __init__(self, settings: Settings, store: Store, *, tick_seconds: float | None = None,
                 on_report: Callable[[RunReport], None] | None = None) -> None:
        self.settings = settings
        self.store = store
        tick = settings.worker.tick_seconds if tick_seconds is None else tick_seconds
        problem = setting_ranges.TICK.problem(tick)
        if problem:  # 0 or less would busy-loop; 0 must not quietly mean the default either
            raise UsageError(f"tick: {problem}")
        self.tick = float(tick)
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

        scheduler = BackgroundScheduler(timezone=self.settings.tz, logger=log.getChild("scheduler"),
                                        executors={"default": _skipping_executor()})
        scheduler.add_job(self.tick_once, "interval", seconds=self.tick, id="run_due", next_run_time=_now(self.settings),
                          max_instances=1,  # one run at a time; the executor skips a tick that comes during one
                          coalesce=True,  # ticks missed meanwhile become one run ...
                          misfire_grace_time=None)  # ... however late it starts
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


def _skipping_executor() -> Any:
    """APScheduler's thread pool, except that a tick coming while the previous run is still
    going is skipped quietly: the scheduler would log that as a WARNING on every tick of a
    long run (59-70 lines per 500-post drain), though it is exactly what we want."""
    from apscheduler.executors.base import MaxInstancesReachedError
    from apscheduler.executors.pool import ThreadPoolExecutor

    class SkippingExecutor(ThreadPoolExecutor):  # type: ignore[misc]
        def submit_job(self, job: Any, run_times: list[Any]) -> None:
            try:
                super().submit_job(job, run_times)
            except MaxInstancesReachedError:
                log.debug("daemon.tick_skipped reason=previous_run_still_going")

    return SkippingExecutor(max_workers=1)


def _now(settings: Settings) -> Any:
    import datetime as dt

    return dt.datetime.now(settings.tz)
