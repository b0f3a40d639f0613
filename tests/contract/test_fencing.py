"""Fencing inside a multi-call publish: a worker that outlived its lease between two calls
(Instagram's container wait, X's image upload) sends nothing more, and the post goes
out exactly once through the worker that takes it over."""

from __future__ import annotations

import datetime as dt
from typing import Any

from channels.clock import FakeClock
from disseminator.config import load_settings
from disseminator.registry import make_channel
from disseminator.store import Store
from disseminator.worker import Worker
from tests.contract.conftest import Env, later


def _worker(env: Env, clock: FakeClock, *, stall: str | None = None, name: str = "fresh") -> Worker:
    """A worker on ``clock`` whose channel, when ``stall`` names one of its methods, lets
    the lease run out inside that step (as a paused process or a suspended VM would)."""
    settings = load_settings(env.config)
    lease = dt.timedelta(seconds=settings.worker.lease_seconds)

    def factory(account: Any, *, context: Any = None) -> Any:
        channel = make_channel(account, context=context)
        if stall:
            step = getattr(channel, stall)

            def stalled(*args: Any, **kwargs: Any) -> Any:
                result = step(*args, **kwargs)
                clock.advance(lease + dt.timedelta(seconds=1))
                return result

            setattr(channel, stall, stalled)
        return channel

    return Worker(settings, Store(settings.database, clock=clock), worker_id="stalled" if stall else name,
                  channel_factory=factory)


def test_instagram_lease_lost_during_the_container_wait_publishes_nothing(env: Env) -> None:
    pid = env.queue_one("sandbox_ig")
    clock = FakeClock(later(1))
    outcome = _worker(env, clock, stall="_wait").publish(_claim(env, clock))
    assert outcome.status == "lost"
    assert env.posts_on("sandbox_ig") == []
    store = Store(load_settings(env.config).database)
    assert [(a.action, a.outcome) for a in store.attempts([pid])] == [("publish", "lost_claim")]
    assert store.post(pid).attempts == 0  # nothing was sent, nothing counted
    # The next worker recovers it, looks it up (not there) and publishes it once.
    report = _worker(env, clock).run_due()
    assert report.recovered == [pid] and [o.status for o in report.outcomes] == ["published"]
    assert len(env.posts_on("sandbox_ig")) == 1


def test_x_lease_lost_during_the_image_upload_publishes_nothing(env: Env) -> None:
    pid = env.queue_one("sandbox_x")
    clock = FakeClock(later(1))
    import channels.x_media as x_media

    original = x_media.upload_images

    def slow_upload(*args: Any, **kwargs: Any) -> Any:
        ids = original(*args, **kwargs)
        clock.advance(dt.timedelta(hours=1))
        return ids

    x_media.upload_images = slow_upload  # type: ignore[assignment]
    try:
        outcome = _worker(env, clock, name="stalled").publish(_claim(env, clock))
    finally:
        x_media.upload_images = original  # type: ignore[assignment]
    assert outcome.status == "lost" and env.posts_on("sandbox_x") == []
    store = Store(load_settings(env.config).database)
    assert [(a.action, a.outcome) for a in store.attempts([pid])] == [("publish", "lost_claim")]
    report = _worker(env, clock).run_due()
    assert [o.status for o in report.outcomes] == ["published"] and len(env.posts_on("sandbox_x")) == 1
    assert Store(load_settings(env.config).database).post(pid).status == "published"


def _claim(env: Env, clock: FakeClock) -> Any:
    from disseminator.queue.claim import claim_next

    settings = load_settings(env.config)
    store = Store(settings.database, clock=clock)
    post = claim_next(store, worker="stalled", now=clock.now(),
                            lease=dt.timedelta(seconds=settings.worker.lease_seconds))
    assert post is not None
    return post


def test_a_crash_outside_any_call_counts_as_a_try_and_is_looked_up_next(env: Env) -> None:
    pid = env.queue_one("sandbox_fb")
    settings = load_settings(env.config)

    def broken(account: Any, *, context: Any = None) -> Any:
        raise RuntimeError("bug while building the channel")

    worker = Worker(settings, Store(settings.database), worker_id="w", channel_factory=broken)
    [outcome] = worker.run_due().outcomes
    assert (outcome.status, outcome.error_kind) == ("scheduled", "unknown")
    store = worker.store
    row = store.post(pid)
    assert row.attempts == 1 and row.needs_reconcile and row.next_attempt_at > row.scheduled_at
    assert [(a.action, a.outcome, a.error_message) for a in store.attempts([pid])] == [
        ("crash", "unknown", "interrupted: RuntimeError")]
    assert [e.edge for e in store.events(pid)] == ["create", "claim", "retry"]
    assert env.posts_on("sandbox_fb") == []


def test_a_post_left_by_a_dead_worker_goes_in_the_same_run(env: Env) -> None:
    from sqlalchemy import update

    from disseminator.queue.claim import claim_next
    from disseminator.store import PostRow

    pid = env.queue_one("sandbox_fb")
    worker = env.worker()  # the machine's clock, as in production on SQLite
    assert claim_next(worker.store, worker="dead", now=worker.clock.now(), lease=worker.lease) is not None
    with worker.store.session() as s:  # its lease ran out a moment ago
        s.execute(update(PostRow).where(PostRow.id == pid).values(lease_until=worker.clock.now() - dt.timedelta(seconds=1)))
    report = worker.run_due()
    assert report.recovered == [pid] and [o.status for o in report.outcomes] == ["published"]


def test_an_x_post_queued_before_images_were_prepared_at_render_still_gets_its_image(env: Env) -> None:
    """Posts queued by the previous version carry only the image's URL: the upgrade must
    not fail them; their image is prepared once, at publish, as that version did."""
    from sqlalchemy import update

    from disseminator.store import PostRow

    pid = env.queue_one("sandbox_x")
    worker = env.worker()
    legacy = [{"url": m["url"], "alt": m.get("alt")} for m in worker.store.post(pid).media]
    with worker.store.session() as s:
        s.execute(update(PostRow).where(PostRow.id == pid).values(media=legacy))
    assert [o.status for o in worker.run_due().outcomes] == ["published"]
    [post] = env.posts_on("sandbox_x")
    [media_id] = post["media"]
    assert env.sandbox.app.state.data["media"][media_id]["alt_text"] == "Foto kegiatan"  # type: ignore[attr-defined]


def test_ctrl_c_reaches_the_caller_even_when_the_claim_is_already_gone(env: Env) -> None:
    import pytest

    env.queue_one("sandbox_fb")
    settings = load_settings(env.config)
    clock = FakeClock(later(1))

    def interrupted(account: Any, *, context: Any = None) -> Any:
        channel = make_channel(account, context=context)

        def publish_part(*args: Any, **kwargs: Any) -> Any:
            clock.advance(dt.timedelta(hours=1))  # the lease ran out meanwhile ...
            raise KeyboardInterrupt  # ... and then the operator pressed Ctrl-C

        channel.publish_part = publish_part
        return channel

    worker = Worker(settings, Store(settings.database, clock=clock), worker_id="w", channel_factory=interrupted)
    with pytest.raises(KeyboardInterrupt):
        worker.run_due()
    assert env.posts_on("sandbox_fb") == []
