"""Lateness: from a post's time to its publication, the daemon beside a 1-second poll.

The daemon sleeps until the next post is due (and wakes on changes); the baseline, measured
in the same run on the same posts, is what the daemon did before: look at the queue every
``--poll`` seconds (``daemon --tick 1``).  Each round queues ``--posts`` posts over as many
accounts, due half a second apart from 3 s ahead, among ``--queued`` future posts, and
reads each post's ``published_at - scheduled_at`` from the database (which includes the
call to the in-process sandbox).  It also prints the CPU the process used while nothing
was due (a 10 s idle window).

    python benchmarks/bench_lateness.py [--posts 20] [--queued 0 80000] [--poll 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select, update

from disseminator.config import Settings
from disseminator.daemon import Daemon
from disseminator.sandbox import SandboxOptions, start_sandbox
from disseminator.store import PostRow, Store
from disseminator.store.migrate import upgrade
from disseminator.worker import Worker

try:
    from bench_claim import _fill, sandbox_settings  # type: ignore[import-not-found]
except ImportError:  # run from the repository root
    from benchmarks.bench_claim import _fill, sandbox_settings  # type: ignore[import-not-found,no-redef]

IDLE_SECONDS = 10.0


def _queue_measured(store: Store, posts: int, tag: str) -> list[int]:
    """``posts`` posts (one per account, fb0...), due from 3 s ahead, 0.5 s apart."""
    far = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    _fill(store, posts, when=far, tag=tag)
    with store.session() as s:
        ids = sorted(s.scalars(select(PostRow.id).where(PostRow.scheduled_at == far)))
    start = store.clock.now() + dt.timedelta(seconds=3)
    with store.session() as s:
        for i, post_id in enumerate(ids):
            when = start + dt.timedelta(seconds=0.5 * i)
            s.execute(update(PostRow).where(PostRow.id == post_id).values(scheduled_at=when, next_attempt_at=when))
    return ids


def _lateness(store: Store, ids: list[int]) -> list[float]:
    with store.session() as s:
        rows = s.execute(select(PostRow.scheduled_at, PostRow.published_at).where(PostRow.id.in_(ids))).all()
    return sorted((p - d).total_seconds() for d, p in rows if p is not None)


def _daemon(settings: Settings, store: Store, until: Callable[[], bool]) -> float:
    daemon = Daemon(settings, store, tick_seconds=30)
    return _drive(lambda stop: (threading.Thread(target=lambda: (stop.wait(), daemon.stop()), daemon=True).start(),
                                daemon.run()), until)


def _poll(settings: Settings, store: Store, until: Callable[[], bool], every: float) -> float:
    worker = Worker(settings, store, worker_id="poll")

    def loop(stop: threading.Event) -> None:
        while not stop.is_set():
            worker.run_due()
            stop.wait(every)

    return _drive(loop, until)


def _drive(run: Callable[[threading.Event], object], until: Callable[[], bool]) -> float:
    """Run ``run`` in this thread until ``until()`` holds, then IDLE_SECONDS more; return the
    CPU seconds the process used in that idle window."""
    stop = threading.Event()
    cpu: list[float] = []

    def watch() -> None:
        while not until():
            time.sleep(0.05)
        time.sleep(1)  # the last post's run ends
        before = time.process_time()
        time.sleep(IDLE_SECONDS)
        cpu.append(time.process_time() - before)
        stop.set()

    threading.Thread(target=watch, daemon=True).start()
    run(stop)
    return cpu[0] if cpu else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--queued", type=int, nargs="*", default=[0, 80_000], help="future posts queued beside them")
    parser.add_argument("--poll", type=float, default=1.0, help="the baseline's poll interval (s)")
    args = parser.parse_args()
    server = start_sandbox(SandboxOptions(port=0))
    print(f"{'how':<22}{'queued':>8}{'p50 (s)':>9}{'p99 (s)':>9}{'max (s)':>9}{'idle CPU':>10}")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for queued in args.queued:
                for how in ("daemon (next due)", f"poll every {args.poll:g} s"):
                    settings = sandbox_settings(f"sqlite:///{Path(tmp) / f'{uuid.uuid4().hex}.db'}", server.url, args.posts)
                    store = Store(settings.database)
                    upgrade(store.engine)
                    if queued:
                        _fill(store, queued, when=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30), tag="future")
                    ids = _queue_measured(store, args.posts, uuid.uuid4().hex[:8])

                    def done(store: Store = store, ids: list[int] = ids) -> bool:
                        return len(_lateness(store, ids)) == len(ids)

                    if how.startswith("daemon"):
                        idle = _daemon(settings, store, done)
                    else:
                        idle = _poll(settings, store, done, args.poll)
                    late = _lateness(store, ids)
                    p99 = late[min(len(late) - 1, int(round(0.99 * (len(late) - 1))))]
                    print(f"{how:<22}{queued:>8,}{statistics.median(late):>9.3f}{p99:>9.3f}{late[-1]:>9.3f}"
                          f"{idle / IDLE_SECONDS:>9.1%}")
                    store.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
