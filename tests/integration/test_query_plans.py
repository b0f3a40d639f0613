"""Nothing a run does reads the whole queue: the database work of a `run-due` with one post
due is the same beside 500 future posts as beside 5,000.

SQLite counts the virtual-machine instructions each connection executes (a progress
handler called every 10): a deterministic measure of rows read, unlike a timing.  A
statement that walks every scheduled post costs ten times more at ten times the queue; an
indexed one costs the same.  A grouped query joined to the holds was once planned as such
a walk (1.3 s a run at 1,000,000 posts: ``benchmarks/bench_million.py``); this test saw
its instructions grow 5.2x between the two sizes (1.08x since).
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from collections.abc import Callable
from typing import Any

import pytest

from sqlalchemy import event

from disseminator.cli.listing import PAGE
from disseminator.config import Settings, parse_settings
from disseminator.ops_loop import OpsLoop
from disseminator.listings import Filters, queue_stream
from disseminator.status import beat
from disseminator.sandbox.credentials import DEFAULT
from disseminator.store import Store
from disseminator.store.migrate import upgrade
from disseminator.worker import Worker
from tests.bulk import fill

ACCOUNTS = [f"fb{i}" for i in range(5)]
#: Instructions between two calls of the progress handler.
STEP = 10


def _cost(folder: Path, future: int, sandbox_url: str, work: Callable[[Settings, Store], None], *,
          published_every: int = 10) -> int:
    """VM instructions (in tens) SQLite executed for ``work`` on a queue of ``future`` posts
    and one post due."""
    folder.mkdir()
    store = Store(f"sqlite:///{folder / 'q.db'}")
    upgrade(store.engine)
    now = dt.datetime.now(dt.timezone.utc)
    fill(store, future, when=now + dt.timedelta(days=30), spread=dt.timedelta(seconds=1), accounts=ACCOUNTS,
         published_every=published_every, tag="future")
    fill(store, 1, when=now - dt.timedelta(seconds=5), accounts=["fb1"], tag="due")
    with store.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")  # the statistics a database that has run a while has
    store.engine.dispose()
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0  # go on

    @event.listens_for(store.engine, "connect")
    def _watch(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.set_progress_handler(count, STEP)

    settings = parse_settings({"database": str(store.engine.url), "alerts": {"webhook_url": sandbox_url + "/hook"},
                               "accounts": {
        a: {"channel": "facebook", "base_url": sandbox_url, "page_id": DEFAULT.fb_page_id,
            "access_token": DEFAULT.fb_page_token, "max_per_day": 5000} for a in ACCOUNTS}})  # pacing reads the day
    work(settings, store)
    store.close()
    return steps[0]


def _run_due(settings: Settings, store: Store) -> None:
    report = Worker(settings, store, worker_id="cost").run_due()
    assert [o.status for o in report.outcomes] == ["published"]


def _queue_page(settings: Settings, store: Store) -> None:
    """What `disseminator queue` reads for its first page (PAGE rows and one more)."""
    rows = list(queue_stream(settings, store, None, filters=Filters(limit=PAGE + 1)).rows)
    assert len(rows) == PAGE + 1


def _idle_wake(settings: Settings, store: Store) -> None:
    """What an idle daemon does when it wakes: its heartbeat, the next wake, an ops round
    (tokens, alerts with a webhook configured)."""
    now = store.clock.now()
    beat(store, "cost", tick=30)
    assert store.next_wake(now) is not None
    OpsLoop(settings, store, stop=threading.Event()).round()


# The idle wake's queue holds no published post: the live check would look for the bulk
# posts' made-up ids on the sandbox and alert on what it finds missing, which is work that
# follows the findings, not the queue (and varies with the clock).
@pytest.mark.parametrize(("work", "published_every"), [(_run_due, 10), (_queue_page, 10), (_idle_wake, 0)],
                         ids=["run-due", "queue page", "idle wake"])
def test_the_work_costs_the_same_beside_ten_times_the_queue(tmp_path: Path, sandbox: Any, published_every: int,
                                                            work: Callable[[Settings, Store], None]) -> None:
    small = _cost(tmp_path / "small", 500, sandbox.url, work, published_every=published_every)
    large = _cost(tmp_path / "large", 5000, sandbox.url, work, published_every=published_every)
    said = f"{small * STEP:,} instructions beside 500 posts, {large * STEP:,} beside 5,000"
    print(f"{work.__name__}: {said}")
    assert 0 < small and large <= small * 1.5, said
