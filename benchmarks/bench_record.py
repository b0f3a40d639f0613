"""What the publication record costs (disseminator/store/record.py, disseminator/record.py).

Measured in one process on one database, beside a baseline taken in the same run:

- moves: M officer moves (``reschedule``: one guarded UPDATE and its event) with the record
  written in each move's transaction, beside the same moves with the record's commit hook
  taken off (what a move cost before the record);
- sweep: N overdue posts made ``missed`` (500 a transaction: one INSERT of 500 entries
  each), beside the same sweep without the record;
- verify: ``record verify`` over the N + M + ... entries that exist by then (every hash
  recomputed, read 1,000 at a time), beside a plain read of the same rows in the same
  batches (what reading alone costs);
- export: ``record export --json`` of every entry to /dev/null, in process.

    python benchmarks/bench_record.py [--moves 2000] [--n 20000] [--postgres postgresql://postgres@127.0.0.1/test]

Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from channels.clock import FakeClock
from disseminator import missed
from disseminator.queue.moves import reschedule
from disseminator.record import BATCH, export_row, rows, verify
from disseminator.store import ArticleRow, PostRow, Store
from disseminator.store import record as chain
from disseminator.store.migrate import upgrade
from disseminator.store.record_models import RecordRow

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.timezone.utc)


@contextlib.contextmanager
def without_record() -> Iterator[None]:
    """The record's commit hook taken off: moves cost what they did before it."""
    event.remove(Session, "before_commit", chain._write)
    try:
        yield
    finally:
        event.listen(Session, "before_commit", chain._write)


def fill(store: Store, n: int, *, offset: dt.timedelta, tag: str) -> list[int]:
    with store.session() as s:
        article = s.execute(insert(ArticleRow).returning(ArticleRow.id), [{
            "title": "t", "body": "", "tags": [], "content_hash": uuid.uuid4().hex, "revision": 1,
            "created_at": NOW, "updated_at": NOW}]).scalar_one()
        when = NOW + offset
        data = [{"article_id": article, "account": f"acc{i % 100}", "channel": "facebook", "variant": f"{tag}{i}",
                 "media": [], "warnings": [], "status": "scheduled", "scheduled_at": when, "next_attempt_at": when,
                 "attempts": 0, "needs_reconcile": False, "overtake": False, "created_at": NOW, "updated_at": NOW}
                for i in range(n)]
        ids: list[int] = []
        for k in range(0, n, 5_000):
            ids += list(s.scalars(insert(PostRow).returning(PostRow.id), data[k:k + 5_000]))
        return ids


def moves(store: Store, ids: list[int]) -> float:
    start = time.perf_counter()
    for pid in ids:
        reschedule(store, pid, NOW + dt.timedelta(days=2))
    return time.perf_counter() - start


def sweep(store: Store) -> tuple[float, int]:
    start = time.perf_counter()
    moved = missed.sweep(store, grace=dt.timedelta(hours=1))
    return time.perf_counter() - start, len(moved)


def plain_read(store: Store) -> tuple[float, int]:
    start, last, n = time.perf_counter(), 0, 0
    while True:
        with store.session() as s:
            batch = list(s.execute(select(*chain.RECORD.c).where(RecordRow.seq > last).order_by(RecordRow.seq).limit(BATCH)))
        n += len(batch)
        if len(batch) < BATCH:
            return time.perf_counter() - start, n
        last = batch[-1].seq


def export(store: Store) -> float:
    import json

    start = time.perf_counter()
    sink = io.StringIO()
    for row in rows(store):
        sink.write(json.dumps(export_row(row), ensure_ascii=False))
        sink.truncate(0)
        sink.seek(0)
    return time.perf_counter() - start


#: Rounds the moves and the sweeps are taken in, with and without the record in turn.
ROUNDS = 5


def _more(took: float, base: float) -> str:
    return f"{(took / base - 1) * 100:+.0f}%"


def measure(url: str, m: int, n: int) -> list[tuple[str, str, str]]:
    store = Store(url, clock=FakeClock(NOW))
    upgrade(store.engine)
    found: list[tuple[str, str, str]] = []
    try:
        # Rounds taken in turn, with and without, so that a machine busy with something
        # else for a while weighs on both alike.
        a, b = fill(store, m, offset=dt.timedelta(days=1), tag="a"), fill(store, m, offset=dt.timedelta(days=1), tag="b")
        base = took = 0.0
        step = max(m // ROUNDS, 1)
        for k in range(0, m, step):
            with without_record():
                base += moves(store, a[k:k + step])
            took += moves(store, b[k:k + step])
        found.append((f"{m} moves", f"{base / m * 1000:.2f} ms each", f"{took / m * 1000:.2f} ms each ({_more(took, base)})"))
        base_s = took_s = 0.0
        for k in range(ROUNDS):
            fill(store, n // ROUNDS, offset=-dt.timedelta(hours=5), tag=f"c{k}")
            with without_record():
                spent, moved_base = sweep(store)
            base_s += spent
            fill(store, n // ROUNDS, offset=-dt.timedelta(hours=5), tag=f"d{k}")
            spent, moved = sweep(store)
            took_s += spent
            assert moved_base == moved == n // ROUNDS
        found.append((f"sweep of {n} missed", f"{base_s:.2f} s", f"{took_s:.2f} s ({_more(took_s, base_s)})"))
        read_s, entries = plain_read(store)
        start = time.perf_counter()
        verdict = verify(store)
        verify_s = time.perf_counter() - start
        assert verdict.intact and verdict.rows == entries
        found.append((f"verify {entries} entries", f"{read_s:.2f} s (read only)",
                      f"{verify_s:.2f} s ({entries / verify_s:,.0f} entries/s)"))
        found.append((f"export {entries} entries", "-", f"{export(store):.2f} s"))
    finally:
        store.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--moves", type=int, default=2000)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--postgres", help="a PostgreSQL URL (a schema of its own is made and dropped)")
    args = parser.parse_args()
    targets: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        targets.append(("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}"))
        schema = None
        if args.postgres:
            import psycopg

            schema = f"bench_{uuid.uuid4().hex[:10]}"
            plain = args.postgres.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(plain, autocommit=True) as conn:
                conn.execute(f'CREATE SCHEMA "{schema}"')
            targets.append(("postgresql", f"{plain}{'&' if '?' in plain else '?'}options=-csearch_path%3D{schema}"))
        try:
            print(f"{'database':<11} {'what':<26} {'without the record':<22} with the record")
            for name, url in targets:
                for what, base, took in measure(url, args.moves, args.n):
                    print(f"{name:<11} {what:<26} {base:<22} {took}")
        finally:
            if schema:
                with psycopg.connect(plain, autocommit=True) as conn:
                    conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    main()
