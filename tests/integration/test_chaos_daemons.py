"""Chaos: daemon processes killed with SIGKILL at random moments, 20 rounds, while the
sandbox fails one call in ten and loses the answers of writes that landed.  Restarted
after each round; once the chaos ends, the sandbox holds every post exactly once, the
queue agrees (each post published under the remote id the sandbox gave it) and nothing
is left in publishing.  ``benchmarks/chaos_daemons.py --rounds N`` runs a longer one.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from disseminator.store import AttemptRow, EventRow, Store
from disseminator.store.migrate import upgrade
from tests import fleet

ROUNDS = 20


def chaos(tmp_path: Path, sandbox, database: str, *, rounds: int, seed: int = 7,  # type: ignore[no-untyped-def]
          accounts: int = 10, per_account: int = 30) -> dict[str, int]:
    """Run ``rounds`` of kills and the calm after; returns what the chaos did (kills,
    posts recovered from dead daemons, lost answers found on the network)."""
    config = fleet.write_config(tmp_path, database=database, sandbox_url=sandbox.url, accounts=accounts,
                                concurrency=4, lease_seconds=3, max_attempts=30)
    store = Store(database)
    upgrade(store.engine)
    expected = fleet.fill(store, accounts=accounts, per_account=per_account, tag="kacau", due=store.clock.now())
    sandbox.set_faults({"seed": seed, "latency_ms": 30, "error_rate": 0.1,
                        "lose_response": [{"network": "graph", "path": "*/feed", "count": rounds * 2}]})
    rng = random.Random(seed)
    daemons = fleet.Fleet(config, tmp_path, tick=1)
    kills = 0
    try:
        for _round in range(rounds):
            daemons.start(2 - len(daemons.procs))
            _working(store, seconds=20)  # started (a second or more on a busy machine) and publishing
            time.sleep(rng.uniform(0.05, 1.5))
            victims = rng.sample(daemons.procs, rng.choice([1, 1, 2]))
            daemons.kill(victims)
            kills += len(victims)
            fleet.due_now(store)  # retries wait a minute and more: not in a test
        sandbox.set_faults({})
        daemons.start(2 - len(daemons.procs))
        # A bound, not a timing: a loaded machine (CI runs two test processes) is slow.
        counts = fleet.wait_until_done(store, accounts * per_account, seconds=600, nudge=True)
    finally:
        codes = daemons.stop()
    assert codes == [0] * len(codes), daemons.output()[-3000:]
    assert counts.get("published") == accounts * per_account, (counts, daemons.output()[-3000:])
    fleet.check_exactly_once(store, sandbox, expected, "kacau", order=False)
    with store.session() as s:
        recovered = int(s.scalar(select(func.count()).where(EventRow.edge == "recover")) or 0)
        found = int(s.scalar(select(func.count()).where(AttemptRow.action == "reconcile", AttemptRow.outcome == "found"))
                    or 0)
    store.close()
    return {"kills": kills, "recovered": recovered, "found": found}


def _working(store: Store, *, seconds: float) -> None:
    """Wait until some post is being published (or every post is out)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        now = fleet.counts(store)
        if now.get("publishing") or not now.get("scheduled"):
            return
        time.sleep(0.05)


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_daemons_killed_at_random_publish_every_post_exactly_once(  # type: ignore[no-untyped-def]
        request: pytest.FixtureRequest, tmp_path: Path, sandbox, database: str) -> None:
    url = f"sqlite:///{tmp_path / 'chaos.db'}" if database == "sqlite" else request.getfixturevalue("pg_url")
    did = chaos(tmp_path, sandbox, url, rounds=ROUNDS)
    # The chaos really happened: daemons died holding posts, and answers were lost after
    # their write landed (found on the network, not written again).
    assert did["kills"] >= ROUNDS and did["recovered"] > 0 and did["found"] > 0, did
