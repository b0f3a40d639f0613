"""Worker throughput against the in-process sandbox: how fast run-due drains a queue.

The networks' rate limits, not this, are the ceiling in production; this measures our own
overhead per post (claim, heartbeat, attempt rows, settle) plus the local HTTP round trip.

    python benchmarks/bench_worker.py [--posts 300] [--postgres postgresql://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
import uuid
from pathlib import Path

from channels.base import Draft
from disseminator.config import parse_settings
from disseminator.sandbox import SandboxOptions, start_sandbox
from disseminator.sandbox.credentials import DEFAULT
from disseminator.store import Store
from disseminator.store.migrate import upgrade
from disseminator.worker import Worker


def run(database: str, posts: int, accounts: int, url: str) -> tuple[float, int]:
    settings = parse_settings({
        "database": database,
        "accounts": {f"fb{i}": {"channel": "facebook", "base_url": url, "page_id": DEFAULT.fb_page_id,
                                "access_token": DEFAULT.fb_page_token} for i in range(accounts)},
    })
    store = Store(settings.database)
    upgrade(store.engine)
    from channels.base import Article
    from disseminator.articles import content_hash

    now = dt.datetime.now(dt.timezone.utc)
    run_id = uuid.uuid4().hex[:6]
    for n in range(posts):
        art = Article(title=f"Bench {run_id} {n}", url=f"https://a.go.id/{run_id}/{n}")
        aid = store.add_article(art, source=None, content_hash=content_hash(art))[0]
        store.add_post(article_id=aid, account=f"fb{n % accounts}", channel="facebook", variant="default",
                       draft=Draft(parts=(f"Rilis {run_id} nomor {n}",), link=art.url), scheduled_at=now)
    start = time.perf_counter()
    report = Worker(settings, store, worker_id="bench").run_due()
    elapsed = time.perf_counter() - start
    published = sum(o.status == "published" for o in report.outcomes)
    store.close()
    return published / elapsed, published


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--accounts", type=int, default=3)
    parser.add_argument("--postgres", help="also measure on this PostgreSQL database (tables are created there)")
    args = parser.parse_args()
    server = start_sandbox(SandboxOptions(port=0))
    try:
        rows = []
        with tempfile.TemporaryDirectory() as tmp:
            rows.append(("SQLite (WAL)", *run(f"sqlite:///{Path(tmp) / 'bench.db'}", args.posts, args.accounts, server.url)))
        if args.postgres:
            rows.append(("PostgreSQL", *run(args.postgres, args.posts, args.accounts, server.url)))
    finally:
        server.stop()
    print(f"{'database':<16}{'posts/s (1 worker)':>20}{'published':>11}")
    for name, rate, published in rows:
        print(f"{name:<16}{rate:>20,.1f}{published:>11}")


if __name__ == "__main__":
    main()
