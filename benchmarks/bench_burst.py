"""A burst: many posts due at once over many accounts, at a network latency, by concurrency.

The ideal is the busiest account's posts times the latency (its posts go one at a time);
one publisher at a time (``--concurrency 1``, what run-due did before) is the baseline
measured in the same run.

    python benchmarks/bench_burst.py [--posts 1000] [--accounts 100] [--latency-ms 50]
                                     [--concurrency 1 8 32 64] [--postgres URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
import uuid
from pathlib import Path

from channels.base import Article, Draft
from disseminator.articles import content_hash
from disseminator.sandbox import SandboxOptions, start_sandbox
from disseminator.store import Store
from disseminator.store.migrate import upgrade
from disseminator.worker import Worker

try:
    from bench_claim import sandbox_settings  # type: ignore[import-not-found]
except ImportError:  # run from the repository root
    from benchmarks.bench_claim import sandbox_settings  # type: ignore[import-not-found,no-redef]


def burst(database: str, posts: int, accounts: int, url: str, concurrency: int) -> tuple[float, int]:
    settings = sandbox_settings(database, url, accounts)
    store = Store(settings.database)
    upgrade(store.engine)
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    run_id = uuid.uuid4().hex[:6]
    for n in range(posts):
        art = Article(title=f"Burst {run_id} {n}", url=f"https://a.go.id/{run_id}/{n}")
        aid = store.add_article(art, source=None, content_hash=content_hash(art))[0]
        store.add_post(article_id=aid, account=f"fb{n % accounts}", channel="facebook", variant="default",
                       draft=Draft(parts=(f"Rilis {run_id} nomor {n}",), link=art.url), scheduled_at=now)
    start = time.perf_counter()
    report = Worker(settings, store, worker_id=f"burst-{run_id}").run_due(concurrency=concurrency)
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed, sum(o.status == "published" for o in report.outcomes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--concurrency", type=int, nargs="*", default=[1, 8, 32, 64])
    parser.add_argument("--postgres", help="also measure on this PostgreSQL database (tables are created there)")
    args = parser.parse_args()
    ideal = -(-args.posts // args.accounts) * args.latency_ms / 1000
    server = start_sandbox(SandboxOptions(port=0))
    server.set_faults({"latency_ms": args.latency_ms})
    print(f"{args.posts} posts over {args.accounts} accounts, {args.latency_ms} ms a call; ideal {ideal:.2f} s")
    print(f"{'database':<12}{'concurrency':>12}{'seconds':>9}{'vs ideal':>10}{'vs 1':>7}{'published':>11}")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            targets = [("SQLite", lambda: f"sqlite:///{Path(tmp) / f'{uuid.uuid4().hex}.db'}")]
            if args.postgres:
                targets.append(("PostgreSQL", lambda: args.postgres))
            for name, url_for in targets:
                baseline = None
                for concurrency in args.concurrency:
                    took, published = burst(url_for(), args.posts, args.accounts, server.url, concurrency)
                    baseline = baseline or took
                    print(f"{name:<12}{concurrency:>12}{took:>9.2f}{took / ideal:>9.1f}x{baseline / took:>6.1f}x{published:>11}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
