"""An idle daemon on PostgreSQL wakes for changes to its own queue only: the notice
channel is the database's, and queues kept in other schemas of the same database (an
installation per schema, or the test suite's) kept waking it (13% CPU while idle)."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from disseminator import holds
from disseminator.store import HoldKind, Store
from disseminator.store.migrate import upgrade
from disseminator.store.notify import PostgresWatch

pytestmark = pytest.mark.postgres


def test_a_change_in_another_schema_does_not_wake_the_watch(pg_url: str, pg_server: str) -> None:
    plain = pg_server.replace("postgresql+psycopg://", "postgresql://")
    other = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{other}"')
    mine, theirs = Store(pg_url), Store(f"{plain}{'&' if '?' in plain else '?'}options=-csearch_path%3D{other}")
    watch = PostgresWatch(pg_url)
    try:
        upgrade(mine.engine)
        upgrade(theirs.engine)
        watch.wait(0.0)  # listening from here on
        holds.place(theirs, "humas_x", HoldKind.PAUSE, reason="tetangga")
        assert watch.wait(1.0) is False  # the neighbour's change came and was let by
        holds.place(mine, "humas_x", HoldKind.PAUSE, reason="kita")
        assert watch.wait(5.0) is True
    finally:
        watch.close()
        mine.close()
        theirs.close()
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{other}" CASCADE')
