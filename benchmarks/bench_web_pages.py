"""The web page's Queue and History pages on a long queue: what a page costs at its start,
in its middle and at its end, and inside a crowd of posts queued at one same moment.

A SQLite database (in a temporary folder) is filled in bulk (tests/bulk.py) with
``--rows`` posts a minute apart over 20 Facebook pages, one in ten published, then
``--tied`` more at one same moment; :func:`disseminator.paging.listing_page` (what
``/queue`` and ``/history`` call) is timed, the median of ``--repeat`` runs, for:

- the first page of the queue and of the history;
- the page after the middle row and the page after the last-but-50 row (keyset: the
  same cost as the first);
- the page before the middle row (the **Previous page** link);
- the page after the middle of the crowd at one moment (the rows at that moment up to
  the cursor are read and passed over).

Timings are wall clock on whatever else the machine is doing.

    python benchmarks/bench_web_pages.py [--rows 200000] [--tied 5000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from disseminator.paging import Cursor, listing_page  # noqa: E402
from disseminator.listings import Filters  # noqa: E402
from disseminator.store import Store  # noqa: E402
from disseminator.store.migrate import upgrade  # noqa: E402
from tests.bulk import fill  # noqa: E402

try:
    from bench_claim import sandbox_settings  # type: ignore[import-not-found]
except ImportError:  # run from the repository root
    from benchmarks.bench_claim import sandbox_settings  # type: ignore[import-not-found,no-redef]

ACCOUNTS = 20


def _median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--tied", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-web-pages-") as folder:
        settings = sandbox_settings(f"sqlite:///{folder}/q.db", "http://127.0.0.1:9", ACCOUNTS)
        store = Store(settings.database)
        upgrade(store.engine)
        accounts = [f"fb{i}" for i in range(ACCOUNTS)]
        start = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(days=1)
        began = time.perf_counter()
        first, last = fill(store, args.rows, when=start, accounts=accounts, spread=dt.timedelta(minutes=1),
                           published_every=10, tag="a")
        crowd_at = start + dt.timedelta(minutes=args.rows + 10)
        crowd = fill(store, args.tied, when=crowd_at, accounts=accounts, tag="c")
        print(f"filled {args.rows:,} + {args.tied:,} posts in {time.perf_counter() - began:.1f} s")
        minute = dt.timedelta(minutes=1)

        def queue(**place: object) -> Callable[[], object]:
            return lambda: listing_page(settings, store, "queue", "all", filters=Filters(), **place)  # type: ignore[arg-type]

        def history(**place: object) -> Callable[[], object]:
            return lambda: listing_page(settings, store, "history", None, filters=Filters(), **place)  # type: ignore[arg-type]

        middle = first + args.rows // 2
        cases = [
            ("queue: first page", queue()),
            ("queue: after the middle row", queue(after=Cursor(start + (args.rows // 2) * minute, middle), start=101)),
            ("queue: before the middle row", queue(before=Cursor(start + (args.rows // 2) * minute, middle),
                                                   start=args.rows // 2 + 1)),
            ("queue: near the end", queue(after=Cursor(start + (args.rows - 50) * minute, last - 50), start=101)),
            (f"queue: inside {args.tied:,} at one moment",
             queue(after=Cursor(crowd_at, crowd[0] + args.tied // 2), start=101)),
            ("history: first page", history()),
            ("history: after the middle row", history(after=Cursor(start + (args.rows // 2) * minute, middle),
                                                      start=101)),
        ]
        print(f"{'page of 100 rows':<44} {'median ms':>10}  rows")
        for name, run in cases:
            rows = len(run().rows)  # type: ignore[attr-defined]
            print(f"{name:<44} {_median_ms(run, args.repeat):>10.1f}  {rows}")
        store.close()


if __name__ == "__main__":
    main()
