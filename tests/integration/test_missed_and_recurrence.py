"""Missed posts, the pause of every account, blackout holds and recurrence, on SQLite and
PostgreSQL, with a frozen clock."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, update

from channels.base import Article, Draft
from channels.clock import FakeClock
from disseminator import holds, missed, queue, recurrence
from disseminator.queue.claim import claim_next
from disseminator.articles import content_hash
from disseminator.store import HoldKind, PostRow, PostStatus, Store
from disseminator.store.migrate import upgrade

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.timezone.utc)
GRACE = dt.timedelta(hours=1)
LEASE = dt.timedelta(minutes=5)
AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def store(db_url: str, clock: FakeClock) -> Iterator[Store]:
    s = Store(db_url, clock=clock)
    upgrade(s.engine)
    yield s
    s.close()


def post(store: Store, account: str, when: dt.datetime = NOW, n: int = 1, *, every: str | None = None) -> int:
    art = Article(title=f"Judul {n}", url=f"https://a.go.id/{n}")
    article = store.add_article(art, source=None, content_hash=content_hash(art))[0]
    return store.add_post(article_id=article, account=account, channel="facebook", variant="default",
                          draft=Draft(parts=(f"teks {n}",)), scheduled_at=when, recurrence=every).id


def status(store: Store, pid: int) -> str:
    return str(store.post(pid).status)


def test_only_posts_overdue_past_grace_and_not_on_the_network_are_missed(store: Store, clock: FakeClock) -> None:
    late, doubt, part_out = (post(store, f"acc{i}", NOW, i) for i in range(3))
    fresh = post(store, "acc3", NOW + dt.timedelta(minutes=30), 3)
    with store.session() as s:
        s.execute(update(PostRow).where(PostRow.id == doubt).values(needs_reconcile=True))
    from disseminator.store import PartRow

    with store.session() as s:
        s.execute(update(PartRow).where(PartRow.post_id == part_out).values(remote_id="123"))
    clock.advance(dt.timedelta(minutes=59))
    assert missed.sweep(store, grace=GRACE) == []
    clock.advance(dt.timedelta(minutes=2))
    assert missed.sweep(store, grace=GRACE) == [late]
    assert [status(store, p) for p in (late, fresh, doubt, part_out)] == ["missed", "scheduled", "scheduled", "scheduled"]
    assert [e.edge for e in store.events(late)] == ["create", "miss"]
    # A missed post is never claimed; released, it goes.
    assert claim_next(store, worker="w", now=clock.now(), lease=LEASE, skip_ids={fresh, doubt, part_out}) is None
    missed.release(store, late)
    assert claim_next(store, worker="w", now=clock.now(), lease=LEASE, skip_ids={fresh, doubt, part_out}).id == late  # type: ignore[union-attr]


def test_the_sweep_goes_in_batches(store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(missed, "BATCH", 3)
    ids = [post(store, f"acc{i}", NOW, i) for i in range(7)]
    clock.advance(dt.timedelta(hours=2))
    assert sorted(missed.sweep(store, grace=GRACE)) == ids
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(PostRow).where(PostRow.status == PostStatus.MISSED)) == 7


def test_held_posts_wait_and_planned_waits_count_from_their_end(store: Store, clock: FakeClock) -> None:
    paused, limited, blacked = post(store, "p", NOW, 1), post(store, "r", NOW, 2), post(store, "b", NOW, 3)
    holds.place(store, "p", HoldKind.PAUSE, reason="berkabung")
    holds.place(store, "r", HoldKind.RATE_LIMIT, until=NOW + dt.timedelta(hours=3))
    holds.place(store, "b", HoldKind.BLACKOUT, reason="pemilu", until=NOW + dt.timedelta(hours=3))
    clock.advance(dt.timedelta(hours=2))
    assert missed.sweep(store, grace=GRACE) == []  # all held
    clock.advance(dt.timedelta(hours=1, minutes=30))  # the rate limit and the window ended 30 min ago
    assert missed.sweep(store, grace=GRACE) == []
    holds.lift(store, "p", HoldKind.PAUSE)  # resume: the paused post is 3.5 h late
    assert missed.sweep(store, grace=GRACE) == [paused]
    clock.advance(dt.timedelta(hours=1))  # nobody ran for an hour and a half after the windows
    assert sorted(missed.sweep(store, grace=GRACE)) == sorted([limited, blacked])


def test_a_post_waiting_behind_an_earlier_one_is_judged_from_that_one_s_turn(store: Store, clock: FakeClock) -> None:
    first = post(store, "a", NOW, 1)
    second = post(store, "a", NOW + dt.timedelta(minutes=1), 2)
    claimed = claim_next(store, worker="w", now=clock.now(), lease=LEASE)
    assert claimed is not None and claimed.id == first
    queue.transition(store, first, "retry", worker="w", next_attempt_at=NOW + dt.timedelta(hours=3),
                     error_kind="transient", error_message="503")
    clock.advance(dt.timedelta(hours=2))
    assert missed.sweep(store, grace=GRACE) == []  # the first waits for its retry, the second behind it
    clock.advance(dt.timedelta(hours=1, minutes=1))
    claimed = claim_next(store, worker="w", now=clock.now(), lease=LEASE)
    assert claimed is not None and claimed.id == first
    assert missed.sweep(store, grace=GRACE) == []  # the first is being published
    queue.transition(store, first, "published", worker="w", published_at=clock.now())
    assert missed.sweep(store, grace=GRACE) == []  # its turn came a moment ago
    assert claim_next(store, worker="w", now=clock.now(), lease=LEASE).id == second  # type: ignore[union-attr]


def test_pause_of_every_account_is_one_row_the_claim_respects(store: Store, clock: FakeClock) -> None:
    a, b = post(store, "a", NOW, 1), post(store, "b", NOW, 2)
    holds.place(store, holds.ALL, HoldKind.PAUSE, reason="bencana", until=NOW + dt.timedelta(minutes=30))
    assert claim_next(store, worker="w", now=clock.now(), lease=LEASE) is None
    assert holds.waiting(store, HoldKind.PAUSE, due_by=clock.now()) == {"a": (1, "bencana"), "b": (1, "bencana")}
    assert store.next_wake(clock.now()) == NOW + dt.timedelta(minutes=30)  # the daemon wakes at its end
    clock.advance(dt.timedelta(minutes=31))
    assert {claim_next(store, worker=w, now=clock.now(), lease=LEASE).id for w in ("w1", "w2")} == {a, b}  # type: ignore[union-attr]


def test_next_occurrence_is_queued_once_in_the_settling_transaction(store: Store, clock: FakeClock) -> None:
    first = post(store, "a", NOW, 1, every="0 9 * * *")
    claimed = claim_next(store, worker="w", now=clock.now(), lease=LEASE)
    assert claimed is not None
    follow = recurrence.next_of(claimed, now=clock.now, zone_for=lambda a: AMS)
    assert queue.transition(store, first, "published", worker="w", published_at=NOW, also=follow)
    # The same move again (a second worker, a retried settle) moves nothing and queues nothing.
    assert not queue.transition(store, first, "published", worker="w", published_at=NOW, also=follow)
    with store.session() as s:
        followers = list(s.scalars(select(PostRow).where(PostRow.recurrence_of == first)))
        assert len(followers) == 1
        assert recurrence.follow(s, s.get(PostRow, first), now=NOW, zone=AMS) is None  # type: ignore[arg-type]
    nxt = followers[0]
    assert nxt.scheduled_at == dt.datetime(2026, 11, 29, 8, 0, tzinfo=dt.timezone.utc)  # 09:00 in Amsterdam (+01:00)
    assert nxt.recurrence == "0 9 * * *" and nxt.parts == ["teks 1"] and nxt.variant == "default@2026-11-29T09:00"
    assert [e.edge for e in store.events(nxt.id)] == ["create"]


def test_a_recurrence_crossing_daylight_saving_keeps_the_wall_clock(store: Store) -> None:
    spring = dt.datetime(2026, 3, 28, 8, 0, tzinfo=dt.timezone.utc)  # Saturday 09:00 +01:00
    first = post(store, "a", spring, 1, every="0 9 * * *")
    with store.session() as s:
        nid = recurrence.follow(s, s.get(PostRow, first), now=spring, zone=AMS)  # type: ignore[arg-type]
    assert nid is not None
    assert store.post(nid).scheduled_at == dt.datetime(2026, 3, 29, 7, 0, tzinfo=dt.timezone.utc)  # 09:00 +02:00
