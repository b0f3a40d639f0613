"""What the claim's hold clause costs now that it also lets urgent posts pass an allowing
pause and keeps embargoed articles' posts back (issue 12 point 3: disseminator/holds.py,
disseminator/embargo.py).

One process, one database, a frozen clock; N posts due now on 10 accounts, one article per
10 posts, a tenth of the articles under embargo, one post in a hundred urgent.  Each figure
is the median of R runs of one statement, with the old clause (account holds only, as
before issue 12) beside the new rule written as ``NOT blocking(now)`` (one negated OR) and
as ``holds.free(now)`` (two NOT EXISTS: what the claim and the missed sweep use), in the
same run:

- claim select: the claim's SELECT (due, not held, earliest first, LIMIT 1), no pause;
- claim select, paused: the same under ``pause --all --allow-urgent`` (only urgent posts
  of articles not under embargo may go: the new clause must find them among the held);
- due count (and paused): the count ``status`` and ``run-due``'s progress make (every due
  post).

    python benchmarks/bench_holds.py [--n 20000] [--runs 20] [--postgres postgresql+psycopg://postgres@127.0.0.1/test]

Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import ColumnElement, delete, exists, func, select, text, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from channels.clock import FakeClock  # noqa: E402
from disseminator import holds  # noqa: E402
from disseminator.store import ArticleRow, HoldKind, HoldRow, PostRow, PostStatus, Store  # noqa: E402
from disseminator.store.migrate import upgrade  # noqa: E402
from tests.bulk import fill  # noqa: E402

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.timezone.utc)
ACCOUNTS = [f"acc{i}" for i in range(10)]


def old_free(now: dt.datetime) -> ColumnElement[bool]:
    """The clause before issue 12: no account hold in force, nothing else."""
    return ~exists().where(holds._of_post(), holds._live(now))


def negated(now: dt.datetime) -> ColumnElement[bool]:
    """``NOT blocking(now)``: the new rule as one negated OR (status, metrics, run-due's count)."""
    return ~holds.blocking(now)


#: The clauses compared, in the table's order: before issue 12, the new rule as a negated
#: OR, and as the two NOT EXISTS the claim and the missed sweep use (holds.free).
CLAUSES: list[tuple[str, Callable[[dt.datetime], ColumnElement[bool]]]] = [
    ("old", old_free), ("NOT blocking", negated), ("free", holds.free)]


def prepare(url: str, n: int) -> Store:
    store = Store(url, clock=FakeClock(NOW))
    upgrade(store.engine)
    fill(store, n, when=NOW - dt.timedelta(minutes=5), accounts=ACCOUNTS, tag="holds")
    with store.session() as s:
        s.execute(update(ArticleRow).where(ArticleRow.id % 10 == 0).values(embargo=NOW + dt.timedelta(hours=3)))
        s.execute(update(PostRow).where(PostRow.id % 100 == 7).values(urgent=True, overtake=True))
    with store.engine.connect() as conn:  # fresh statistics, as autovacuum would have them
        conn.execute(text("ANALYZE"))
        conn.commit()
    return store


def median(store: Store, runs: int, statement: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        with store.session() as s:
            start = time.perf_counter()
            s.execute(statement()).all()  # type: ignore[call-overload]
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def claim_select(clause: Callable[[dt.datetime], ColumnElement[bool]]) -> Callable[[], object]:
    return lambda: (select(PostRow.id).where(PostRow.status == PostStatus.SCHEDULED, PostRow.next_attempt_at <= NOW,
                                             clause(NOW)).order_by(PostRow.next_attempt_at, PostRow.id).limit(1))


def due_count(clause: Callable[[dt.datetime], ColumnElement[bool]]) -> Callable[[], object]:
    return lambda: (select(func.count()).select_from(PostRow)
                    .where(PostRow.status == PostStatus.SCHEDULED, PostRow.next_attempt_at <= NOW, clause(NOW)))


def measure(url: str, n: int, runs: int) -> list[tuple[str, list[float]]]:
    store = prepare(url, n)
    rows = []
    for name, make in (("claim select", claim_select), ("due count", due_count)):
        rows.append((name, [median(store, runs, make(c)) for _label, c in CLAUSES]))
    holds.place(store, holds.ALL, HoldKind.PAUSE, reason="berkabung", allow_urgent=True)
    for name, make in (("claim select, paused", claim_select), ("due count, paused", due_count)):
        rows.append((name, [median(store, runs, make(c)) for _label, c in CLAUSES]))
    with store.session() as s:
        s.execute(delete(HoldRow))
    store.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--postgres", help="also on this PostgreSQL database (in a schema of its own, dropped after)")
    args = parser.parse_args()
    targets = []
    with tempfile.TemporaryDirectory() as tmp:
        targets.append(("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}"))
        schema = f"bench_holds_{uuid.uuid4().hex[:8]}"
        if args.postgres:
            import psycopg

            plain = args.postgres.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(plain, autocommit=True) as conn:
                conn.execute(f'CREATE SCHEMA "{schema}"')
            sep = "&" if "?" in plain else "?"
            targets.append(("PostgreSQL", f"{plain}{sep}options=-csearch_path%3D{schema}"))
        try:
            report(targets, args.n, args.runs)
        finally:
            if args.postgres:
                with psycopg.connect(plain, autocommit=True) as conn:
                    conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def report(targets: list[tuple[str, str]], n: int, runs: int) -> None:
    print(f"{n:,} posts, median of {runs} runs, ms")
    print(f"{'database':<11} {'statement':<22}" + "".join(f" {label:>13}" for label, _c in CLAUSES))
    for label, url in targets:
        for name, times in measure(url, n, runs):
            print(f"{label:<11} {name:<22}" + "".join(f" {t * 1000:>13.2f}" for t in times))


if __name__ == "__main__":
    main()
