"""The claim's one hold clause on SQLite and PostgreSQL (issue 12 point 3): an urgent post
passes a pause that allows urgent posts and nothing else; an embargoed article's posts wait
for the embargo; the missed sweep counts lateness from the embargo's end; the daemon's
wake-up time includes an embargo's end."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest

from channels.base import Article, Draft
from channels.clock import FakeClock
from disseminator import holds, missed, queue
from disseminator.queue.claim import claim_next
from disseminator.articles import content_hash
from disseminator.store import HoldKind, Store
from disseminator.store.migrate import upgrade

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.timezone.utc)
LEASE = dt.timedelta(minutes=5)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def store(db_url: str, clock: FakeClock) -> Iterator[Store]:
    s = Store(db_url, clock=clock)
    upgrade(s.engine)
    yield s
    s.close()


def _article(store: Store, n: int, embargo: dt.datetime | None = None) -> int:
    art = Article(title=f"Judul {n}", url=f"https://a.go.id/{n}", embargo=embargo)
    return store.add_article(art, source=None, content_hash=content_hash(art)).id


def _post(store: Store, article: int, account: str, *, urgent: bool = False, when: dt.datetime = NOW) -> int:
    return store.add_post(article_id=article, account=account, channel="twitter", variant="default",
                          draft=Draft(parts=(f"teks {article}",)), scheduled_at=when, urgent=urgent).id


def _claimed(store: Store, worker: str = "w") -> list[int]:
    """Every post claimable now, claimed (one per account at a time, so each is settled)."""
    ids = []
    while (row := claim_next(store, worker=worker, now=store.clock.now(), lease=LEASE)) is not None:
        ids.append(row.id)
        assert queue.transition(store, row.id, "published", worker=worker, published_at=store.clock.now())
    return ids


def test_an_urgent_post_passes_only_a_pause_that_allows_it(store: Store) -> None:
    plain = _post(store, _article(store, 1), "a")
    urgent = _post(store, _article(store, 2), "a", urgent=True)
    holds.place(store, holds.ALL, HoldKind.PAUSE, reason="berkabung")
    assert _claimed(store) == []
    holds.place(store, holds.ALL, HoldKind.PAUSE, reason="berkabung", allow_urgent=True)
    # It goes before the earlier post of its account (which the pause still holds).
    assert _claimed(store) == [urgent]
    assert store.post(plain).status == "scheduled"
    holds.lift(store, holds.ALL, HoldKind.PAUSE)
    assert _claimed(store) == [plain]


@pytest.mark.parametrize("kind", [HoldKind.RATE_LIMIT, HoldKind.ATTENTION, HoldKind.BUDGET, HoldKind.BLACKOUT])
def test_an_urgent_post_never_passes_another_hold(store: Store, kind: HoldKind) -> None:
    urgent = _post(store, _article(store, 1), "a", urgent=True)
    holds.place(store, holds.ALL, HoldKind.PAUSE, allow_urgent=True)
    holds.place(store, "a", kind, reason="x", until=NOW + HOUR, allow_urgent=True)  # only a pause can allow
    assert _claimed(store) == []
    holds.lift(store, "a", kind)
    assert _claimed(store) == [urgent]


def test_an_account_pause_without_allow_urgent_holds_it_under_an_allowing_pause_of_all(store: Store) -> None:
    urgent = _post(store, _article(store, 1), "a", urgent=True)
    holds.place(store, holds.ALL, HoldKind.PAUSE, allow_urgent=True)
    holds.place(store, "a", HoldKind.PAUSE, reason="template salah")
    assert _claimed(store) == []
    holds.lift(store, "a", HoldKind.PAUSE)
    assert _claimed(store) == [urgent]


def test_an_embargo_holds_posts_until_its_end_and_is_never_a_reason_to_miss(store: Store, clock: FakeClock) -> None:
    end = NOW + 3 * HOUR
    post = _post(store, _article(store, 1, embargo=end), "a")
    other = _post(store, _article(store, 2), "b")
    assert _claimed(store) == [other]
    assert store.next_wake(clock.now()) == end
    clock.advance(3 * HOUR - dt.timedelta(seconds=1))
    assert missed.sweep(store, grace=HOUR) == [] and _claimed(store) == []
    clock.advance(dt.timedelta(seconds=1))
    # Three hours after its time, past the grace: it waited for the embargo, so it goes.
    assert missed.sweep(store, grace=HOUR) == [] and _claimed(store) == [post]


def test_past_the_grace_after_an_embargo_it_is_missed(store: Store, clock: FakeClock) -> None:
    post = _post(store, _article(store, 1, embargo=NOW + HOUR), "a")
    clock.advance(2 * HOUR + dt.timedelta(minutes=1))  # the daemon was down an hour past the embargo
    assert missed.sweep(store, grace=HOUR) == [post]


def test_a_revision_moving_the_embargo_applies_to_queued_posts(store: Store, clock: FakeClock) -> None:
    art = Article(title="Judul", url="https://a.go.id/x", embargo=NOW + 5 * HOUR)
    aid = store.add_article(art, source=None, content_hash=content_hash(art)).id
    post = _post(store, aid, "a")
    clock.advance(HOUR)
    assert _claimed(store) == []
    earlier = dataclasses.replace(art, embargo=NOW + HOUR)
    assert store.add_article(earlier, source=None, content_hash=content_hash(earlier)).revised_from == 1
    assert _claimed(store) == [post]
