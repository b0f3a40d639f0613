"""Chaos, longer than CI's: daemon processes killed with SIGKILL at random moments for N
rounds while the sandbox fails calls and loses answers of writes that landed; then the
calm.  Prints what the chaos did and whether every post ended on the sandbox exactly
once with the queue agreeing (it exits 1 if not), beside a calm baseline run of the same
burst measured first.

    python benchmarks/chaos_daemons.py [--rounds 100] [--accounts 10] [--per-account 60]
        [--seed 7] [--postgres postgresql://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from disseminator.sandbox import SandboxOptions, start_sandbox  # noqa: E402
from tests.integration.test_chaos_daemons import chaos  # noqa: E402

try:
    from bench_burst_daemons import _schema  # type: ignore[import-not-found]
except ImportError:  # run from the repository root
    from benchmarks.bench_burst_daemons import _schema  # type: ignore[import-not-found,no-redef]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--accounts", type=int, default=10)
    parser.add_argument("--per-account", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", help="run on this PostgreSQL database (a fresh schema) instead of SQLite")
    args = parser.parse_args()
    failed = False
    print(f"{'run':<8}{'rounds':>7}{'posts':>7}{'kills':>7}{'recovered':>10}{'found':>7}{'seconds':>9}  result")
    for rounds in (0, args.rounds):  # the calm baseline first
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            database = _schema(args.postgres) if args.postgres else f"sqlite:///{folder / f'{uuid.uuid4().hex}.db'}"
            server = start_sandbox(SandboxOptions(port=0))
            start = time.perf_counter()
            did: dict[str, Any] = {}
            try:
                did = chaos(folder, server, database, rounds=rounds, seed=args.seed, accounts=args.accounts,
                            per_account=args.per_account)
                result = "exactly once, queue agrees"
            except AssertionError as exc:
                failed = True
                result = f"FAILED: {str(exc).splitlines()[0][:200]}"
            finally:
                server.stop()
            took = time.perf_counter() - start
            print(f"{'calm' if not rounds else 'chaos':<8}{rounds:>7}{args.accounts * args.per_account:>7}"
                  f"{did.get('kills', '-'):>7}{did.get('recovered', '-'):>10}{did.get('found', '-'):>7}{took:>9.1f}  {result}",
                  flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
