"""The queue's guarantees on SQLite and PostgreSQL: one claim per post, one post in flight per account."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from channels.base import Draft
from channels.clock import FakeClock
from disseminator import holds, queue
from disseminator.queue.claim import claim_next
from disseminator.queue.fenced import extend_lease, recover_expired, save_part
from disseminator.queue.moves import let_overtake
from disseminator.queue.order import waiting_behind
from disseminator.errors import UserError
from disseminator.states import InvalidTransition
from disseminator.store import HoldKind, PostStatus, Store
from disseminator.store.migrate import upgrade

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.timezone.utc)
LEASE = dt.timedelta(minutes=5)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def store(db_url: str, clock: FakeClock) -> Store:
    s = Store(db_url, clock=clock)
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
    assert queue.transition(store, pid, "cancel")
    assert not queue.transition(store, pid, "cancel")  # already moved: nothing happens
    assert not queue.transition(store, pid, "claim")
    assert store.post(pid).status == "cancelled"
    assert [(e.edge, e.from_status, e.to_status) for e in store.events(pid)] == [
        ("create", None, "scheduled"), ("cancel", "scheduled", "cancelled")]


def test_a_move_that_is_not_an_edge_is_refused(store: Store) -> None:
    pid = _post(store, _article(store), "a")
    with pytest.raises(InvalidTransition):
        queue.transition(store, pid, "publish_at_once")
    with pytest.raises(InvalidTransition):  # status is the edge's, never a value
        queue.transition(store, pid, "cancel", status=PostStatus.PUBLISHED)
    with pytest.raises(InvalidTransition):  # owner-guarded edges need the worker
        queue.transition(store, pid, "published")
    assert store.post(pid).status == "scheduled" and [e.edge for e in store.events(pid)] == ["create"]


def test_the_database_refuses_an_unknown_status(store: Store) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError, StatementError

    pid = _post(store, _article(store), "a")
    with pytest.raises((IntegrityError, StatementError)):
        with store.session() as s:
            s.execute(text("UPDATE posts SET status = 'sent' WHERE id = :id"), {"id": pid})
    assert store.post(pid).status == "scheduled"


def _publish(store: Store, pid: int, worker: str) -> None:
    assert queue.transition(store, pid, "published", worker=worker)


def test_claim_takes_due_posts_in_order_and_skips_future(store: Store) -> None:
    art = _article(store)
    late = _post(store, art, "a", NOW - dt.timedelta(minutes=1))
    early = _post(store, art, "b", NOW - dt.timedelta(minutes=5))
    _post(store, art, "c", NOW + dt.timedelta(minutes=5))
    first = claim_next(store, worker="w", now=NOW, lease=LEASE)
    second = claim_next(store, worker="w", now=NOW, lease=LEASE)
    assert (first.id, second.id) == (early, late)
    assert first.status == "publishing" and first.claimed_by == "w"
    assert claim_next(store, worker="w", now=NOW, lease=LEASE) is None


def test_one_post_in_flight_per_account(store: Store) -> None:
    a1, a2 = _article(store, 1), _article(store, 2)
    p1 = _post(store, a1, "setkab_x")
    p2 = _post(store, a2, "setkab_x")
    other = _post(store, a1, "setkab_fb")
    claimed = claim_next(store, worker="w1", now=NOW, lease=LEASE)
    assert claimed.id == p1
    # The second post of the same account waits while the first is in flight.
    nxt = claim_next(store, worker="w2", now=NOW, lease=LEASE)
    assert nxt.id == other
    assert claim_next(store, worker="w2", now=NOW, lease=LEASE) is None
    _publish(store, p1, "w1")
    assert claim_next(store, worker="w2", now=NOW, lease=LEASE).id == p2


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
            post = claim_next(store, worker=name, now=NOW, lease=LEASE)
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
            _publish(store, post.id, name)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    claimed_ids = [pid for _, pid in claims]
    assert sorted(claimed_ids) == sorted(ids)  # every post exactly once
    assert store.count_posts("published") == len(ids)


def test_expired_lease_returns_post_for_reconciliation(store: Store, clock: FakeClock) -> None:
    pid = _post(store, _article(store), "a")
    claim_next(store, worker="dead", now=NOW, lease=LEASE)
    clock.advance(LEASE - dt.timedelta(seconds=1))
    assert recover_expired(store) == []
    clock.advance(dt.timedelta(seconds=2))
    assert recover_expired(store) == [pid]
    post = store.post(pid)
    assert post.status == "scheduled" and post.needs_reconcile and post.claimed_by is None
    assert store.events(pid)[-1].edge == "recover"


def test_a_worker_past_its_lease_can_neither_renew_record_nor_settle(store: Store, clock: FakeClock) -> None:
    """Fencing: a lease that ran out is lost even before anybody takes the post over."""
    pid = _post(store, _article(store), "a")
    claim_next(store, worker="w1", now=NOW, lease=LEASE)
    assert extend_lease(store, pid, worker="w1", lease=LEASE)
    clock.advance(LEASE + dt.timedelta(seconds=1))  # paused (Ctrl-Z, a suspended VM) past its lease
    assert not extend_lease(store, pid, worker="w1", lease=LEASE)
    with pytest.raises(queue.LostClaim):
        save_part(store, pid, worker="w1", index=0, remote_id="123", remote_url=None)
    assert not queue.transition(store, pid, "published", worker="w1")
    assert store.post(pid).status == "publishing" and store.post(pid).remote_ids == [None]


def test_save_part_refuses_a_worker_that_lost_its_claim(store: Store) -> None:
    pid = _post(store, _article(store), "a")
    claim_next(store, worker="w1", now=NOW, lease=LEASE)
    save_part(store, pid, worker="w1", index=0, remote_id="123", remote_url=None)
    assert store.post(pid).remote_ids == ["123"]
    assert store.parts(pid)[0].state == "published"
    with pytest.raises(queue.LostClaim):
        save_part(store, pid, worker="w2", index=0, remote_id="456", remote_url=None)
    assert store.post(pid).remote_ids == ["123"]


def test_cancel_is_refused_in_the_update_once_a_part_is_out(store: Store) -> None:
    pid = _post(store, _article(store), "a")
    claim_next(store, worker="w1", now=NOW, lease=LEASE)
    save_part(store, pid, worker="w1", index=0, remote_id="123", remote_url=None)
    assert queue.transition(store, pid, "retry", worker="w1", next_attempt_at=NOW)
    assert not queue.transition(store, pid, "cancel")  # the guard is in SQL
    assert queue.transition(store, pid, "force_cancel")


def test_held_accounts_wait_and_lifting_the_hold_frees_them(store: Store, clock: FakeClock) -> None:
    art = _article(store)
    pid = _post(store, art, "a")
    holds.place(store, "a", HoldKind.RATE_LIMIT, until=NOW + dt.timedelta(minutes=10))
    assert claim_next(store, worker="w", now=NOW, lease=LEASE) is None
    clock.advance(dt.timedelta(minutes=10, seconds=1))  # the reset passed: no second step needed
    assert claim_next(store, worker="w", now=NOW, lease=LEASE).id == pid
    other = _post(store, _article(store, 2), "b")
    holds.place(store, "b", HoldKind.PAUSE, reason="berkabung")
    assert claim_next(store, worker="w", now=clock.now(), lease=LEASE) is None
    assert holds.lift(store, "b", HoldKind.PAUSE)
    assert claim_next(store, worker="w", now=clock.now(), lease=LEASE).id == other


def test_same_text_and_remote_id_owner_are_queries(store: Store) -> None:
    a1, a2 = _article(store, 1), _article(store, 2)
    p1 = _post(store, a1, "a")
    assert store.same_text("a", "teks", published_since=NOW).id == p1
    assert store.same_text("b", "teks", published_since=NOW) is None
    assert store.same_text("a", "lain", published_since=NOW) is None
    claim_next(store, worker="w", now=NOW, lease=LEASE)
    save_part(store, p1, worker="w", index=0, remote_id="999", remote_url=None)
    p2 = _post(store, a2, "a")
    assert store.remote_id_owner("a", "999", besides=p2) == p1
    assert store.remote_id_owner("a", "999", besides=p1) is None


def test_times_round_trip_as_aware_utc(store: Store, tmp_path: Path) -> None:
    jakarta = dt.timezone(dt.timedelta(hours=7))
    pid = _post(store, _article(store), "a", dt.datetime(2026, 12, 1, 9, 0, tzinfo=jakarta))
    got = store.post(pid).scheduled_at
    assert got == dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.timezone.utc) and got.tzinfo is not None


def test_a_later_post_does_not_overtake_one_waiting_for_a_retry(store: Store, clock: FakeClock) -> None:
    first = _post(store, _article(store, 1), "a", NOW - dt.timedelta(minutes=10))
    later_one = _post(store, _article(store, 2), "a", NOW - dt.timedelta(minutes=5))
    other = _post(store, _article(store, 3), "b", NOW - dt.timedelta(minutes=1))
    assert claim_next(store, worker="w", now=NOW, lease=LEASE).id == first
    # A transient error: the first post retries in ten minutes.
    assert queue.transition(store, first, "retry", worker="w", next_attempt_at=NOW + dt.timedelta(minutes=10))
    assert claim_next(store, worker="w", now=NOW, lease=LEASE).id == other  # other accounts go on
    assert claim_next(store, worker="w", now=NOW, lease=LEASE) is None  # the later one waits
    # When the retry is due, the first goes first, even though the later one was due sooner.
    clock.advance(dt.timedelta(minutes=11))
    assert claim_next(store, worker="w", now=clock.now(), lease=LEASE).id == first
    _publish(store, first, "w")
    assert claim_next(store, worker="w", now=clock.now(), lease=LEASE).id == later_one


def test_an_officer_may_let_a_post_go_ahead(store: Store) -> None:
    first = _post(store, _article(store, 1), "a", NOW - dt.timedelta(minutes=10))
    urgent = _post(store, _article(store, 2), "a", NOW - dt.timedelta(minutes=5))
    claim_next(store, worker="w", now=NOW, lease=LEASE)
    queue.transition(store, first, "retry", worker="w", next_attempt_at=NOW + dt.timedelta(hours=1))
    assert claim_next(store, worker="w", now=NOW, lease=LEASE) is None
    assert let_overtake(store, urgent).overtake
    assert claim_next(store, worker="w", now=NOW, lease=LEASE).id == urgent
    with pytest.raises(UserError):
        let_overtake(store, urgent)  # publishing now, not scheduled


def test_a_claim_racing_a_retry_of_an_earlier_post_is_undone(pg_url: str) -> None:
    """PostgreSQL: worker 2's claim of B waits (on the one-in-flight index) for worker 1 to
    put A, planned earlier, back in the queue; B must not go first."""
    import time

    from sqlalchemy import update

    from disseminator.store import PostRow

    store = Store(pg_url)
    upgrade(store.engine)
    now = store.clock.now() - dt.timedelta(minutes=1)
    a = _post(store, _article(store, 1), "x", now)
    b = _post(store, _article(store, 2), "x", now + dt.timedelta(seconds=1))
    assert claim_next(store, worker="w1", now=store.clock.now(), lease=LEASE).id == a
    conn = store.engine.connect()
    tx = conn.begin()  # worker 1's retry of A, not yet committed
    conn.execute(update(PostRow).where(PostRow.id == a).values(
        status="scheduled", claimed_by=None, lease_until=None, next_attempt_at=store.clock.now() + dt.timedelta(hours=1)))
    got: dict[str, object] = {}
    racer = threading.Thread(target=lambda: got.setdefault(
        "b", claim_next(store, worker="w2", now=store.clock.now(), lease=LEASE)))
    racer.start()
    time.sleep(0.5)  # worker 2 is now waiting on the index
    tx.commit()
    conn.close()
    racer.join(timeout=30)
    assert got["b"] is None and store.post(b).status == "scheduled"
    store.close()


def test_waiting_behind_names_the_post_that_holds_each_one_back(store: Store) -> None:
    first = _post(store, _article(store, 1), "a", NOW - dt.timedelta(minutes=10))
    second = _post(store, _article(store, 2), "a", NOW - dt.timedelta(minutes=5))
    third = _post(store, _article(store, 3), "a", NOW - dt.timedelta(minutes=1))
    alone = _post(store, _article(store, 4), "b", NOW)
    assert waiting_behind(store, [first, second, third, alone]) == {second: first, third: first}
    let_overtake(store, third)
    assert waiting_behind(store, [second, third]) == {second: first}


def test_look_ups_by_id_take_more_ids_than_one_statement_can(store: Store) -> None:
    """A page of 70,000 posts (PostgreSQL takes 65,535 parameters in one statement)."""
    pid = _post(store, _article(store), "a")
    ids = list(range(1, 70_001))
    assert store.publish_calls(ids) == {}
    assert waiting_behind(store, ids) == {}
    assert pid in ids
