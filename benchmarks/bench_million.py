"""A queue of a million posts: what a claim, a run, a page and a listing cost, beside a
baseline queue measured in the same run.

For each database (SQLite; PostgreSQL with ``--postgres URL``, in a schema of its own) and
each size (``--base``, default 10,000, then ``--rows``, default 1,000,000), the queue is
filled in bulk (tests/bulk.py: COPY on PostgreSQL, executemany on SQLite) with posts 30
days ahead over 20 Facebook pages of the in-process sandbox, one in ten published (for
``history``), then measured:

- claim: ``queue.claim.claim_next`` of one due post among them, the median of 20 (target < 5 ms);
- run-due in-process: ``Worker.run_due`` with one post due, published to the sandbox
  (target < 0.5 s);
- run-due as a process: ``python -m disseminator run-due`` with one post due (the same
  target, startup included);
- queue page: ``python -m disseminator queue`` as a process, its first page of 50 (target
  < 300 ms, startup included);
- history --csv / --json: the peak resident memory of the process (``/usr/bin/time -f
  %M``), printing every done post to /dev/null (target: the same at both sizes), with how
  long it took.

Timings are wall clock on whatever else the machine is doing: compare the two sizes of one
run, not runs on different days.

    python benchmarks/bench_million.py [--rows 1000000] [--base 10000] [--postgres postgresql://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from disseminator.queue.claim import claim_next  # noqa: E402
from disseminator.sandbox import SandboxOptions, start_sandbox  # noqa: E402
from disseminator.sandbox.credentials import DEFAULT  # noqa: E402
from disseminator.store import PostStatus, Store  # noqa: E402
from disseminator.store.migrate import upgrade  # noqa: E402
from disseminator.worker import Worker  # noqa: E402
from tests.bulk import fill  # noqa: E402

try:
    from bench_claim import sandbox_settings  # type: ignore[import-not-found]
except ImportError:  # run from the repository root
    from benchmarks.bench_claim import sandbox_settings  # type: ignore[import-not-found,no-redef]

ACCOUNTS = 20
#: Measures, their targets, and how a value is printed.
MEASURES = [("claim (ms)", "< 5"), ("run-due in-process (s)", "< 0.5"), ("run-due process (s)", "< 0.5"),
            ("queue page process (s)", "< 0.3"), ("status process (s)", ""), ("history --csv peak (MB)", "same"), ("history --csv (s)", ""),
            ("history --json peak (MB)", "same"), ("history --json (s)", "")]


def _config(folder: Path, url: str, sandbox_url: str) -> Path:
    lines = ['language = "en"', f'database = "{url}"', ""]
    for i in range(ACCOUNTS):
        lines += [f"[accounts.fb{i}]", 'channel = "facebook"', f'base_url = "{sandbox_url}"',
                  f'page_id = "{DEFAULT.fb_page_id}"', f'access_token = "{DEFAULT.fb_page_token}"', ""]
    path = folder / "bench.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _process(config: Path, *args: str, memory: bool = False, ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall seconds of ``python -m disseminator ARGS`` (output to /dev/null) and, with
    ``memory``, its peak resident size in MB."""
    env = {**os.environ, "DISSEMINATOR_LANGUAGE": "en"}
    command = [sys.executable, "-m", "disseminator", "--config", str(config), *args]
    if memory:
        command = ["/usr/bin/time", "-f", "%M", *command]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(f"{args} failed: {done.stderr[-800:]}")
    rss = int(done.stderr.strip().splitlines()[-1]) / 1024 if memory else 0.0
    return took, rss


def _due(store: Store, account: str, tag: str) -> None:
    fill(store, 1, when=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=5), accounts=[account], tag=tag)


