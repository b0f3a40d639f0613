"""What one run costs as the queue grows: run-due with one due post among N future ones.

The claim (holds, per-account order, one in flight per account) and the report of held
posts are SQL clauses and grouped queries, so a run should not read the whole queue.  This
prints the time of one run-due (one due post, published to the in-process sandbox) at a
baseline queue and at 10x and 100x of it, beside the time of the same run on an empty queue
measured in the same process.

    python benchmarks/bench_claim.py [--base 1000] [--postgres postgresql://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import insert

from disseminator.config import Settings, parse_settings
from disseminator.sandbox import SandboxOptions, start_sandbox
from disseminator.sandbox.credentials import DEFAULT
from disseminator.store import ArticleRow, PartRow, PostRow, PostStatus, Store
from disseminator.store.migrate import upgrade
from disseminator.worker import Worker

ACCOUNTS = 20


def _fill(store: Store, n: int, *, when: dt.datetime, tag: str) -> None:
    """``n`` posts over ACCOUNTS accounts at ``when``, inserted in bulk (no ORM objects)."""
    now = dt.datetime.now(dt.timezone.utc)
    with store.session() as s:
        for start in range(0, n, 5000):
            rows = range(start, min(start + 5000, n))
            s.execute(insert(ArticleRow), [
                {"title": f"{tag} {i}", "body": "", "tags": [], "content_hash": f"{tag}-{i}", "revision": 1,
                 "created_at": now, "updated_at": now} for i in rows])
    with store.session() as s:
        ids = dict(s.execute(ArticleRow.__table__.select().with_only_columns(ArticleRow.content_hash, ArticleRow.id)
                             .where(ArticleRow.content_hash.like(f"{tag}-%"))).all())
    with store.session() as s:
        for start in range(0, n, 5000):
            rows = range(start, min(start + 5000, n))
            result = s.execute(insert(PostRow).returning(PostRow.id), [
                {"article_id": ids[f"{tag}-{i}"], "account": f"fb{i % ACCOUNTS}", "channel": "facebook",
                 "variant": "default", "media": [], "warnings": [], "status": PostStatus.SCHEDULED,
                 "scheduled_at": when, "next_attempt_at": when, "attempts": 0, "needs_reconcile": False,
                 "overtake": False, "created_at": now, "updated_at": now} for i in rows])
            post_ids = [r[0] for r in result]
            s.execute(insert(PartRow), [
                {"post_id": pid, "index": 0, "text": f"{tag} {pid}", "text_hash": hashlib.sha256(f"{tag} {pid}".encode()).hexdigest(),
                 "state": "pending", "attempts": 0} for pid in post_ids])


def sandbox_settings(database: str, url: str, accounts: int) -> Settings:
    """A configuration of ``accounts`` Facebook pages (fb0, fb1, ...) on the sandbox at ``url``."""
    return parse_settings({
        "database": database,
        "accounts": {f"fb{i}": {"channel": "facebook", "base_url": url, "page_id": DEFAULT.fb_page_id,
                                "access_token": DEFAULT.fb_page_token} for i in range(accounts)},
    })


def one_run(database: str, future: int, url: str) -> float:
    settings = sandbox_settings(database, url, ACCOUNTS)
    store = Store(settings.database)
    upgrade(store.engine)
    tag = uuid.uuid4().hex[:8]
    now = dt.datetime.now(dt.timezone.utc)
    if future:
        _fill(store, future, when=now + dt.timedelta(days=30), tag=f"{tag}f")
    _fill(store, 1, when=now - dt.timedelta(minutes=1), tag=f"{tag}d")
    worker = Worker(settings, store, worker_id="bench")
    start = time.perf_counter()
    report = worker.run_due()
    elapsed = time.perf_counter() - start
    assert [o.status for o in report.outcomes] == ["published"], report.outcomes
    store.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=1000, help="baseline queue size (10x and 100x follow)")
    parser.add_argument("--postgres", help="also measure on this PostgreSQL database (a fresh schema is not made: use an empty database)")
    args = parser.parse_args()
    server = start_sandbox(SandboxOptions(port=0))
    try:
        targets = []
        with tempfile.TemporaryDirectory() as tmp:
            targets.append(("SQLite", lambda n: f"sqlite:///{Path(tmp) / f'q{n}.db'}"))
            if args.postgres:
                targets.append(("PostgreSQL", lambda n: args.postgres))
            print(f"{'database':<12}{'queued':>10}{'run-due (s)':>14}{'vs empty':>10}")
            for name, url_for in targets:
                empty = one_run(url_for(0), 0, server.url)
                print(f"{name:<12}{0:>10,}{empty:>14.3f}{1:>9.1f}x")
                for n in (args.base, args.base * 10, args.base * 100):
                    took = one_run(url_for(n), n, server.url)
                    print(f"{name:<12}{n:>10,}{took:>14.3f}{took / empty:>9.1f}x")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
