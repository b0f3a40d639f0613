"""What finding the engagement snapshots due costs as the history grows.

The daemon asks every 10 minutes which published posts need their 1-hour, 24-hour or
7-day figures (disseminator.engagement.due).  The query is bounded by the index on
posts.published_at: only posts published inside each mark's window are looked at, so at
a steady posting rate it should cost the same with a month of history or three years.
This prints, for histories of 30 days, 1 year and 3 years at --per-day posts a day (all
published, one part each), the time of one due() and how many snapshots it found, beside
the same on an empty database, measured in the same run.

    python benchmarks/bench_engagement.py [--per-day 50] [--postgres postgresql://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from channels.clock import FakeClock  # noqa: E402
from disseminator import engagement  # noqa: E402
from disseminator.store import Store  # noqa: E402
from disseminator.store.migrate import upgrade  # noqa: E402
from tests.bulk import fill  # noqa: E402

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.timezone.utc)
HISTORIES = (0, 30, 365, 3 * 365)


def _timed(store: Store, repeat: int = 7) -> tuple[float, int]:
    times, found = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        found = len(engagement.due(store, NOW))
        times.append(time.perf_counter() - start)
    return statistics.median(times), found


def run(url_for: callable, label: str, per_day: int) -> None:  # type: ignore[valid-type]
    print(f"\n{label}: due() at {per_day} posts a day")
    print(f"{'history':>10} {'posts':>9} {'due found':>10} {'due() ms':>9}")
    for days in HISTORIES:
        store = Store(url_for(), clock=FakeClock(NOW))
        upgrade(store.engine)
        n = days * per_day
        if n:
            start = NOW - dt.timedelta(days=days)
            fill(store, n, when=start, accounts=[f"akun{i}" for i in range(10)],
                 spread=dt.timedelta(days=days) / n, published_every=1, tag=f"h{days}")
        seconds, found = _timed(store)
        name = "empty" if not days else f"{days} days"
        print(f"{name:>10} {n:>9,} {found:>10,} {seconds * 1000:>9.2f}")
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-day", type=int, default=50)
    parser.add_argument("--postgres", help="also on this PostgreSQL database (a schema of its own, dropped after)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    counter = iter(range(100))
    run(lambda: f"sqlite:///{folder}/bench{next(counter)}.db", "SQLite", args.per_day)
    if args.postgres:
        import psycopg

        plain = args.postgres.replace("postgresql+psycopg://", "postgresql://")
        schemas: list[str] = []

        def fresh() -> str:
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(plain, autocommit=True) as conn:
                conn.execute(f'CREATE SCHEMA "{schema}"')
            schemas.append(schema)
            return f"{plain}{'&' if '?' in plain else '?'}options=-csearch_path%3D{schema}"

        try:
            run(fresh, "PostgreSQL", args.per_day)
        finally:
            with psycopg.connect(plain, autocommit=True) as conn:
                for schema in schemas:
                    conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    main()
