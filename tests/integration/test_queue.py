"""The queue's guarantees on SQLite and PostgreSQL: one claim per post, one post in flight per account."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from channels.base import Draft
from disseminator import queue
from disseminator.store import PostStatus, Store
from disseminator.store.migrate import upgrade

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.timezone.utc)
LEASE = dt.timedelta(minutes=5)


@pytest.fixture
def store(db_url: str) -> Store:
    s = Store(db_url)
    upgrade(s.engine)
    yield s
    s.close()


def _article(store: Store, n: int = 1) -> int:
    from channels.base import Article
    from disseminator.articles import content_hash

    art = Article(title=f"Judul {n}", url=f"https://a.go.id/{n}")
    return store.add_article(art, source=None, content_hash=content_hash(art))[0]


def _post(store: Store, article: int, account: str, when: dt.datetime = NOW, variant: str = "default") -> int:
    row = store.add_post(article_id=article, account=account, channel="twitter", variant=variant,
                         draft=Draft(parts=("teks",)), scheduled_at=when)
    return row.id


def test_guarded_transition_moves_only_from_expected_state(store: Store) -> None:
    pid = _post(store, _article(store), "a")
    assert queue.transition(store, pid, PostStatus.SCHEDULED, status=PostStatus.CANCELLED)
    assert not queue.transition(store, pid, PostStatus.SCHEDULED, status=PostStatus.PUBLISHING)
    assert store.post(pid).status == "cancelled"


def test_claim_takes_due_posts_in_order_and_skips_future(store: Store) -> None:
    art = _article(store)
    late = _post(store, art, "a", NOW - dt.timedelta(minutes=1))
    early = _post(store, art, "b", NOW - dt.timedelta(minutes=5))
    _post(store, art, "c", NOW + dt.timedelta(minutes=5))
    first = queue.claim_next(store, worker="w", now=NOW, lease=LEASE)
    second = queue.claim_next(store, worker="w", now=NOW, lease=LEASE)
    assert (first.id, second.id) == (early, late)
    assert first.status == "publishing" and first.claimed_by == "w"
    assert queue.claim_next(store, worker="w", now=NOW, lease=LEASE) is None


def test_one_post_in_flight_per_account(store: Store) -> None:
    a1, a2 = _article(store, 1), _article(store, 2)
    p1 = _post(store, a1, "setkab_x")
    p2 = _post(store, a2, "setkab_x")
    other = _post(store, a1, "setkab_fb")
    claimed = queue.claim_next(store, worker="w1", now=NOW, lease=LEASE)
    assert claimed.id == p1
    # The second post of the same account waits while the first is in flight.
    nxt = queue.claim_next(store, worker="w2", now=NOW, lease=LEASE)
    assert nxt.id == other
    assert queue.claim_next(store, worker="w2", now=NOW, lease=LEASE) is None
    queue.transition(store, p1, PostStatus.PUBLISHING, status=PostStatus.PUBLISHED)
    assert queue.claim_next(store, worker="w2", now=NOW, lease=LEASE).id == p2


def test_concurrent_claimers_never_share_a_post(store: Store) -> None:
    accounts = [f"acc{i}" for i in range(6)]
    ids = set()
    for n in range(5):
        art = _article(store, n)
        for acc in accounts:
            ids.add(_post(store, art, acc))
    claims: list[tuple[str, int]] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while True:
            post = queue.claim_next(store, worker=name, now=NOW, lease=LEASE)
            if post is None:
                # Posts of busy accounts may still be waiting: finish ours first.
                with store.session() as s:
                    from sqlalchemy import func, select

                    from disseminator.store import PostRow

                    left = s.scalar(select(func.count()).select_from(PostRow).where(PostRow.status == "scheduled"))
                if not left:
                    return
                continue
            with lock:
                claims.append((name, post.id))
            assert queue.transition(store, post.id, PostStatus.PUBLISHING, status=PostStatus.PUBLISHED)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    claimed_ids = [pid for _, pid in claims]
    assert sorted(claimed_ids) == sorted(ids)  # every post exactly once
    assert store.count_posts("published") == len(ids)


def test_expired_lease_returns_post_for_reconciliation(store: Store) -> None:
    pid = _post(store, _article(store), "a")
    queue.claim_next(store, worker="dead", now=NOW, lease=LEASE)
    real = dt.datetime.now(dt.timezone.utc)  # leases run on the clock, not on the run's "now"
    assert queue.recover_expired(store, now=real + dt.timedelta(minutes=1)) == []
    assert queue.recover_expired(store, now=real + LEASE + dt.timedelta(seconds=5)) == [pid]
    post = store.post(pid)
    assert post.status == "scheduled" and post.needs_reconcile and post.claimed_by is None


def test_save_remote_id_refuses_a_worker_that_lost_its_claim(store: Store) -> None:
    pid = _post(store, _article(store), "a")
    queue.claim_next(store, worker="w1", now=NOW, lease=LEASE)
    queue.save_remote_id(store, pid, worker="w1", index=0, remote_id="123", remote_url=None)
    assert store.post(pid).remote_ids == ["123"]
    with pytest.raises(RuntimeError):
        queue.save_remote_id(store, pid, worker="w2", index=0, remote_id="456", remote_url=None)


def test_times_round_trip_as_aware_utc(store: Store, tmp_path: Path) -> None:
    jakarta = dt.timezone(dt.timedelta(hours=7))
    pid = _post(store, _article(store), "a", dt.datetime(2026, 12, 1, 9, 0, tzinfo=jakarta))
    got = store.post(pid).scheduled_at
    assert got == dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.timezone.utc) and got.tzinfo is not None