def measure(url: str, rows: int, sandbox_url: str, folder: Path) -> dict[str, float]:
    settings = sandbox_settings(url, sandbox_url, ACCOUNTS)
    store = Store(url)
    upgrade(store.engine)
    start = time.perf_counter()
    fill(store, rows, when=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30), spread=dt.timedelta(seconds=1),
         accounts=[f"fb{i}" for i in range(ACCOUNTS)], published_every=10, tag="q")
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect() as conn:  # fresh statistics, as autovacuum would have them
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    else:
        with store.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    print(f"  filled {rows:,} posts in {time.perf_counter() - start:.1f} s", flush=True)
    found: dict[str, float] = {}

    # Claims: one due post of each of 20 accounts no other post uses, claimed one at a time.
    for i in range(20):
        _due(store, f"claim{i}", f"c{i}")
    claims = []
    for i in range(20):
        start = time.perf_counter()
        post = claim_next(store, worker="bench", now=store.clock.now(), lease=dt.timedelta(minutes=5))
        claims.append(time.perf_counter() - start)
        assert post is not None and post.status == PostStatus.PUBLISHING
    found["claim (ms)"] = statistics.median(claims) * 1000

    _due(store, "fb1", "w")
    start = time.perf_counter()
    report = Worker(settings, store, worker_id="bench").run_due()
    found["run-due in-process (s)"] = time.perf_counter() - start
    assert [o.status for o in report.outcomes] == ["published"], report.outcomes

    config = _config(folder, url, sandbox_url)
    _due(store, "fb2", "p")
    found["run-due process (s)"], _rss = _process(config, "run-due")
    found["queue page process (s)"] = min(_process(config, "queue")[0] for _ in range(3))
    # status exits 1 when something needs an operator (no daemon runs here): a figure all the same.
    found["status process (s)"] = min(_process(config, "status", ok=(0, 1))[0] for _ in range(3))
    for fmt in ("--csv", "--json"):
        took, rss = _process(config, "history", fmt, memory=True)
        found[f"history {fmt} peak (MB)"], found[f"history {fmt} (s)"] = rss, took
    store.close()
    return found


@contextmanager
def _schema(base: str) -> Iterator[str]:
    """A PostgreSQL URL whose tables live in a new schema, dropped afterwards."""
    import psycopg

    plain = base.replace("postgresql+psycopg://", "postgresql://")
    name = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield f"{plain}{'&' if '?' in plain else '?'}options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="the large queue (default 1,000,000)")
    parser.add_argument("--base", type=int, default=10_000, help="the baseline queue, measured first (default 10,000)")
    parser.add_argument("--postgres", help="also on this PostgreSQL database (each size in a schema of its own)")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="one database only")
    args = parser.parse_args()
    server = start_sandbox(SandboxOptions(port=0))
    results: dict[str, dict[int, dict[str, float]]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            targets: list[tuple[str, Callable[[int], Iterator[str]]]] = []
            if args.only != "postgres":
                targets.append(("SQLite", lambda n: iter([f"sqlite:///{Path(tmp) / f'q{n}.db'}"])))
            if args.postgres and args.only != "sqlite":
                targets.append(("PostgreSQL", lambda n: _schema(args.postgres)))  # type: ignore[arg-type,return-value]
            for name, url_for in targets:
                for n in (args.base, args.rows):
                    print(f"{name}, {n:,} posts:", flush=True)
                    source = url_for(n)
                    if hasattr(source, "__enter__"):
                        with source as url:  # type: ignore[attr-defined]
                            results.setdefault(name, {})[n] = measure(url, n, server.url, Path(tmp))
                    else:
                        results.setdefault(name, {})[n] = measure(next(source), n, server.url, Path(tmp))
    finally:
        server.stop()
    print()
    for name, sizes in results.items():
        print(f"{name:<26}{'target':>8}" + "".join(f"{n:>14,}" for n in sizes) + f"{'ratio':>8}")
        for measure_name, target in MEASURES:
            values = [sizes[n][measure_name] for n in sizes]
            ratio = values[-1] / values[0] if values[0] else float("nan")
            print(f"{measure_name:<26}{target:>8}" + "".join(f"{v:>14.3f}" for v in values) + f"{ratio:>7.1f}x")
        print()


if __name__ == "__main__":
    main()
