"""Startup: ``disseminator queue`` on a small database beside ``python -c pass``.

An officer runs the CLI many times a day, so a command that opens the database should
cost little more than the interpreter itself (target: ``queue`` within 8x ``python -c
pass``).  Each command is run ``--runs`` times as a process, interleaved with the baseline
so both see the same machine load; the table gives the best and the median wall time and
the ratio of the best to the baseline's best.  The heaviest imports of ``queue``
(``python -X importtime``) follow, to show where the rest goes.

    python benchmarks/bench_startup.py [--runs 15] [--posts 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "disseminator --help": ["-m", "disseminator", "--help"],
    "disseminator queue": ["-m", "disseminator", "queue"],
    "disseminator history": ["-m", "disseminator", "history"],
}


def _database(folder: Path, posts: int) -> dict[str, str]:
    """A starter config and database in ``folder`` with ``posts`` queued; the environment to use it."""
    from disseminator.config import load_settings
    from disseminator.store import Store
    from tests.bulk import fill
    from tests.helpers import run_cli, write_config

    config = write_config(folder, sandbox_url="http://127.0.0.1:9", database=f"sqlite:///{folder / 'small.db'}")
    assert run_cli(["--config", str(config), "init"]).code == 0
    store = Store.open(load_settings(config).database)
    fill(store, posts, when=dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1), spread=dt.timedelta(minutes=5),
         accounts=["sandbox_x", "sandbox_fb", "sandbox_ig"])
    store.close()
    return {**os.environ, "DISSEMINATOR_CONFIG": str(config), "DISSEMINATOR_LANGUAGE": "en"}


def _time(args: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], env=env, cwd=cwd, capture_output=True)
    took = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{args} failed: {done.stderr.decode()[-500:]}")
    return took


def _heaviest(env: dict[str, str], cwd: Path, n: int = 8) -> list[tuple[int, str]]:
    """The top-level imports of ``queue`` by cumulative time (microseconds)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "disseminator", "queue"], env=env, cwd=cwd,
                          capture_output=True, text=True)
    found = []
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| ( *)(\S+)", line)
        if m and len(m.group(2)) <= 2:  # a module the command itself (or its first import) asked for
            found.append((int(m.group(1)), m.group(3)))
    return sorted(found, reverse=True)[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--posts", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = _database(folder, args.posts)
        times: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for name, argv in COMMANDS.items():  # warm the disk cache and the .pyc files
            _time(argv, env, folder)
        for _round in range(args.runs):
            for name, argv in COMMANDS.items():
                times[name].append(_time(argv, env, folder))
        base = min(times["python -c pass"])
        print(f"{'command':<24}{'best (ms)':>11}{'median (ms)':>13}{'x pass':>9}")
        for name, taken in times.items():
            print(f"{name:<24}{min(taken) * 1000:>11.0f}{statistics.median(taken) * 1000:>13.0f}{min(taken) / base:>8.1f}x")
        print(f"\nheaviest imports of 'queue' (one run, -X importtime, cumulative):")
        for micros, module in _heaviest(env, folder):
            print(f"  {micros / 1000:>7.0f} ms  {module}")


if __name__ == "__main__":
    main()
