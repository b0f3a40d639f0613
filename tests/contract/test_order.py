"""An account's posts go out in their planned order; an officer can let one go ahead."""

from __future__ import annotations

from tests.contract.conftest import WRITE, Env


def test_a_retry_holds_back_later_posts_until_an_officer_lets_one_go_ahead(env: Env) -> None:
    first = env.queue_one("sandbox_fb", 1)
    second = env.queue_one("sandbox_fb", 2)
    # Facebook fails the first write with a 503 (the post will be retried), and the
    # second post of the account must not slip out before it.
    env.sandbox.set_faults({"next": [{**WRITE["sandbox_fb"], "status": 503, "graph_code": 2, "count": 1}]})  # type: ignore[attr-defined]
    run = env.cli("run-due", "--json")
    assert [(r["id"], r["status"]) for r in run.json()] == [(first, "scheduled")]
    assert env.posts_on("sandbox_fb") == []
    assert env.cli("run-due", "--json").json() == []  # the second still waits behind the first
    # And the officer is told, not "Nothing due.".
    told = env.cli("run-due")
    assert f"1 post of sandbox_fb waits behind post {first}" in " ".join(told.out.split()), told.out
    queued = {r["id"]: r for r in env.cli("queue", "--json").json()}
    assert queued[second]["waiting_behind"] == first
    assert f"waits behind post {first}" in " ".join(env.cli("queue").out.split())

    ahead = env.cli("post", "ahead", str(second))
    assert ahead.code == 0 and "no longer waits" in ahead.out
    assert [(r["id"], r["status"]) for r in env.cli("run-due", "--json").json()] == [(second, "published")]
    shown = env.cli("post", "show", str(second), "--json").json()
    assert [e["move"] for e in shown["events"]] == ["create", "ahead", "claim", "published"]
    assert "published" in env.cli("post", "show", str(second)).out

    refused = env.cli("post", "ahead", str(second))
    assert refused.code == 1 and "only a scheduled post can be let ahead" in refused.err


def test_a_post_that_cannot_be_looked_up_keeps_asking_and_holds_nothing_back(strict_env: Env) -> None:
    """A write whose answer was lost, then a network whose read side is down: the post is
    neither written blind nor failed (it may be out), and the account's later posts go."""
    import datetime as dt

    from channels.clock import FakeClock
    from disseminator.config import load_settings
    from disseminator.store import Store
    from disseminator.worker import Worker
    from tests.contract.conftest import later

    env = strict_env
    # The clock jumps hours between runs here: not a daemon that was down (worker.grace).
    env.config.write_text(env.config.read_text() + "grace = 604800\n")
    first = env.queue_one("sandbox_x", 1)
    second = env.queue_one("sandbox_x", 2)
    env.sandbox.set_faults({"lose_response": [{**WRITE["sandbox_x"], "count": 1}]})  # type: ignore[attr-defined]
    settings = load_settings(env.config)
    clock = FakeClock(later(1))
    worker = Worker(settings, Store(settings.database, clock=clock), worker_id="w")
    worker.run_due()
    env.sandbox.set_faults({"next": [{"network": "x", "path": "/2/users/*/tweets", "status": 503, "count": 50}]})  # type: ignore[attr-defined]
    statuses = []
    for _ in range(4):
        clock.advance(dt.timedelta(hours=2))
        statuses.append([(o.post_id, o.status) for o in worker.run_due().outcomes])
    assert (second, "published") in statuses[0], statuses  # not held behind a post in doubt
    assert all((first, "scheduled") in run for run in statuses), statuses  # asked again, never failed
    row = worker.store.post(first)
    assert row.needs_reconcile and row.status == "scheduled"
    assert len(env.posts_on("sandbox_x")) == 2  # the first (landed, answer lost) and the second: nothing twice


def test_a_rate_limited_account_is_said_once_not_also_as_waiting_behind(env: Env) -> None:
    env.queue_one("sandbox_fb", 1)
    env.queue_one("sandbox_fb", 2)
    env.sandbox.set_faults({"rate_limit": [{**WRITE["sandbox_fb"], "graph_code": 80001, "reset_in": 600}]})  # type: ignore[attr-defined]
    env.cli("run-due")
    told = " ".join(env.cli("run-due").out.split())
    assert "2 posts of sandbox_fb wait: rate limited" in told and "behind" not in told, told
