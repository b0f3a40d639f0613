"""An idle daemon: its memory and CPU while nothing is due, with 100,000 future posts
queued, beside the same daemon on an empty queue measured in the same run.

A real daemon process (``python -m disseminator daemon``) is started on each database
(SQLite; PostgreSQL with ``--postgres URL``, in a schema of its own), given ``--settle``
seconds to start, then watched for ``--seconds`` (default 30): resident memory (VmRSS, and
the peak VmHWM) from /proc/PID/status, CPU time (utime + stime) from /proc/PID/stat at
both ends of the window.  Targets: under 80 MB resident and ~0 CPU.  The daemon is then
stopped with SIGTERM (it must exit 0).

    python benchmarks/bench_idle.py [--queued 100000] [--seconds 30] [--postgres postgresql://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from disseminator.sandbox import SandboxOptions, start_sandbox  # noqa: E402
from disseminator.store import Store  # noqa: E402
from disseminator.store.migrate import upgrade  # noqa: E402
from tests.bulk import fill  # noqa: E402

try:
    from bench_million import ACCOUNTS, _config, _schema  # type: ignore[import-not-found]
except ImportError:  # run from the repository root
    from benchmarks.bench_million import ACCOUNTS, _config, _schema  # type: ignore[import-not-found,no-redef]

TICKS = os.sysconf("SC_CLK_TCK")


def _status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM in MB, CPU seconds (user + system) of ``pid``."""
    found: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    found["cpu"] = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15)
    return found


def watch_daemon(url: str, queued: int, sandbox_url: str, folder: Path, *, settle: float, seconds: float) -> dict[str, float]:
    store = Store(url)
    upgrade(store.engine)
    if queued:
        fill(store, queued, when=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1), spread=dt.timedelta(seconds=1),
             accounts=[f"fb{i}" for i in range(ACCOUNTS)], tag="idle")
    store.close()
    config = _config(folder, url, sandbox_url)
    env = {**os.environ, "DISSEMINATOR_LANGUAGE": "en"}
    daemon = subprocess.Popen([sys.executable, "-m", "disseminator", "--config", str(config), "daemon"], env=env,
                              cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(settle)
        if daemon.poll() is not None:
            raise SystemExit(f"the daemon stopped: {daemon.stderr.read()[-800:] if daemon.stderr else ''}")
        first = _status(daemon.pid)
        time.sleep(seconds)
        last = _status(daemon.pid)
    finally:
        daemon.send_signal(signal.SIGTERM)
        try:
            code = daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
            code = -9
    cpu = last["cpu"] - first["cpu"]
    return {"rss": last["VmRSS"], "hwm": last["VmHWM"], "cpu": cpu, "percent": 100 * cpu / seconds, "exit": code}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queued", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=30.0, help="the idle window watched")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds given to the daemon to start")
    parser.add_argument("--postgres", help="also on this PostgreSQL database (a schema of its own per run)")
    args = parser.parse_args()
    server = start_sandbox(SandboxOptions(port=0))
    rows = []
    try:
        targets: list[tuple[str, object]] = [("SQLite", None)]
        if args.postgres:
            targets.append(("PostgreSQL", args.postgres))
        for name, pg in targets:
            for queued in (0, args.queued):
                with tempfile.TemporaryDirectory() as tmp:
                    source = _schema(str(pg)) if pg else nullcontext(f"sqlite:///{Path(tmp) / 'idle.db'}")
                    with source as url:
                        print(f"{name}, {queued:,} queued: watching {args.seconds:.0f} s ...", flush=True)
                        rows.append((name, queued, watch_daemon(url, queued, server.url, Path(tmp), settle=args.settle,
                                                                seconds=args.seconds)))
    finally:
        server.stop()
    print(f"\n{'database':<12}{'queued':>9}{'RSS (MB)':>10}{'peak (MB)':>11}{'CPU (s)':>9}{'CPU %':>7}{'exit':>6}")
    for name, queued, r in rows:
        print(f"{name:<12}{queued:>9,}{r['rss']:>10.1f}{r['hwm']:>11.1f}{r['cpu']:>9.2f}{r['percent']:>7.2f}{r['exit']:>6.0f}")
    print("\ntargets: under 80 MB resident, ~0 CPU, exit 0 on SIGTERM")


if __name__ == "__main__":
    main()
