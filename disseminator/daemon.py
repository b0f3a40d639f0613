"""The daemon: APScheduler as the timer, our posts table as the queue.

The timer sleeps until the next moment something may become due (a post's time or next
try, a lease running out, a hold ending: :meth:`Store.next_wake`, three index lookups),
and never longer than ``tick`` seconds (a safety net, not a poll).  A change made by any
process (a post queued, rescheduled, sent again, an account resumed) wakes it at once:
PostgreSQL's LISTEN/NOTIFY, SQLite's ``PRAGMA data_version``
(:mod:`disseminator.store.notify`).  Never two runs at once: a wake that comes while a
run is going makes that run look again when it ends (one DEBUG line, never APScheduler's
"maximum number of running instances" warning).  APScheduler's job store is never the
queue: several daemons may run against one PostgreSQL database, and the guarded claims
keep them apart.  On SIGTERM or Ctrl-C the post in hand is finished, no new one is
claimed, and the process exits.  While the database is down the daemon logs the outage
once, retries with a backoff (doubling up to a minute), and logs the recovery.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apscheduler.triggers.base import BaseTrigger

from . import setting_ranges
from .config import Settings
from .errors import UsageError
from .run_report import RunReport
from .store import DatabaseError, Store
from .store.notify import ChangeWatch, watch
from .worker import Worker

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
                 on_report: Callable[[RunReport], None] | None = None,
                 changes: Callable[[], ChangeWatch] | None = None, metrics_port: int | None = None,
                 metrics_host: str = "127.0.0.1") -> None:
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
        #: What tells the daemon the queue changed; None: only its own timer wakes it.
        self._changes = changes if changes is not None else (lambda: watch(settings.database, stop=self.stopping))
        self._poked = threading.Event()
        #: A change and the timer's next setting never cross: the later one wins, not the slower.
        self._timer_lock = threading.Lock()
        self._trigger = _NextDue(self.tick)
        self._scheduler: Any = None
        #: Runs made (each a run_due); tests and the benchmark read it.
        self.runs = 0
        self._last_beat = float("-inf")
        #: ``--metrics-port`` (else ``worker.metrics_port``): Prometheus metrics served there.
        self.metrics_port = metrics_port if metrics_port is not None else settings.worker.metrics_port
        self.metrics_host = metrics_host
        self.metrics: Any = None
        #: The web page's server, when ``[web] enabled = true`` (:meth:`serve_web`).
        self.web: Any = None
        #: Alerts and the token check run beside the publishing runs (disseminator/ops_loop.py).
        self.ops: Any = None
        #: Feeds are polled beside them too (disseminator/ingest/feed_loop.py).
        self.feeds: Any = None

    def tick_once(self) -> None:
        """One run of everything due, again while changes came during it, then the timer
        is set to the next moment something may become due."""
        while True:
            self._poked.clear()
            self._run_once()
            if not self._poked.is_set() or self.stopping.is_set() or self._outage is not None:
                break
        self._beat()
        self._plan_next()

    def _beat(self, **how: bool) -> None:
        """The heartbeat ``status`` reads; a database that is down only delays it."""
        from .status import beat

        if self._outage is not None and not how:
            return
        # At most one beat per half tick: on SQLite our own write wakes the change watch
        # too, so a beat after every run would make every run wake the next one.
        now = self.store.clock.monotonic()
        if not how and now - self._last_beat < self.tick / 2:
            return
        try:
            beat(self.store, self.worker.worker_id, tick=self.tick, **how)
            self._last_beat = now
        except DatabaseError as exc:
            log.debug("daemon.beat_failed %s", exc.message)

    def poke(self) -> None:
        """The queue changed: run now (or once more after the run going on)."""
        with self._timer_lock:
            self._poked.set()
            self._at(dt.datetime.now(dt.timezone.utc))

    def _plan_next(self) -> None:
        clock = self.store.clock
        try:
            now = clock.now()
            wake = self.store.next_wake(now)
        except DatabaseError:
            wake, now = None, None
        delay = self.tick if wake is None or now is None else min((wake - now).total_seconds(), self.tick)
        if self._outage is not None:  # backing off: wake when the next try is allowed
            delay = max(0.0, self._outage.retry_at - clock.monotonic())
        with self._timer_lock:
            if self._poked.is_set():  # a change came after the last look: look again now
                delay = 0.0
            # The database's clock says when; the timer counts on this machine's.
            self._at(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=max(delay, 0.0)))
        log.debug("daemon.next_run in=%.3fs", delay)

    def _at(self, when: dt.datetime) -> None:
        self._trigger.at = when
        if self._scheduler is not None and not self.stopping.is_set():
            try:
                self._scheduler.modify_job("run_due", next_run_time=when)
            except Exception:  # noqa: BLE001 - the scheduler is shutting down
                log.debug("daemon.reschedule_skipped", exc_info=True)

    def _watch_changes(self) -> None:
        changes = self._changes()
        try:
            while not self.stopping.is_set():
                if changes.wait(1.0) and not self.stopping.is_set():
                    self.poke()
        finally:
            changes.close()

    def _run_once(self) -> None:
        self.runs += 1
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
        if self.metrics is not None:
            self.metrics.observe(report)
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
        scheduler.add_job(self.tick_once, self._trigger, id="run_due", next_run_time=_now(self.settings),
                          max_instances=1,  # one run at a time; the executor skips a wake that comes during one
                          coalesce=True,  # wakes missed meanwhile become one run ...
                          misfire_grace_time=None)  # ... however late it starts
        self._scheduler = scheduler
        self.serve_metrics()
        self.serve_web()
        from .ops_loop import OpsLoop

        self.ops = OpsLoop(self.settings, self.store, stop=self.stopping)
        from .ingest.feed_loop import FeedLoop

        self.feeds = FeedLoop(self.settings, self.store, stop=self.stopping, on_queued=self.poke)
        previous = {sig: signal.signal(sig, self._signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        self._beat(starting=True)
        scheduler.start()
        watcher = threading.Thread(target=self._watch_changes, name="queue-changes", daemon=True)
        watcher.start()
        self.ops.start()
        self.feeds.start()
        log.info("daemon.started worker=%s tick=%ss", self.worker.worker_id, self.tick)
        try:
            # Wake every second: the kernel may deliver SIGTERM to any of our threads, and
            # Python runs its handler only when the main thread runs again; a main thread
            # blocked in an endless wait would never see it (a daemon that ignored SIGTERM
            # for an hour was found so).
            while not self.stopping.wait(timeout=1.0):
                pass
        finally:
            self._scheduler = None
            scheduler.shutdown(wait=True)  # the post in hand is finished first
            watcher.join(timeout=5)
            self.ops.join(timeout=5)
            self.feeds.join(timeout=5)
            self._beat(stopping=True)
            if self.metrics is not None:
                self.metrics.close()
            if self.web is not None:
                self.web.shutdown()
                self.web.server_close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            log.info("daemon.stopped")

    def serve_metrics(self) -> int | None:
        """Start serving Prometheus metrics when a port is set (once); returns the port
        (the one chosen when 0 was asked), None when off.  Raises :class:`UsageError` when
        the port cannot be had."""
        if self.metrics_port is None or self.metrics is not None:
            return self.metrics_port
        from .metrics import Metrics

        metrics = Metrics(self.settings, self.store)
        try:
            self.metrics_port = metrics.serve(self.metrics_port, self.metrics_host)
        except OSError as exc:
            from channels.i18n import _

            raise UsageError(_("metrics: cannot listen on {address}: {error}").format(
                address=f"{self.metrics_host}:{self.metrics_port}", error=exc.strerror or exc)) from exc
        self.metrics = metrics
        log.info("daemon.metrics_serving address=http://%s:%s/metrics", self.metrics_host, self.metrics_port)
        return self.metrics_port

    def serve_web(self) -> str | None:
        """Serve the web page from a thread when ``[web] enabled = true`` (once); returns its
        address, None when off.  Raises :class:`UsageError` when it cannot start."""
        if not self.settings.web.enabled:
            return None
        from .web.server import in_thread, url

        if self.web is None:
            self.web = in_thread(self.settings, self.store)
        return url(self.web)

    def stop(self) -> None:
        self.stopping.set()

    def _signal(self, signum: int, _frame: Any) -> None:
        log.warning("daemon.stopping signal=%s", signal.Signals(signum).name)
        self.stop()


class _NextDue(BaseTrigger):  # type: ignore[misc]
    """APScheduler's trigger for the one job: fire at ``at`` (which the daemon sets after
    each run and on each change), else ``tick`` after the last run, never sooner."""

    def __init__(self, tick: float) -> None:
        self.tick = tick
        self.at: dt.datetime | None = None

    def get_next_fire_time(self, previous_fire_time: dt.datetime | None, now: dt.datetime) -> dt.datetime:
        if previous_fire_time is None:
            return self.at or now
        if self.at is not None and self.at > previous_fire_time:
            return self.at
        return previous_fire_time + dt.timedelta(seconds=self.tick)

    def __str__(self) -> str:
        return f"next due (at most every {self.tick:g}s)"


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
