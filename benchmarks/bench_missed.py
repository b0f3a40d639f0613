"""What the missed-post sweep costs (disseminator/missed.py), which every run makes before
it claims anything.

Measured in one process on one database, on a frozen clock:

- baseline: a sweep with N posts queued in the future (nothing overdue): the steady state;
- held: N posts overdue by five hours whose 100 accounts are paused: the cost each run pays
  while a long pause lasts (nothing is moved; the posts are judged when it ends);
- release: the same N posts once the pauses end: every one becomes ``missed`` (batches of
  one guarded UPDATE each, their events written in the same transaction);
- after: a sweep once they are all missed (nothing left to judge).

    python benchmarks/bench_missed.py [--n 20000] [--postgres postgresql://postgres@127.0.0.1/test]

Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import insert

from channels.clock import FakeClock
from disseminator import holds, missed
from disseminator.store import ArticleRow, HoldKind, PostRow, Store
from disseminator.store.migrate import upgrade

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.timezone.utc)
GRACE = dt.timedelta(hours=1)
ACCOUNTS = 100


def fill(store: Store, n: int, *, offset: dt.timedelta) -> None:
    with store.session() as s:
        article = s.execute(insert(ArticleRow).returning(ArticleRow.id), [{
            "title": "t", "body": "", "tags": [], "content_hash": uuid.uuid4().hex, "revision": 1,
            "created_at": NOW, "updated_at": NOW}]).scalar_one()
        rows = [{"article_id": article, "account": f"acc{i % ACCOUNTS}", "channel": "facebook", "variant": f"v{i}",
                 "media": [], "warnings": [], "status": "scheduled", "scheduled_at": NOW + offset + dt.timedelta(milliseconds=i),
                 "next_attempt_at": NOW + offset + dt.timedelta(milliseconds=i), "attempts": 0, "needs_reconcile": False,
                 "overtake": False, "created_at": NOW, "updated_at": NOW} for i in range(n)]
        for k in range(0, n, 10_000):
            s.execute(insert(PostRow), rows[k:k + 10_000])


def timed(store: Store) -> tuple[float, int]:
    start = time.perf_counter()
    moved = missed.sweep(store, grace=GRACE)
    return time.perf_counter() - start, len(moved)


def measure(url: str, n: int) -> list[tuple[str, float, int]]:
    found: list[tuple[str, float, int]] = []
    future = Store(url, clock=FakeClock(NOW))
    upgrade(future.engine)
    fill(future, n, offset=dt.timedelta(hours=1))
    found.append((f"baseline: {n:,} future posts, nothing overdue", *timed(future)))
    future.close()
    return found


def measure_overdue(url: str, n: int) -> list[tuple[str, float, int]]:
    store = Store(url, clock=FakeClock(NOW))
    upgrade(store.engine)
    fill(store, n, offset=-dt.timedelta(hours=5))
    for i in range(ACCOUNTS):
        holds.place(store, f"acc{i}", HoldKind.PAUSE, reason="bench")
    rows = [(f"held: {n:,} overdue posts, their accounts paused (each run)", *timed(store))]
    for i in range(ACCOUNTS):
        holds.lift(store, f"acc{i}", HoldKind.PAUSE)
    rows.append((f"release: the {n:,} become missed (once)", *timed(store)))
    rows.append(("after: all missed", *timed(store)))
    store.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--postgres", help="also measure on this PostgreSQL database (a fresh schema is used)")
    args = parser.parse_args()
    targets: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        targets.append(("SQLite", f"sqlite:///{Path(tmp) / 'a.db'}", f"sqlite:///{Path(tmp) / 'b.db'}"))
        if args.postgres:
            import psycopg

            schemas = [f"bench_{uuid.uuid4().hex[:8]}" for _ in range(2)]
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                for schema in schemas:
                    conn.execute(f'CREATE SCHEMA "{schema}"')
            sep = "&" if "?" in args.postgres else "?"
            url_a, url_b = (f"{args.postgres}{sep}options=-csearch_path%3D{s}" for s in schemas)
            targets.append(("PostgreSQL", url_a, url_b))
        print(f"{'database':<11} {'case':<58} {'seconds':>8} {'moved':>7}")
        for name, url_a, url_b in targets:
            for case, seconds, moved in [*measure(url_a, args.n), *measure_overdue(url_b, args.n)]:
                print(f"{name:<11} {case:<58} {seconds:>8.3f} {moved:>7,}")
        if args.postgres:
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                for schema in schemas:
                    conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    main()
