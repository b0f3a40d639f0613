"""The heartbeat and the fence, on a fake clock (no sleeping), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from channels.base import Article, Draft
from channels.clock import FakeClock
from disseminator.queue.claim import claim_next
from disseminator.queue.fenced import recover_expired
from disseminator.articles import content_hash
from disseminator.lease import Heartbeat, LostClaim
from disseminator.store import Store
from disseminator.store.migrate import upgrade

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.timezone.utc)
LEASE = dt.timedelta(seconds=90)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def claimed(db_url: str, clock: FakeClock) -> tuple[Store, int]:
    store = Store(db_url, clock=clock)
    upgrade(store.engine)
    art = Article(title="Judul", url="https://a.go.id/1")
    aid = store.add_article(art, source=None, content_hash=content_hash(art))[0]
    pid = store.add_post(article_id=aid, account="a", channel="twitter", variant="default",
                         draft=Draft(parts=("teks",)), scheduled_at=NOW).id
    assert claim_next(store, worker="w1", now=NOW, lease=LEASE) is not None
    yield store, pid
    store.close()


def test_a_beat_moves_the_lease_forward_by_the_clock(claimed: tuple[Store, int], clock: FakeClock) -> None:
    store, pid = claimed
    beat = Heartbeat(store, pid, worker="w1", lease=LEASE)
    clock.advance(60)
    assert beat.beat()
    assert store.post(pid).lease_until == clock.now() + LEASE
    clock.advance(80)  # past the first lease, within the renewed one
    beat.check()
    assert not recover_expired(store)


def test_check_refuses_once_the_lease_ran_out(claimed: tuple[Store, int], clock: FakeClock) -> None:
    store, pid = claimed
    beat = Heartbeat(store, pid, worker="w1", lease=LEASE)
    clock.advance(LEASE.total_seconds() + 1)
    with pytest.raises(LostClaim, match="expired"):
        beat.check()
    assert beat.lost
    assert not beat.beat()  # and later beats do not bring it back


def test_check_refuses_another_workers_claim(claimed: tuple[Store, int]) -> None:
    store, pid = claimed
    with pytest.raises(LostClaim):
        Heartbeat(store, pid, worker="w2", lease=LEASE).check()


def test_check_refuses_when_the_database_cannot_confirm(claimed: tuple[Store, int]) -> None:
    store, pid = claimed
    beat = Heartbeat(store, pid, worker="w1", lease=LEASE)
    store.engine.dispose()
    store.engine.url = store.engine.url.set(database="/nonexistent/dir/x.db") if store.engine.dialect.name == "sqlite" \
        else store.engine.url.set(port=1)
    from sqlalchemy import create_engine

    store.engine = create_engine(store.engine.url)
    from disseminator.store.engine import session_factory

    store.sessions = session_factory(store.engine)
    with pytest.raises(LostClaim, match="cannot confirm"):
        beat.check()
    # A background beat that cannot reach the database keeps going (it retries next time).
    assert beat.beat()
