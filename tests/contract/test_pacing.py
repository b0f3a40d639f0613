"""Paced, not punished: budgets from the configuration and what the network last said make
an account wait (a hold with its reason and end, shown by ``queue`` and ``status``); a post
is never failed or counted for it, and no write is sent that the network would refuse.

Budgets are judged on the worker's clock (a FakeClock here); the network's limits are the
sandbox's, which runs on the machine's clock, so those tests use the machine's clock too.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from channels.clock import FakeClock
from disseminator import holds
from disseminator.config import load_settings
from disseminator.store import HoldKind, Store
from disseminator.worker import Worker
from tests.contract.conftest import WRITE, Env, later
from tests.helpers import write_config


def _env(tmp_path: Path, sandbox: Any, accounts: dict[str, str], *, timezone: str = "", database: str = "") -> Env:
    """An environment whose accounts get the extra lines ``accounts[name]`` (SQLite unless
    ``database`` names another)."""
    config = write_config(tmp_path, sandbox_url=sandbox.url, database=database or f"sqlite:///{tmp_path / 'test.db'}")
    text = config.read_text()
    for name, lines in accounts.items():
        text = text.replace(f"[accounts.{name}]\n", f"[accounts.{name}]\n{lines}\n")
    if timezone:
        text = text.replace('timezone = "Asia/Jakarta"', f'timezone = "{timezone}"')
    config.write_text(text)
    env = Env(config, sandbox, tmp_path)
    assert env.cli("init").code == 0
    return env


@pytest.fixture
def sandbox_with(tmp_path: Path) -> Iterator[Any]:
    """Starts a sandbox with the options given (stopped after the test)."""
    from disseminator.sandbox import SandboxOptions, start_sandbox

    media = tmp_path / "media"
    media.mkdir(exist_ok=True)
    started: list[Any] = []

    def start(**options: Any) -> Any:
        started.append(start_sandbox(SandboxOptions(port=0, media_dir=str(media), **options)))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def _worker(env: Env, clock: Any = None) -> Worker:
    settings = load_settings(env.config)
    store = Store(settings.database, clock=clock) if clock is not None else Store(settings.database)
    return Worker(settings, store, worker_id="w")


def _hold(worker: Worker, account: str, kind: HoldKind) -> holds.Hold:
    found = holds.of_kind(holds.active(worker.store), kind)
    assert account in found, holds.active(worker.store)
    return found[account]


def _refusals(worker: Worker, status: int) -> int:
    """Calls the network answered with ``status``, over every post."""
    with worker.store.session() as s:
        from sqlalchemy import func, select

        from disseminator.store import AttemptRow

        return int(s.scalar(select(func.count()).select_from(AttemptRow).where(AttemptRow.http_status == status)) or 0)


def _queued(env: Env) -> dict[int, dict[str, Any]]:
    return {r["id"]: r for r in env.cli("queue", "--json").json()}


# ------------------------------------------------------------------ configured budgets


def test_max_per_hour_holds_the_account_until_the_oldest_post_leaves_the_hour(tmp_path: Path, sandbox: Any) -> None:
    env = _env(tmp_path, sandbox, {"sandbox_fb": "max_per_hour = 2"})
    posts = [env.queue_one("sandbox_fb", n) for n in (1, 2, 3)]
    clock = FakeClock(later(1))
    start = clock.now()
    worker = _worker(env, clock)
    report = worker.run_due()
    assert sorted(o.status for o in report.outcomes) == ["published", "published"]
    hold = _hold(worker, "sandbox_fb", HoldKind.BUDGET)  # placed after the second: no claim wasted
    assert hold.until == start + dt.timedelta(hours=1) and hold.reason == "at most 2 an hour"
    waiting = _queued(env)[posts[2]]
    assert waiting["budget_reason"] == "at most 2 an hour" and waiting["attempts"] == 0
    assert dt.datetime.fromisoformat(waiting["budget_until"]) == hold.until.replace(microsecond=0)
    text = env.cli("queue").out
    assert "posting budget: at most 2 an hour; next at" in " ".join(text.split())
    said = " ".join(env.cli("run-due").out.split())
    assert "1 post of sandbox_fb waits: posting budget: at most 2 an hour; next at" in said
    clock.advance(dt.timedelta(minutes=59))
    assert worker.run_due().outcomes == []
    clock.advance(dt.timedelta(minutes=1, seconds=1))
    assert [(o.post_id, o.status) for o in worker.run_due().outcomes] == [(posts[2], "published")]
    assert len(env.posts_on("sandbox_fb")) == 3


@pytest.mark.postgres
def test_budgets_count_on_postgresql(tmp_path: Path, sandbox: Any, pg_url: str) -> None:
    env = _env(tmp_path, sandbox, {"sandbox_x": "max_per_hour = 1\n" + PRICES + "\nmonthly_budget = 0.5"}, database=pg_url)
    first, second = env.queue_one("sandbox_x", 1), env.queue_one("sandbox_x", 2)
    clock = FakeClock(later(1))
    worker = _worker(env, clock)
    assert [(o.post_id, o.status) for o in worker.run_due().outcomes] == [(first, "published")]
    assert _hold(worker, "sandbox_x", HoldKind.BUDGET).until == clock.now() + dt.timedelta(hours=1)
    assert _queued(env)[second]["budget_reason"] == "at most 1 an hour"
    clock.advance(dt.timedelta(hours=1, seconds=1))
    assert [(o.post_id, o.status) for o in worker.run_due().outcomes] == [(second, "published")]


def test_min_interval_and_max_per_day(tmp_path: Path, sandbox: Any) -> None:
    env = _env(tmp_path, sandbox, {"sandbox_fb": 'min_interval = "1m30s"', "sandbox_x": "max_per_day = 1"})
    fb = [env.queue_one("sandbox_fb", n) for n in (1, 2)]
    x = [env.queue_one("sandbox_x", n) for n in (3, 4)]
    clock = FakeClock(later(1))
    start = clock.now()
    worker = _worker(env, clock)
    done = {o.post_id: o.status for o in worker.run_due().outcomes}
    assert done == {fb[0]: "published", x[0]: "published"}
    assert _hold(worker, "sandbox_fb", HoldKind.BUDGET).until == start + dt.timedelta(seconds=90)
    assert _hold(worker, "sandbox_x", HoldKind.BUDGET).until == start + dt.timedelta(days=1)
    assert _queued(env)[fb[1]]["budget_reason"] == "at least 90 seconds between posts"
    clock.advance(60)
    assert worker.run_due().outcomes == []
    clock.advance(31)
    assert [o.post_id for o in worker.run_due().outcomes] == [fb[1]]
    clock.advance(dt.timedelta(days=1))
    assert [o.post_id for o in worker.run_due().outcomes] == [x[1]]
    row = worker.store.post(x[1])
    assert row.status == "published" and row.attempts == 1  # the wait was never a counted try


def test_a_budget_checked_at_the_claim_puts_the_post_back_uncounted(tmp_path: Path, sandbox: Any) -> None:
    """Budgets lowered after a post went out (no hold yet): the next post is claimed,
    checked, and goes back with the reason, no call made."""
    env = _env(tmp_path, sandbox, {})
    first, second = env.queue_one("sandbox_fb", 1), env.queue_one("sandbox_fb", 2)
    clock = FakeClock(later(1))
    worker = _worker(env, clock)
    worker.store.post(first)
    from disseminator.queue.claim import claim_next

    post = claim_next(worker.store, worker="w", now=clock.now(), lease=worker.lease)
    assert post is not None and post.id == first
    worker.publish(post)
    env.config.write_text(env.config.read_text().replace("[accounts.sandbox_fb]\n", "[accounts.sandbox_fb]\nmax_per_hour = 1\n"))
    worker = _worker(env, clock)
    report = worker.run_due()
    assert [(o.post_id, o.status, o.error_kind) for o in report.outcomes] == [(second, "scheduled", "budget")]
    assert worker.store.post(second).attempts == 0 and worker.store.attempts([second]) == []
    assert _hold(worker, "sandbox_fb", HoldKind.BUDGET).reason == "at most 1 an hour"


# ------------------------------------------------------------------ what the network said


def test_x_remaining_zero_holds_until_the_reset_and_no_429_is_received(tmp_path: Path, sandbox_with: Any) -> None:
    env = _env(tmp_path, sandbox_with(x_post_limit=(2, 3)), {})
    posts = [env.queue_one("sandbox_x", n) for n in (1, 2, 3)]
    worker = _worker(env)  # the sandbox's window runs on the machine's clock
    report = worker.run_due()
    # (A publisher that claimed the third the moment the second landed puts it back unsent.)
    assert {o.post_id: o.status for o in report.outcomes if o.status == "published"} == {
        posts[0]: "published", posts[1]: "published"}
    hold = _hold(worker, "sandbox_x", HoldKind.RATE_LIMIT)
    assert hold.reason == "X's posting limit (2 posts) is used up" and hold.until is not None
    row = _queued(env)[posts[2]]
    assert row["rate_limit_reason"] == hold.reason and row["attempts"] == 0
    assert worker.run_due().outcomes == []  # held: not even claimed
    time.sleep(max(0.0, (hold.until - dt.datetime.now(dt.timezone.utc)).total_seconds()) + 0.1)
    assert [(o.post_id, o.status) for o in worker.run_due().outcomes] == [(posts[2], "published")]
    assert _refusals(worker, 429) == 0
    assert len(env.posts_on("sandbox_x")) == 3


def test_graph_usage_header_holds_the_page(tmp_path: Path, sandbox_with: Any) -> None:
    env = _env(tmp_path, sandbox_with(graph_hourly_budget=1), {})
    first, second = env.queue_one("sandbox_fb", 1), env.queue_one("sandbox_fb", 2)
    worker = _worker(env)
    # (A publisher that claimed the second the moment the first landed puts it back unsent.)
    assert {o.post_id: o.status for o in worker.run_due().outcomes}.get(first) == "published"
    hold = _hold(worker, "sandbox_fb", HoldKind.RATE_LIMIT)
    assert hold.reason == "Meta asks to wait before more calls"
    assert hold.until is not None and hold.until > dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=50)
    assert _queued(env)[second]["status"] == "scheduled" and _refusals(worker, 400) == 0
    assert [a.action for a in worker.store.attempts([second]) if a.action == "publish"] == []


def test_instagram_quota_used_up_holds_until_the_24_hours_free(tmp_path: Path, sandbox_with: Any) -> None:
    env = _env(tmp_path, sandbox_with(ig_quota=1), {})
    first, second = env.queue_one("sandbox_ig", 1), env.queue_one("sandbox_ig", 2)
    worker = _worker(env)
    # (A publisher that claimed the second the moment the first landed puts it back unsent.)
    assert {o.post_id: o.status for o in worker.run_due().outcomes}.get(first) == "published"
    assert worker.store.post(second).status == "scheduled"
    hold = _hold(worker, "sandbox_ig", HoldKind.RATE_LIMIT)
    out = worker.store.post(first).published_at
    assert out is not None and hold.until == out + dt.timedelta(hours=24)
    assert hold.reason == "Instagram allows 1 posts per 24 hours"
    assert worker.run_due().outcomes == []
    assert [a for a in worker.store.attempts([second]) if a.action == "publish"] == []  # never refused with code 9
    assert len(env.posts_on("sandbox_ig")) == 1


# ------------------------------------------------------------------ cost


PRICES = "price_per_post = 0.015\nprice_per_link_post = 0.20"


def test_cost_is_shown_by_preview_schedule_and_queue(tmp_path: Path, sandbox: Any) -> None:
    from tests.helpers import article_file

    env = _env(tmp_path, sandbox, {"sandbox_x": PRICES})
    path = article_file(tmp_path, "a.md", title="Kunjungan kerja ke daerah")
    items = {i["account"]: i for i in env.cli("preview", str(path), "--json").json()}
    assert items["sandbox_x"]["cost"] == "0.20" and items["sandbox_fb"]["cost"] is None
    assert "-- cost: 0.20 (1 post)" in env.cli("preview", str(path), "--account", "sandbox_x").out
    added = env.cli("article", "add", str(path), "--json").json()[0]["id"]
    rows = env.cli("schedule", str(added), "--account", "sandbox_x", "--at", "2099-01-01 09:00", "--json").json()
    assert rows[0]["cost"] == "0.20"
    queued = env.cli("queue", "--json").json()
    assert queued[0]["cost"] == "0.20"
    table = env.cli("queue").out
    assert "cost 0.20" in table and max(len(line) for line in table.splitlines()) <= 80


def test_a_thread_costs_each_tweet() -> None:
    from decimal import Decimal

    from channels.base import Account, Draft
    from channels.twitter import TwitterChannel

    x = TwitterChannel(Account("x", "twitter", {"price_per_post": 0.015, "price_per_link_post": 0.2}))
    assert x.cost(Draft(parts=("one https://example.go.id/a", "two", "three"))) == Decimal("0.230")
    assert TwitterChannel(Account("x", "twitter", {})).cost(Draft(parts=("one",))) is None


def test_monthly_budget_holds_until_the_1st_in_the_configured_zone(tmp_path: Path, sandbox: Any) -> None:
    env = _env(tmp_path, sandbox, {"sandbox_x": PRICES + "\nmonthly_budget = 0.30"}, timezone="America/New_York")
    # The clock below is a day past the posts' time: not missed (worker.grace) for it.
    env.config.write_text(env.config.read_text() + "\n[worker]\ngrace = 259200\n")
    first, second = env.queue_one("sandbox_x", 1), env.queue_one("sandbox_x", 2)
    # 20:00 on 30 November in New York: already 1 December in UTC, still November there.
    clock = FakeClock(dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.timezone.utc))
    worker = _worker(env, clock)
    report = worker.run_due()
    assert {o.post_id: o.status for o in report.outcomes} == {first: "published", second: "scheduled"}
    hold = _hold(worker, "sandbox_x", HoldKind.BUDGET)
    assert hold.until == dt.datetime(2026, 12, 1, 5, 0, tzinfo=dt.timezone.utc)  # 00:00 in New York
    assert hold.reason == "monthly budget 0.30 reached (0.20 spent)"
    assert worker.store.post(second).attempts == 0
    clock.advance(dt.timedelta(hours=3, minutes=59))
    assert worker.run_due().outcomes == []
    clock.advance(dt.timedelta(minutes=1, seconds=1))
    assert [(o.post_id, o.status) for o in worker.run_due().outcomes] == [(second, "published")]


def test_x_402_holds_the_account_then_the_post_goes_once_after_resume(tmp_path: Path, sandbox: Any) -> None:
    env = _env(tmp_path, sandbox, {})
    post = env.queue_one("sandbox_x", 1)
    body = {"title": "Payment Required", "detail": "Your account has no credits left.", "type": "about:blank",
            "status": 402}
    sandbox.set_faults({"next": [{**WRITE["sandbox_x"], "status": 402, "body": body, "count": 1}]})
    worker = _worker(env)
    assert [(o.status, o.error_kind) for o in worker.run_due().outcomes] == [("scheduled", "budget")]
    hold = _hold(worker, "sandbox_x", HoldKind.BUDGET)
    assert hold.until is None and "credits are used up" in (hold.reason or "")
    assert worker.store.post(post).attempts == 0  # not a counted try: it never fails for this
    assert "budget" in " ".join(env.cli("queue").out.split())
    status = env.cli("status", "--json")
    assert status.code == 1 and any("accounts resume sandbox_x" in p for p in status.json()["problems"])
    assert worker.run_due().outcomes == []
    resumed = env.cli("resume", "sandbox_x", "--json").json()
    assert resumed["changed"] and resumed["due"] == 1
    assert [(o.post_id, o.status) for o in worker.run_due().outcomes] == [(post, "published")]
    assert len(env.posts_on("sandbox_x")) == 1
    # The same through 'accounts resume'.
    again = env.queue_one("sandbox_x", 2)
    sandbox.set_faults({"next": [{**WRITE["sandbox_x"], "status": 402, "body": body, "count": 1}]})
    assert [(o.status, o.error_kind) for o in worker.run_due().outcomes] == [("scheduled", "budget")]
    assert env.cli("accounts", "resume", "sandbox_x", "--json").json()["changed"]
    assert [(o.post_id, o.status) for o in worker.run_due().outcomes] == [(again, "published")]
    assert len(env.posts_on("sandbox_x")) == 2


def test_budget_settings_are_checked(tmp_path: Path, sandbox: Any) -> None:
    env = _env(tmp_path, sandbox, {})
    text = env.config.read_text()
    env.config.write_text(text.replace("[accounts.sandbox_fb]\n", "[accounts.sandbox_fb]\nmax_per_hour = 0\n"))
    result = env.cli("queue")
    assert result.code == 2 and "accounts.sandbox_fb.max_per_hour: expected a whole number from 1 to 10,000, got 0" in result.err
    env.config.write_text(text.replace("[accounts.sandbox_fb]\n", "[accounts.sandbox_fb]\nprice_per_post = 0.1\n"))
    result = env.cli("queue")
    assert result.code == 2 and "price_per_post is a setting of twitter accounts" in result.err
    env.config.write_text(text.replace("[accounts.sandbox_x]\n", '[accounts.sandbox_x]\nmin_interval = "soon"\n'))
    result = env.cli("queue")
    assert result.code == 2 and ('min_interval: expected a number of seconds from 0 to 86,400, or a duration such as '
                                 '"90s", "5m" or "1h", got \'soon\'') in result.err
    env.config.write_text(text.replace("[accounts.sandbox_x]\n", '[accounts.sandbox_x]\nmin_interval = "2d"\n'))
    assert env.cli("queue").code == 2
    env.config.write_text(text.replace("[accounts.sandbox_x]\n", '[accounts.sandbox_x]\nmin_interval = "25h"\n'))
    result = env.cli("queue")
    assert result.code == 2 and "expected a number of seconds from 0 to 86,400, got 90000.0" in result.err


def test_a_write_that_fails_leaves_no_budget_hold(tmp_path: Path, sandbox: Any) -> None:
    """The budget is spent by what went out, not by what was tried."""
    env = _env(tmp_path, sandbox, {"sandbox_fb": "min_interval = 300"})
    env.queue_one("sandbox_fb", 1)
    sandbox.set_faults({"next": [{**WRITE["sandbox_fb"], "status": 400, "graph_code": 100, "count": 1}]})
    worker = _worker(env, FakeClock(later(1)))
    assert [(o.status, o.error_kind) for o in worker.run_due().outcomes] == [("failed", "rejected")]
    assert HoldKind.BUDGET not in {h.kind for h in holds.active(worker.store).get("sandbox_fb", [])}


def test_x_counts_each_tweet_of_a_thread(tmp_path: Path, sandbox: Any) -> None:
    """X counts every tweet against its limits, so X budgets do too: a thread of several
    tweets uses 'at most 2 an hour' up by itself (an empty hour lets any thread go)."""
    from tests.helpers import article_file

    env = _env(tmp_path, sandbox, {"sandbox_x": "thread = true\nimages = false\nmax_per_hour = 2"})
    body = " ".join(f"Kalimat nomor {i} tentang kunjungan kerja ke daerah." for i in range(8))
    ids = []
    for n in (1, 2):
        path = article_file(tmp_path, f"t{n}.md", title=f"Utas kunjungan {n}", body=body, url=f"https://a.go.id/{n}")
        added = env.cli("article", "add", str(path), "--json").json()[0]["id"]
        ids.append(env.cli("schedule", str(added), "--account", "sandbox_x", "--now", "--json").json()[0]["id"])
    clock = FakeClock(later(1))
    worker = _worker(env, clock)
    assert len(worker.store.post(ids[0]).parts) > 2, worker.store.post(ids[0]).parts
    report = worker.run_due()
    assert {o.post_id: o.status for o in report.outcomes if o.status == "published"} == {ids[0]: "published"}
    assert _hold(worker, "sandbox_x", HoldKind.BUDGET).reason == "at most 2 an hour"
    assert worker.store.post(ids[1]).status == "scheduled" and worker.store.attempts([ids[1]]) == []
