"""A burst on daemons: many posts due at one moment over many accounts, published by daemon
processes (1, and several on PostgreSQL), the sandbox answering each call after a latency.

The ideal is the busiest account's posts times the latency (an account's posts go one at
a time).  The posts fall due a few seconds after the daemons started (asleep until then);
the time measured runs from that moment to the last post's ``published_at`` (the
database's clock on PostgreSQL).  The baseline, measured in the same run, is one daemon
publishing one post at a time (``worker.concurrency = 1``, what run-due did before), on
a smaller burst (``--baseline-posts``) with its own ideal.  The sandbox runs in a process
of its own.

    python benchmarks/bench_burst_daemons.py [--posts 5000] [--accounts 100] [--latency-ms 50]
        [--concurrency 8] [--daemons 4] [--postgres postgresql://postgres@127.0.0.1/test]
        [--baseline-posts 500] [--no-sqlite]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from disseminator.store import PostRow, Store  # noqa: E402
from disseminator.store.migrate import upgrade  # noqa: E402
from tests import fleet  # noqa: E402

LEAD = dt.timedelta(seconds=8)  # daemons start (imports, first run) before the posts fall due


def _serve(latency_ms: int, urls: Any, stop: Any) -> None:
    from disseminator.sandbox import SandboxOptions, start_sandbox

    # The sandbox has one Facebook page, so every account here shares its hourly call
    # budget (pacing would hold them all near 4,800 calls); a hundred accounts are a
    # hundred pages, each with its own budget.
    server = start_sandbox(SandboxOptions(port=0, latency_ms=latency_ms, graph_hourly_budget=10**9))
    urls.put(server.url)
    stop.wait()
    server.stop()


def _schema(pg: str) -> str:
    """A fresh schema on ``pg``, as the database URL of a fresh queue."""
    import psycopg

    plain = pg.replace("postgresql+psycopg://", "postgresql://")
    schema = f"b_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return f"{plain}{'&' if '?' in plain else '?'}options=-csearch_path%3D{schema}"


def burst(folder: Path, database: str, sandbox_url: str, *, posts: int, accounts: int, daemons: int,
          concurrency: int) -> tuple[float, int]:
    """Seconds from the posts' due moment to the last one published, and how many were."""
    run = folder / uuid.uuid4().hex[:8]
    run.mkdir()
    config = fleet.write_config(run, database=database, sandbox_url=sandbox_url, accounts=accounts,
                                concurrency=concurrency)
    store = Store(database)
    upgrade(store.engine)
    due = store.clock.now() + LEAD
    fleet.fill(store, accounts=accounts, per_account=-(-posts // accounts), tag=run.name, due=due)
    total = accounts * -(-posts // accounts)
    procs = fleet.Fleet(config, run)
    procs.start(daemons)
    try:
        counts = fleet.wait_until_done(store, total, seconds=LEAD.total_seconds() + 1800)
    finally:
        procs.stop()
    with store.session() as s:
        last = s.scalar(select(func.max(PostRow.published_at)))
    store.close()
    first_due = due - dt.timedelta(seconds=1)  # fleet.fill plans them from a second before ``due``
    return (last - first_due).total_seconds() if last else float("nan"), counts.get("published", 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--concurrency", type=int, nargs="*", default=[8])
    parser.add_argument("--daemons", type=int, default=4, help="several daemons (PostgreSQL only)")
    parser.add_argument("--postgres", help="also measure on this PostgreSQL database (a schema per run is made there)")
    parser.add_argument("--baseline-posts", type=int, default=500, help="0: no baseline")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    urls: Any = multiprocessing.Queue()
    stop = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(args.latency_ms, urls, stop), daemon=True)
    server.start()
    sandbox_url = urls.get(timeout=60)

    def ideal(posts: int) -> float:
        return -(-posts // args.accounts) * args.latency_ms / 1000

    print(f"{args.posts} posts over {args.accounts} accounts, {args.latency_ms} ms a call; "
          f"ideal {ideal(args.posts):.2f} s (baseline: {args.baseline_posts} posts, ideal {ideal(args.baseline_posts):.2f} s)")
    print(f"{'database':<12}{'daemons':>8}{'concurrency':>12}{'posts':>7}{'seconds':>9}{'vs ideal':>10}{'published':>11}")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            targets: list[tuple[str, Any, list[int]]] = []
            if not args.no_sqlite:
                targets.append(("SQLite", lambda: f"sqlite:///{folder / f'{uuid.uuid4().hex}.db'}", [1]))
            if args.postgres:
                targets.append(("PostgreSQL", lambda: _schema(args.postgres), [1, args.daemons]))
            for name, url_for, fleets in targets:
                runs = [(1, 1, args.baseline_posts)] if args.baseline_posts else []
                runs += [(d, c, args.posts) for d in fleets for c in args.concurrency]
                for daemons, concurrency, posts in runs:
                    took, published = burst(folder, url_for(), sandbox_url, posts=posts, accounts=args.accounts,
                                            daemons=daemons, concurrency=concurrency)
                    print(f"{name:<12}{daemons:>8}{concurrency:>12}{posts:>7}{took:>9.2f}{took / ideal(posts):>9.1f}x"
                          f"{published:>11}", flush=True)
    finally:
        stop.set()
        server.join(timeout=10)


if __name__ == "__main__":
    main()
