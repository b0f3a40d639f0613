"""Prometheus metrics of a daemon (``daemon --metrics-port``), with the official client.

What this daemon did, counted as it happens (from each run's report):

- ``disseminator_posts_published_total{account,channel}``, ``..._failed_total{...}``
- ``disseminator_lateness_seconds``: from a post's planned time to its first network call
- ``disseminator_daemon_runs_total``

What the queue holds (every daemon's view of the shared database), asked when Prometheus
scrapes, at most once per :data:`CACHE_SECONDS` (a few grouped, indexed queries):

- ``disseminator_posts_due``: scheduled, due now, no hold on the account
- ``disseminator_posts_waiting{reason}``: due posts a hold keeps back, by the hold's kind
  (rate_limit, attention, pause, budget)
- ``disseminator_posts_publishing``

The server listens on 127.0.0.1 unless told otherwise: the numbers name accounts.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select

if TYPE_CHECKING:
    from .config import Settings
    from .store import Store
    from .run_report import RunReport

log = logging.getLogger("disseminator.metrics")

#: Queue figures are asked at most this often, however often Prometheus scrapes.
CACHE_SECONDS = 5.0
#: Lateness buckets (seconds): around a second matters, minutes are an outage.
LATENESS_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600)


class Metrics:
    """The daemon's metrics in a registry of their own (several daemons in one test process
    do not share one)."""

    def __init__(self, settings: Settings, store: Store) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.settings = settings
        self.store = store
        self.registry = CollectorRegistry(auto_describe=True)
        self.published = Counter("disseminator_posts_published", "Posts this daemon published.",
                                 ["account", "channel"], registry=self.registry)
        self.failed = Counter("disseminator_posts_failed", "Posts this daemon marked failed.",
                              ["account", "channel"], registry=self.registry)
        self.runs = Counter("disseminator_daemon_runs", "Runs of the daemon (each a look at the due posts).",
                            registry=self.registry)
        self.lateness = Histogram("disseminator_lateness_seconds",
                                  "Seconds from a post's planned time to its first network call.",
                                  buckets=LATENESS_BUCKETS, registry=self.registry)
        self.registry.register(_QueueCollector(self))
        self._server: Any = None
        self._lock = threading.Lock()
        self._cached: tuple[float, dict[str, Any]] | None = None

    # ------------------------------------------------------------------ counting

    def observe(self, report: RunReport) -> None:
        """Count one run and what it published or failed.  Never raises (a metric must not
        stop the daemon)."""
        self.runs.inc()
        try:
            finished = [o for o in report.outcomes if str(o.status) in ("published", "failed")]
            # Lateness first: a scrape that sees a post counted sees its lateness too.
            if finished:
                for late in self._lateness([o.post_id for o in finished]):
                    self.lateness.observe(max(0.0, late))
            for o in finished:
                channel = str(self.settings.accounts.get(o.account, {}).get("channel", "unknown"))
                (self.published if str(o.status) == "published" else self.failed).labels(o.account, channel).inc()
        except Exception:  # noqa: BLE001 - see above
            log.warning("metrics.observe_failed", exc_info=True)

    def _lateness(self, post_ids: list[int]) -> list[float]:
        """For each post, seconds from its planned time to its first publishing call (one query)."""
        from .store import AttemptRow, PostRow

        with self.store.session() as s:
            rows = s.execute(select(PostRow.scheduled_at, func.min(AttemptRow.started_at))
                             .join(AttemptRow, AttemptRow.post_id == PostRow.id)
                             .where(PostRow.id.in_(post_ids), AttemptRow.action == "publish")
                             .group_by(PostRow.id, PostRow.scheduled_at)).all()
        return [(_aware(first) - _aware(planned)).total_seconds() for planned, first in rows if first is not None]

    # ------------------------------------------------------------------ the queue, at scrape time

    def queue_figures(self) -> dict[str, Any]:
        """``{"due": n, "publishing": n, "waiting": {reason: n}}``, cached :data:`CACHE_SECONDS`."""
        with self._lock:
            now_mono = time.monotonic()
            if self._cached is not None and now_mono - self._cached[0] < CACHE_SECONDS:
                return self._cached[1]
            figures = self._ask()
            self._cached = (now_mono, figures)
            return figures

    def _ask(self) -> dict[str, Any]:
        from . import holds
        from .store import HoldRow, PostRow, PostStatus

        now = self.store.clock.now()
        with self.store.session() as s:
            due = s.scalar(select(func.count()).select_from(PostRow).where(
                PostRow.status == PostStatus.SCHEDULED, PostRow.next_attempt_at <= now, holds.free(now))) or 0
            publishing = s.scalar(select(func.count()).select_from(PostRow).where(
                PostRow.status == PostStatus.PUBLISHING)) or 0
            waiting = s.execute(select(HoldRow.kind, func.count(PostRow.id))
                                .join(PostRow, PostRow.account == HoldRow.account)
                                .where(PostRow.status == PostStatus.SCHEDULED, PostRow.next_attempt_at <= now,
                                       or_(HoldRow.until.is_(None), HoldRow.until > now))
                                .group_by(HoldRow.kind)).all()
        return {"due": int(due), "publishing": int(publishing), "waiting": {str(k): int(n) for k, n in waiting}}

    # ------------------------------------------------------------------ serving

    def serve(self, port: int, host: str = "127.0.0.1") -> int:
        """Serve ``/metrics`` on ``host:port`` in a thread; returns the port (0: any free one).

        Raises ``OSError`` when the port cannot be had.
        """
        from prometheus_client import start_http_server

        server, _thread = start_http_server(port, addr=host, registry=self.registry)
        self._server = server
        return int(server.server_address[1])

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class _QueueCollector:
    """Gauges read from the database when Prometheus scrapes."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def describe(self) -> list[Any]:
        return []  # nothing asked of the database at registration

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        try:
            figures = self.metrics.queue_figures()
        except Exception:  # noqa: BLE001 - the database is down: the counters are still served
            log.warning("metrics.queue_unavailable", exc_info=True)
            return
        yield GaugeMetricFamily("disseminator_posts_due", "Scheduled posts due now whose account has no hold.",
                                value=figures["due"])
        yield GaugeMetricFamily("disseminator_posts_publishing", "Posts being published now (every daemon).",
                                value=figures["publishing"])
        waiting = GaugeMetricFamily("disseminator_posts_waiting",
                                    "Due posts a hold keeps back, by the hold's kind.", labels=["reason"])
        from .store.account_models import HoldKind

        for kind in HoldKind:
            waiting.add_metric([kind.value], figures["waiting"].get(kind.value, 0))
        yield waiting


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
