"""run_due(): claim each due post and publish it, with siblings for other accounts' posts.

One run recovers posts a dead worker left, sets aside accounts the configuration cannot
publish for, sweeps missed posts, then lets its publishers (:mod:`disseminator.publishers`)
claim due posts until none is left.  Publishing one claimed post is
:meth:`Worker.publish` (:mod:`disseminator.publish_one`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable

from channels.base import Channel
from channels.i18n import _

from . import holds, missed
from .blackout import Refresher
from .clients import Clients
from .config import Settings
from .publish_one import PostPublisher
from .publishers import Drain
from .queue.claim import claim_next
from .queue.fenced import recover_expired
from .registry import make_channel
from .retry import RetryStrategy
from .run_report import Outcome, RunReport  # re-exported
from .store import DatabaseError, HoldKind, PostRow, PostStatus, Store

log = logging.getLogger("disseminator.worker")


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Worker(PostPublisher):
    """Publishes due posts for one configuration and database: one post at a time itself,
    with siblings (threads of the same run) for other accounts' posts, and beside other
    workers (other processes, other machines) on one database."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        worker_id: str | None = None,
        strategy: RetryStrategy | None = None,
        channel_factory: Callable[..., Channel] = make_channel,
        clients: Clients | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        #: The store's clock: leases, due times, backoff and channels' waits all read it.
        self.clock = store.clock
        self.worker_id = worker_id or default_worker_id()
        self.strategy = strategy or RetryStrategy(max_attempts=settings.worker.max_attempts)
        self.lease = dt.timedelta(seconds=settings.worker.lease_seconds)
        self.channel_factory = channel_factory
        #: One channel (one HTTP connection pool) per account, kept across posts and runs;
        #: shared with the run's siblings.
        self.clients = clients if clients is not None else Clients(settings, channel_factory, self.clock)
        self._in_flight = None

    def run_due(self, *, now: dt.datetime | None = None, stop: Callable[[], bool] | None = None,
                on_outcome: Callable[[Outcome], None] | None = None, concurrency: int | None = None) -> RunReport:
        """Publish every post due at ``now`` (the clock's by default) once, then return what happened.

        Up to ``concurrency`` posts (``worker.concurrency`` by default) are published at
        once, each of another account (:mod:`disseminator.publishers`).  ``stop`` is asked
        before each claim; when it answers True the run ends after the posts in hand (the
        daemon's graceful shutdown).  ``on_outcome`` is given each post's outcome as soon
        as it is settled (``run-due`` says it then, not at the end), one at a time.
        """
        # Recover first, so that posts a dead worker left are due in this very run.
        report = RunReport(recovered=recover_expired(self.store, actor=self.worker_id))
        now = now or self.clock.now()
        broken = self._misconfigured(now, report)  # never claimed in this run
        blackouts = Refresher(self.settings, self.store)  # before the sweep: a window is a planned wait
        blackouts.refresh()
        report.missed = missed.sweep(self.store, grace=dt.timedelta(seconds=self.settings.worker.grace),
                                     zone_for=self.settings.zone_for, actor=self.worker_id)
        # Posts this run put back in the queue; with a ``now`` ahead of the clock (a test,
        # a catch-up) their retry time may already count as due.  Published and failed
        # posts leave the queue by themselves, so the set stays small.
        again: set[int] = set()
        lock = threading.Lock()
        claimed: dict[int, float] = {}  # post -> when its claim was asked for (the clock's monotonic)

        def claim(worker: Worker) -> PostRow | None:
            with lock:
                skip = set(again)
            asked = self.clock.monotonic()
            blackouts.refresh()  # a window that began during the run holds from its start
            post = claim_next(self.store, worker=worker.worker_id, now=now, lease=self.lease,
                                    skip_ids=skip, skip_accounts=broken)
            if post is not None:
                with lock:  # before it can go back to the queue: no sibling takes it again
                    again.add(post.id)
                    claimed[post.id] = asked
            return post

        def work(worker: Worker, post: PostRow) -> None:
            with lock:
                asked = claimed.pop(post.id, None)
            outcome = worker._publish_claimed(post, confirmed=asked)
            with lock:
                report.outcomes.append(outcome)
                if outcome.status in (PostStatus.PUBLISHED, PostStatus.FAILED):
                    again.discard(post.id)
                if on_outcome is not None:  # not inside publishing: a failing listener is not a crashed post
                    on_outcome(outcome)

        count = concurrency or self.settings.worker.concurrency
        Drain([self, *(self._sibling(k) for k in range(1, count))], claim, work, stop=stop).run()
        report.waiting = holds.waiting(self.store, HoldKind.ATTENTION, due_by=now, exclude=again)
        return report

    def _sibling(self, k: int) -> Worker:
        """Another publisher of this run: its own id, so each proves only its own claims."""
        return Worker(self.settings, self.store, worker_id=f"{self.worker_id}/{k}", strategy=self.strategy,
                      channel_factory=self.channel_factory, clients=self.clients)

    def _publish_claimed(self, post: PostRow, *, confirmed: float | None = None) -> Outcome:
        try:
            return self.publish(post, confirmed=confirmed)
        except DatabaseError:
            raise  # the database failed, not this post: the run stops, the lease protects the post
        except Exception as exc:  # noqa: BLE001 - one broken post must not stop the run
            # publish() has already put the post back (marked for reconciliation).
            log.exception("post.crashed post=%s account=%s", post.id, post.account)
            row = self.store.post(post.id)
            return Outcome(post.id, post.account, row.status, "unknown",
                           self.settings.redactor.redact(f"{type(exc).__name__}: {exc}"))

    def _misconfigured(self, now: dt.datetime, report: RunReport) -> set[str]:
        """The accounts the configuration cannot publish for, with their due posts counted
        in ``report`` (one grouped query).  Asked every run and never stored, so fixing the
        file or the environment is enough."""
        broken = dict(self.settings.account_problems())
        known = set(self.settings.account_names())
        for account in self.store.queued_accounts():
            if account not in known:  # removed from the file: its posts wait, said each run
                broken[account] = _("account {name!r} is not in the configuration (any more)").format(name=account)
        if not broken:
            return set()
        for account, count in self.store.count_due_by_account(now, list(broken)).items():
            report.misconfigured[account] = (count, broken[account])
        return set(broken)
