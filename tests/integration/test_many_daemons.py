"""Several daemon processes on one database share a burst: none of its posts is published
twice, none is lost, and each account's posts reach the network in their planned order
(4 daemons on PostgreSQL, 2 on SQLite)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from disseminator.store import AttemptRow, Store
from disseminator.store.migrate import upgrade
from tests import fleet


def _burst(tmp_path: Path, sandbox, database: str, *, daemons: int, accounts: int,  # type: ignore[no-untyped-def]
           per_account: int) -> None:
    config = fleet.write_config(tmp_path, database=database, sandbox_url=sandbox.url, accounts=accounts)
    store = Store(database)
    upgrade(store.engine)
    expected = fleet.fill(store, accounts=accounts, per_account=per_account, tag="armada",
                          due=store.clock.now() + dt.timedelta(seconds=5))
    total = accounts * per_account
    daemons_ = fleet.Fleet(config, tmp_path)
    daemons_.start(daemons)
    try:
        counts = fleet.wait_until_done(store, total, seconds=600)  # a bound, not a timing: a loaded machine is slow
    finally:
        codes = daemons_.stop()
    assert codes == [0] * daemons, daemons_.output()[-3000:]
    assert counts.get("published") == total, (counts, daemons_.output()[-3000:])
    fleet.check_exactly_once(store, sandbox, expected, "armada")
    with store.session() as s:  # the work was shared: every daemon published some of it
        publishers = {w.split("/")[0] for w in s.scalars(AttemptRow.__table__.select().with_only_columns(AttemptRow.worker))}
    assert len(publishers) == daemons, publishers
    store.close()


@pytest.mark.postgres
def test_four_daemons_on_postgresql_share_2000_posts(tmp_path: Path, sandbox, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    _burst(tmp_path, sandbox, pg_url, daemons=4, accounts=50, per_account=40)


def test_two_daemons_on_sqlite_share_a_burst(tmp_path: Path, sandbox) -> None:  # type: ignore[no-untyped-def]
    _burst(tmp_path, sandbox, f"sqlite:///{tmp_path / 'fleet.db'}", daemons=2, accounts=20, per_account=25)
