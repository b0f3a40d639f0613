"""The daemon: APScheduler as the timer, our posts table as the queue.

Every ``tick`` seconds one job runs :meth:`Worker.run_due`.  Never two at once: a tick
that comes while a run is still going is skipped (one DEBUG line, never APScheduler's
"maximum number of running instances" warning), and ticks missed while the process was
busy or asleep become one run, however late (no "was missed by" warning).  APScheduler's job store is never the queue: several
daemons may run against one PostgreSQL database, and the guarded claims keep them apart.
On SIGTERM or Ctrl-C the post in hand is finished, no new one is claimed, and the
process exits.  While the database is down the daemon logs the outage once, retries with
a backoff (doubling up to a minute), and logs the recovery.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import setting_ranges
from .config import Settings
from .errors import UsageError
from .store import DatabaseError, Store
from .worker import RunReport, Worker

log = logging.getLogger("disseminator.daemon")
#: The longest wait between two tries while the database is down (seconds).
OUTAGE_MAX_WAIT = 60.0


@dataclass
class _Outage:
    since: float
    tries: int = 0
    retry_at: float = 0.0


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
        self._outage: _Outage | None = None
        self._last_failure: str | None = None

    def tick_once(self) -> None:
        clock = self.store.clock
        if self._outage is not None and clock.monotonic() < self._outage.retry_at:
            return  # backing off: the database was down at the last try
        try:
            report = self.worker.run_due(stop=self.stopping.is_set)
        except DatabaseError as exc:
            self._database_down(exc)
            return
        except Exception as exc:  # noqa: BLE001 - one bad tick must not stop the daemon
            key = f"{type(exc).__name__}: {exc}"
            if key != self._last_failure:  # once per distinct failure, not once per tick
                log.exception("daemon.tick_failed")
                self._last_failure = key
            return
        self._last_failure = None
        if self._outage is not None:
            log.warning("daemon.database_back after=%.0fs tries=%d: publishing again",
                        clock.monotonic() - self._outage.since, self._outage.tries)
            self._outage = None
        if self.on_report:
            self.on_report(report)

    def _database_down(self, exc: DatabaseError) -> None:
        """Log an outage once, then retry with a backoff that doubles up to a minute.

        Nothing is lost meanwhile: a post in hand keeps its lease and is looked up on the
        network by whoever takes it next; queued posts wait in the database itself.
        """
        now = self.store.clock.monotonic()
        outage = self._outage or _Outage(since=now)
        outage.tries += 1
        wait = min(self.tick * 2 ** (outage.tries - 1), max(OUTAGE_MAX_WAIT, self.tick))
        outage.retry_at = now + wait
        if self._outage is None:
            log.error("daemon.database_down %s; retrying with backoff (up to every %.0fs), nothing is lost",
                      exc.message, max(OUTAGE_MAX_WAIT, self.tick))
        else:
            log.debug("daemon.database_still_down tries=%d next_in=%.1fs", outage.tries, wait)
        self._outage = outage

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
