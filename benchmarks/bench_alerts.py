"""What the daemon's alerts round and a Prometheus scrape cost as the database grows.

The round (every 15 s in a daemon) reads post events after a bookmark by primary key and
small tables (holds, tokens, daemons); a scrape asks a few grouped, indexed counts.
Neither should grow with the history.  This prints, at a baseline size and at 10x and 100x
of it (N scheduled posts plus N published ones with two events each), the time of one
alerts round with nothing new, of one with 10 new failures (found, recorded, posted to a
local webhook), and of one uncached scrape, beside the same on an empty database measured
in the same run.

    python benchmarks/bench_alerts.py [--base 1000] [--postgres postgresql://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.server
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from disseminator import alerts
from disseminator.config import parse_settings
from disseminator.metrics import Metrics
from disseminator.store import ArticleRow, EventRow, PartRow, PostRow, PostStatus, Store
from disseminator.store.migrate import upgrade

ACCOUNTS = 20


def _hook() -> str:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/hook"


def _fill(store: Store, n: int, *, tag: str, status: PostStatus, when: dt.datetime, events: bool) -> list[int]:
    now = dt.datetime.now(dt.timezone.utc)
    post_ids: list[int] = []
    with store.session() as s:
        for start in range(0, n, 5000):
            rows = range(start, min(start + 5000, n))
            s.execute(insert(ArticleRow), [
                {"title": f"{tag} {i}", "body": "", "tags": [], "content_hash": f"{tag}-{i}", "revision": 1,
                 "created_at": now, "updated_at": now} for i in rows])
    with store.session() as s:
        ids = dict(s.execute(select(ArticleRow.content_hash, ArticleRow.id)
                             .where(ArticleRow.content_hash.like(f"{tag}-%"))).all())
    with store.session() as s:
        for start in range(0, n, 5000):
            rows = range(start, min(start + 5000, n))
            result = s.execute(insert(PostRow).returning(PostRow.id), [
                {"article_id": ids[f"{tag}-{i}"], "account": f"fb{i % ACCOUNTS}", "channel": "facebook",
                 "variant": "default", "media": [], "warnings": [], "status": status,
                 "scheduled_at": when, "next_attempt_at": when, "attempts": 0, "needs_reconcile": False,
                 "overtake": False, "created_at": now, "updated_at": now} for i in rows])
            chunk = [r[0] for r in result]
            post_ids += chunk
            s.execute(insert(PartRow), [
                {"post_id": pid, "index": 0, "text": f"{tag} {pid}",
                 "text_hash": hashlib.sha256(f"{tag} {pid}".encode()).hexdigest(), "state": "pending",
                 "attempts": 0} for pid in chunk])
            if events:
                s.execute(insert(EventRow), [
                    {"post_id": pid, "edge": edge, "from_status": a, "to_status": b, "at": when}
                    for pid in chunk for edge, a, b in (("claim", "scheduled", "publishing"),
                                                        ("published", "publishing", "published"))])
    return post_ids


def _fail(store: Store, post_ids: list[int]) -> None:
    now = store.clock.now()
    with store.session() as s:
        s.execute(insert(EventRow), [{"post_id": pid, "edge": "fail", "from_status": "publishing",
                                      "to_status": "failed", "at": now, "reason": "benchmark"} for pid in post_ids])


def _timed(fn: Any, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def measure(url: str, n: int, hook: str) -> tuple[float, float, float]:
    upgrade(Store(url).engine)
    store = Store(url)
    settings = parse_settings({"database": url, "alerts": {"webhook_url": hook}})
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=2)
    if n:
        _fill(store, n, tag="future", status=PostStatus.SCHEDULED,
              when=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30), events=False)
        _fill(store, n, tag="history", status=PostStatus.PUBLISHED, when=past, events=True)
        if store.engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load
            with store.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
    alerts.check(settings, store)  # the bookmark moves past the history once
    quiet = _timed(lambda: alerts.check(settings, store))
    failing = _fill(store, 10, tag="failing", status=PostStatus.FAILED, when=past, events=False)

    def ten_failures() -> None:
        _fail(store, failing)
        result = alerts.check(settings, store)
        assert result.sent == 10, result

    with_new = _timed(ten_failures, repeat=3)
    metrics = Metrics(settings, store)
    scrape = _timed(lambda: metrics._ask())
    store.close()
    return quiet, with_new, scrape


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=1000)
    parser.add_argument("--postgres", help="also measure on this PostgreSQL server (a schema per size)")
    args = parser.parse_args()
    hook = _hook()
    sizes = [0, args.base, args.base * 10, args.base * 100]
    print(f"{'engine':<10} {'posts':>9} {'round, nothing new':>19} {'round, 10 failures':>19} {'scrape':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            url = f"sqlite:///{Path(tmp) / f'a{n}.db'}"
            quiet, new, scrape = measure(url, n, hook)
            print(f"{'sqlite':<10} {2 * n:>9,} {quiet * 1000:>16.1f} ms {new * 1000:>16.1f} ms {scrape * 1000:>6.1f} ms")
    if args.postgres:
        import psycopg

        for n in sizes:
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'CREATE SCHEMA "{schema}"')
            try:
                url = f"{args.postgres}?options=-csearch_path%3D{schema}".replace("postgresql://", "postgresql+psycopg://")
                quiet, new, scrape = measure(url, n, hook)
                print(f"{'postgres':<10} {2 * n:>9,} {quiet * 1000:>16.1f} ms {new * 1000:>16.1f} ms "
                      f"{scrape * 1000:>6.1f} ms")
            finally:
                with psycopg.connect(args.postgres, autocommit=True) as conn:
                    conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    main()
