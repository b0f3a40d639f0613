"""Never twice, never lost: leases, exhausted retries, checks that are themselves refused."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from channels.base import AuthError, Draft, RateLimited, Transient
from channels.clock import FakeClock
from disseminator import holds
from disseminator.queue.claim import claim_next
from disseminator.queue.fenced import recover_expired
from disseminator.config import load_settings
from disseminator.sandbox import SandboxOptions, start_sandbox
from disseminator.store import PostStatus, Store
from disseminator.worker import Worker
from tests.contract.conftest import WRITE, Env, later
from tests.contract.test_error_codes import x_channel
from tests.helpers import article_file, run_cli, write_config


def test_slow_publish_keeps_its_claim_so_no_second_worker_posts(tmp_path: Path) -> None:
    """Instagram's container takes longer than the lease: the heartbeat keeps the claim."""
    import shutil

    from tests.helpers import REPO

    server = start_sandbox(SandboxOptions(port=0, media_dir=str(tmp_path / "media"), container_delay=4))
    try:
        (tmp_path / "media").mkdir(exist_ok=True)
        shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp_path / "media" / "f.jpg")
        config = write_config(tmp_path, sandbox_url=server.url, database=f"sqlite:///{tmp_path}/db.sqlite",
                              extra="\n[worker]\nlease_seconds = 2\n")
        text = config.read_text().replace('ig_user_id = "17841400000000001"', 'ig_user_id = "17841400000000001"\npoll_seconds = 0.2')
        config.write_text(text)
        run = lambda *a: run_cli(["--config", str(config), *a])  # noqa: E731
        assert run("init").code == 0
        run("article", "add", str(article_file(tmp_path, image=f"{server.url}/media/f.jpg")))
        assert run("schedule", "1", "--account", "sandbox_ig", "--now").code == 0
        settings = load_settings(config)
        reports = []

        def work(name: str) -> None:
            w = Worker(settings, Store(settings.database), worker_id=name)
            for _ in range(6):  # keep trying while the other one works
                reports.append(w.run_due(now=later(0.1)))
                threading.Event().wait(0.4)

        threads = [threading.Thread(target=work, args=(n,)) for n in ("w1", "w2")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert len([p for p in server.posts() if p["network"] == "instagram"]) == 1
        assert [o.status for r in reports for o in r.outcomes] == ["published"]
    finally:
        server.stop()


def _fenced_worker(env: Env, name: str, clock: FakeClock) -> Worker:
    settings = load_settings(env.config)
    return Worker(settings, Store(settings.database, clock=clock), worker_id=name)


def test_a_worker_whose_claim_was_taken_over_does_not_write(env: Env) -> None:
    pid = env.queue_one("sandbox_x")
    clock = FakeClock(later(1))
    w, other = _fenced_worker(env, "w1", clock), _fenced_worker(env, "other-worker", clock)
    post = claim_next(w.store, worker=w.worker_id, now=clock.now(), lease=w.lease)
    assert post is not None
    # It was paused past its lease; another worker presumed it dead and took the post over.
    clock.advance(w.lease.total_seconds() + 1)
    assert recover_expired(other.store) == [pid]
    assert claim_next(other.store, worker=other.worker_id, now=clock.now(), lease=other.lease).id == pid
    outcome = w.publish(post)
    assert outcome.status == "lost"
    assert env.posts_on("sandbox_x") == []
    row = w.store.post(pid)
    assert row.status == "publishing" and row.claimed_by == "other-worker"  # untouched


def test_a_worker_paused_past_its_lease_writes_nothing_even_if_nobody_took_over(env: Env) -> None:
    """Fencing: a lease that ran out by the store's clock is lost, taken over or not."""
    pid = env.queue_one("sandbox_x")
    clock = FakeClock(later(1))
    w = _fenced_worker(env, "w1", clock)
    post = claim_next(w.store, worker=w.worker_id, now=clock.now(), lease=w.lease)
    clock.advance(w.lease.total_seconds() + 1)
    assert w.publish(post).status == "lost"
    assert env.posts_on("sandbox_x") == []
    # The post is recovered for a look-up on the network, then published once.
    report = w.run_due()
    assert report.recovered == [pid] and [o.status for o in report.outcomes] == ["published"]
    assert len(env.posts_on("sandbox_x")) == 1


@pytest.fixture
def strict(env: Env) -> Env:
    """One failed call is all a post gets."""
    env.config.write_text(env.config.read_text() + "\n[worker]\nmax_attempts = 1\n")
    return env


def test_exhausted_retries_after_a_lost_answer_check_before_failing(strict: Env) -> None:
    pid = strict.queue_one("sandbox_fb")
    strict.sandbox.set_faults({"lose_response": [{**WRITE["sandbox_fb"], "count": 1}]})
    first = strict.worker().run_due()
    assert [(o.status, o.error_kind) for o in first.outcomes] == [("scheduled", "transient")]
    second = strict.worker().run_due(now=later(600))
    assert [o.status for o in second.outcomes] == ["published"]
    assert len(strict.posts_on("sandbox_fb")) == 1
    assert strict.worker().store.post(pid).attempts == 1


def test_exhausted_retries_not_found_fail_without_writing_again(strict: Env) -> None:
    pid = strict.queue_one("sandbox_x")
    strict.sandbox.set_faults({"next": [{**WRITE["sandbox_x"], "status": 503, "count": 1}]})
    assert [o.status for o in strict.worker().run_due().outcomes] == ["scheduled"]
    final = strict.worker().run_due(now=later(600))
    assert [(o.status, o.error_kind) for o in final.outcomes] == [("failed", "transient")]
    assert strict.posts_on("sandbox_x") == []
    store = strict.worker().store
    assert "not found on the network" in store.post(pid).error_message
    assert [a.action for a in store.attempts([pid])] == ["publish", "reconcile"]


def test_a_rate_limited_check_waits_for_the_reset(env: Env) -> None:
    pid = env.queue_one("sandbox_x")
    env.sandbox.set_faults({"lose_response": [{**WRITE["sandbox_x"], "count": 1}]})
    env.worker().run_due()
    env.sandbox.set_faults({"rate_limit": [{"network": "x", "path": "/2/users/*/tweets", "reset_in": 900}]})
    report = env.worker().run_due(now=later(60))
    assert [(o.status, o.error_kind) for o in report.outcomes] == [("scheduled", "rate_limited")]
    row = env.worker().store.post(pid)
    assert row.needs_reconcile and row.attempts == 1 and holds.resting(env.worker().store)["sandbox_x"] >= later(14)
    assert len(env.posts_on("sandbox_x")) == 1


def test_cancel_refuses_a_post_that_may_be_out(env: Env) -> None:
    pid = env.queue_one("sandbox_fb")
    env.sandbox.set_faults({"lose_response": [{**WRITE["sandbox_fb"], "count": 1}]})
    env.worker().run_due()
    result = env.cli("cancel", str(pid))
    assert result.code == 1 and "may already be on the network" in result.err
    assert env.worker().store.post(pid).status == "scheduled"


@pytest.mark.parametrize(
    ("problem", "kind"),
    [("client-forbidden", AuthError), ("oauth1-permissions", AuthError), ("usage-capped", RateLimited)],
)
def test_x_problem_types(sandbox, problem: str, kind: type) -> None:  # type: ignore[no-untyped-def]
    body = {"title": "Forbidden", "detail": "You are not permitted to perform this action.",
            "type": f"https://api.twitter.com/2/problems/{problem}", "status": 403}
    sandbox.set_faults({"next": [{"network": "x", "path": "/2/tweets", "status": 403, "body": body, "count": 1}]})
    with pytest.raises(kind):
        x_channel(sandbox.url).publish_part(Draft(parts=("Uji izin",)), 0)


def test_image_host_down_is_transient_not_a_rejection(sandbox, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import socket

    from channels.base import Article, Context

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/foto.jpg"
    # Images are fetched once, when the post is rendered; publishing never fetches.
    channel = x_channel(sandbox.url)
    channel.context = Context(base_dir=tmp_path, media_dir=tmp_path / "prepared")
    with pytest.raises(Transient, match="try again") as info:
        channel.render(Article(title="Uji gambar", image=dead))
    assert not info.value.may_have_landed and sandbox.posts() == []


def test_a_rate_limit_holds_the_whole_account_without_more_calls(env: Env) -> None:
    first, second = env.queue_one("sandbox_x", 1), env.queue_one("sandbox_x", 2)
    other = env.queue_one("sandbox_fb", 3)
    env.sandbox.set_faults({"rate_limit": [{"network": "x", "path": "/2/tweets", "reset_in": 900}]})
    report = env.worker().run_due()
    outcomes = {o.post_id: (o.status, o.error_kind) for o in report.outcomes}
    # One X post learned of the limit; the other was not tried; Facebook went ahead.
    assert outcomes == {first: ("scheduled", "rate_limited"), other: ("published", None)}
    assert not report.failed
    store = env.worker().store
    assert [a.post_id for a in store.attempts([first, second])] == [first]
    queue_rows = {r["id"]: r for r in env.cli("queue", "--json").json()}
    assert queue_rows[second]["rate_limited_until"] and queue_rows[first]["rate_limited_until"]
    assert "rate limited: next try" in " ".join(env.cli("queue").out.split())
    env.sandbox.set_faults({})
    later_report = env.worker().run_due(now=later(20))
    assert later_report.outcomes == []  # still resting: the reset is in 15 minutes, on the clock


def test_accounts_check_reports_a_broken_template(env: Env) -> None:
    (env.tmp / "x.j2").write_text("{{ title }\n")
    env.config.write_text(env.config.read_text().replace('username = "sandbox_humas"', 'username = "sandbox_humas"\ntemplate = "x.j2"'))
    result = env.cli("accounts", "check", "sandbox_x")
    assert result.code == 1 and "template x.j2, line 1" in result.out


def test_thread_whose_first_part_is_found_after_exhausted_retries_goes_on(strict: Env) -> None:
    strict.config.write_text(strict.config.read_text().replace(
        'username = "sandbox_humas"', 'username = "sandbox_humas"\nthread = true\nthread_max_parts = 8'))
    body = "\n\n".join(f"Paragraf {i}: " + "kata " * 40 for i in range(3))
    path = article_file(strict.tmp, "utas.md", body=body, title="Utas panjang")
    added = strict.cli("article", "add", str(path), "--json").json()[0]["id"]
    pid = strict.cli("schedule", str(added), "--account", "sandbox_x", "--now", "--json").json()[0]["id"]
    strict.sandbox.set_faults({"lose_response": [{**WRITE["sandbox_x"], "count": 1}]})
    strict.worker().run_due()
    assert len(strict.posts_on("sandbox_x")) == 1  # part 1 landed, its answer lost
    report = strict.worker().run_due(now=later(600))
    assert [o.status for o in report.outcomes] == ["published"]
    row = strict.worker().store.post(pid)
    posts = strict.posts_on("sandbox_x")
    assert len(posts) == len(row.parts) >= 3 and row.remote_ids == [p["id"] for p in posts]


def test_a_crashing_channel_counts_tries_and_ends_failed(strict: Env) -> None:
    """A bug (not a network answer) must not retry forever."""
    from disseminator.registry import make_channel

    pid = strict.queue_one("sandbox_fb")

    def broken(account, *, context=None):  # type: ignore[no-untyped-def]
        channel = make_channel(account, context=context)

        def explode(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise RuntimeError("bug in a channel")

        channel.publish_part = explode  # type: ignore[method-assign]
        return channel

    settings = load_settings(strict.config)
    worker = Worker(settings, Store(settings.database), worker_id="w", channel_factory=broken)
    first = worker.run_due()
    assert [(o.status, o.error_kind) for o in first.outcomes] == [("scheduled", "unknown")]
    row = worker.store.post(pid)
    assert row.attempts == 1 and row.needs_reconcile and row.next_attempt_at > row.scheduled_at
    # The next try checks the network (nothing there), and with retries used up, fails.
    final = strict.worker().run_due(now=later(600))
    assert [(o.status, o.error_kind) for o in final.outcomes] == [("failed", "transient")]
    assert strict.posts_on("sandbox_fb") == []


def test_a_passing_check_or_a_success_ends_a_rate_limit_hold(env: Env) -> None:
    env.queue_one("sandbox_x", 1)
    env.sandbox.set_faults({"rate_limit": [{"network": "x", "path": "/2/tweets", "reset_in": 900}]})
    env.worker().run_due()
    store = env.worker().store
    assert "sandbox_x" in holds.resting(store)
    env.sandbox.set_faults({})
    assert env.cli("accounts", "check", "sandbox_x").code == 0
    assert holds.resting(store) == {}
    # The post waited with the hold, not on a time of its own: it goes at the next run.
    assert [o.status for o in env.worker().run_due().outcomes] == ["published"]
    # A second check finds no hold and announces no released post.
    assert "waited" not in env.cli("accounts", "check", "sandbox_x").out


def test_cancel_force_withdraws_a_post_that_may_be_out(env: Env) -> None:
    pid = env.queue_one("sandbox_fb")
    env.sandbox.set_faults({"lose_response": [{**WRITE["sandbox_fb"], "count": 1}]})
    env.worker().run_due()
    result = env.cli("cancel", str(pid), "--force")
    assert result.code == 0 and "may be partly on the network" in result.err
    assert env.worker().store.post(pid).status == "cancelled"
    assert env.worker().run_due(now=later(60)).outcomes == []


def test_an_image_that_cannot_be_fetched_now_refuses_instead_of_dropping(env: Env) -> None:
    """An image host that cannot be reached now (here: nothing listens) is "try again";
    an image that is gone (404, 410) is another matter: tests/contract/test_officer_told.py."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/belum-ada.jpg"
    path = article_file(env.tmp, "hilang.md", image=dead)
    env.cli("article", "add", str(path))
    result = env.cli("schedule", "1", "--account", "sandbox_x", "--now")
    assert result.code == 1 and "download failed" in result.err and "try again" in result.err


def test_same_text_twice_is_refused_at_schedule_and_never_claimed_as_found(env: Env) -> None:
    first = env.queue_one("sandbox_x", 1)
    assert [o.status for o in env.worker().run_due().outcomes] == ["published"]
    again = env.cli("schedule", "1", "--account", "sandbox_x", "--now", "--variant", "b")
    assert again.code == 1 and f"already published for sandbox_x (post {first})" in again.err
    # Even if such a twin got into the queue, a look-up must not take the other's copy.
    from channels.base import Draft as D

    store = env.worker().store
    twin = store.add_post(article_id=1, account="sandbox_x", channel="twitter", variant="c",
                          draft=D(parts=tuple(store.post(first).parts)), scheduled_at=later(-1))
    report = env.worker().run_due()
    assert [(o.status, o.error_kind) for o in report.outcomes] == [("failed", "duplicate")]
    assert store.post(twin.id).remote_ids == [None]
    assert len(env.posts_on("sandbox_x")) == 1


def test_an_officer_pauses_and_resumes_an_account(env: Env) -> None:
    x_post = env.queue_one("sandbox_x", 1)
    fb_post = env.queue_one("sandbox_fb", 2)
    assert env.cli("accounts", "pause", "sandbox_x", "--reason", "hari berkabung").code == 0
    again = env.cli("accounts", "pause", "sandbox_x")  # a second pause keeps the reason given first
    assert again.code == 0 and "already paused (hari berkabung)" in again.out
    run = env.cli("run-due")
    assert run.code == 0  # a decision, not a failure
    assert "account sandbox_x is paused (hari berkabung)" in run.err
    assert env.posts_on("sandbox_x") == [] and len(env.posts_on("sandbox_fb")) == 1
    rows = {r["id"]: r for r in env.cli("queue", "--json").json()}
    assert rows[x_post]["paused"] == "hari berkabung" and fb_post not in rows
    assert "account paused (hari berkabung): waits for 'disseminator accounts resume sandbox_x'" in " ".join(env.cli("queue").out.split())
    assert "paused: hari berkabung" in env.cli("accounts", "list").out
    assert env.cli("accounts", "pause", "nope").code == 2
    assert env.cli("accounts", "resume", "sandbox_x").code == 0
    assert env.cli("run-due").code == 0
    assert len(env.posts_on("sandbox_x")) == 1
