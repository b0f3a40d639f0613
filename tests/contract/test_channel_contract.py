"""One suite, every channel: success, each error kind, duplicates, lost responses."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from disseminator.registry import channel_names
from tests.contract.conftest import CHANNELS, WRITE, Env, later, reconciles, sandbox_account, sandbox_settings, token_of

#: Channels whose network has no "duplicate" answer to reconcile from, and why.
NO_DUPLICATE_ANSWER = {"instagram": "Instagram publishing has no duplicate-content error",
                       "tiktok": "TikTok's Content Posting API has no duplicate-content error",
                       "telegram": "the Bot API has no duplicate answer, nor a read-back to reconcile from",
                       "threads": "the Threads API documents no duplicate-content error",
                       "mastodon": "Mastodon answers a repeat with the same Idempotency-Key with the status "
                                   "itself (tests/sandbox/test_mastodon.py), never a duplicate error"}
#: Channels whose rate-limit answer says no reset time, and the wait they assume instead.
NO_RESET_TIME = {"tiktok": 1}  # minutes: TikTok's documented window is "6 requests per minute"


def test_the_suite_runs_every_installed_channel() -> None:
    """The ``account`` fixture's channels are the registry's, and each has a sandbox account."""
    assert CHANNELS == channel_names() and {"twitter", "facebook", "instagram"} <= set(CHANNELS)
    assert {sandbox_account(c) for c in CHANNELS} <= set(sandbox_settings())


def test_publishes_once_and_records_the_attempt(env: Env, account: str) -> None:
    pid = env.queue_one(account)
    report = env.worker().run_due()
    assert [o.status for o in report.outcomes] == ["published"]
    [post] = env.posts_on(account)
    w = env.worker()
    row = w.store.post(pid)
    assert row.remote_ids == [post["id"]] and row.remote_url.endswith(post["id"])
    [attempt] = w.store.attempts([pid])
    assert (attempt.outcome, attempt.remote_id, attempt.action) == ("published", post["id"], "publish")
    assert attempt.sent_text == post["text"]


def test_server_error_retries_after_checking_the_network(env: Env, account: str) -> None:
    pid = env.queue_one(account)
    env.sandbox.set_faults({"next": [{**WRITE[account], "status": 503, "count": 1, "graph_code": 2}]})
    first = env.worker().run_due()
    assert [(o.status, o.error_kind) for o in first.outcomes] == [("scheduled", "transient")]
    assert first.failed
    w = env.worker()
    row = w.store.post(pid)
    assert row.next_attempt_at > row.scheduled_at and row.attempts == 1
    assert env.posts_on(account) == []
    second = env.worker().run_due(now=later(60))
    assert [o.status for o in second.outcomes] == ["published"]
    assert len(env.posts_on(account)) == 1
    actions = [(a.action, a.outcome) for a in w.store.attempts([pid])]
    assert actions[0] == ("publish", "transient") and actions[-1] == ("publish", "published")


def test_lost_response_is_reconciled_not_reposted(env: Env, account: str) -> None:
    pid = env.queue_one(account)
    env.sandbox.set_faults({"lose_response": [{**WRITE[account], "count": 1}]})
    if not reconciles(account):
        return _lost_response_is_left_for_an_officer(env, account, pid)
    first = env.worker().run_due()
    assert [(o.status, o.error_kind) for o in first.outcomes] == [("scheduled", "transient")]
    [landed] = env.posts_on(account)  # the write happened although the answer was lost
    w = env.worker()
    assert w.store.post(pid).needs_reconcile is True
    second = env.worker().run_due(now=later(60))
    assert [o.status for o in second.outcomes] == ["published"]
    assert env.posts_on(account) == [landed]  # still exactly one post
    shown = env.cli("post", "show", str(pid), "--json").json()
    assert [(a["action"], a["outcome"]) for a in shown["attempts_log"]] == [("publish", "transient"), ("reconcile", "found")]
    assert shown["remote_ids"] == [landed["id"]] and "reconcile" in env.cli("post", "show", str(pid)).out
    row = w.store.post(pid)
    assert row.remote_ids == [landed["id"]]
    assert ("reconcile", "found") in [(a.action, a.outcome) for a in w.store.attempts([pid])]


def _lost_response_is_left_for_an_officer(env: Env, account: str, pid: int) -> None:
    """A network that cannot be asked (Telegram): the post is ``unknown``, never sent
    again by itself; the officer's ``post confirm --remote-id`` publishes it."""
    first = env.worker().run_due()
    assert [(o.status, o.error_kind) for o in first.outcomes] == [("unknown", "transient")]
    [landed] = env.posts_on(account)
    assert env.worker().run_due(now=later(600)).outcomes == []  # nothing claims it, nothing is sent
    assert env.posts_on(account) == [landed]
    queue = env.cli("queue", "--json").json()
    assert [(p["id"], p["status"]) for p in queue] == [(pid, "unknown")] and "post confirm" in queue[0]["error"]
    done = env.cli("post", "confirm", str(pid), "--remote-id", landed["id"], "--json")
    assert done.code == 0, done.err
    assert (done.json()["status"], done.json()["remote_ids"]) == ("published", [landed["id"]])
    assert env.posts_on(account) == [landed]  # still exactly one post
    shown = env.cli("post", "show", str(pid), "--json").json()
    assert [(a["action"], a["outcome"]) for a in shown["attempts_log"]] == [("publish", "transient")]
    assert [e["move"] for e in shown["events"]][-2:] == ["in_doubt", "confirm"]


def test_rate_limit_waits_for_the_reset_without_counting_a_failure(env: Env, account: str) -> None:
    pid = env.queue_one(account)
    fault: dict[str, Any] = {"network": WRITE[account]["network"], "path": WRITE[account]["path"], "reset_in": 600}
    if fault["network"] == "graph":
        fault["graph_code"] = 80002 if account == "sandbox_ig" else 80001
    env.sandbox.set_faults({"rate_limit": [fault]})
    report = env.worker().run_due()
    assert [(o.status, o.error_kind) for o in report.outcomes] == [("scheduled", "rate_limited")]
    assert not report.failed
    row = env.worker().store.post(pid)
    # The network's own reset time (X's header, Graph's estimated_time_to_regain_access).
    from disseminator import holds

    [hold] = holds.active(env.worker().store)[account]
    channel = sandbox_settings()[account]["channel"]
    if channel in NO_RESET_TIME:
        wait = NO_RESET_TIME[channel]
        assert row.attempts == 0 and hold.kind == "rate_limit" and later(wait - 0.5) <= hold.until <= later(wait + 0.5)
    else:
        assert row.attempts == 0 and hold.kind == "rate_limit" and later(8) <= hold.until <= later(11)
    assert env.worker().run_due().outcomes == []  # it waits for the reset, uncalled
    assert env.posts_on(account) == []


def test_rejection_fails_the_post_with_the_networks_message(env: Env, account: str) -> None:
    pid = env.queue_one(account)
    body = {"status": 400, "count": 1}
    if WRITE[account]["network"] in ("graph", "threads"):  # Graph-style error objects
        body.update(graph_code=100)
    env.sandbox.set_faults({"next": [{**WRITE[account], **body}]})
    report = env.worker().run_due()
    assert [(o.status, o.error_kind) for o in report.outcomes] == [("failed", "rejected")]
    row = env.worker().store.post(pid)
    assert row.status == "failed" and row.error_message
    assert env.cli("history", "--json").json()[0]["error"] == row.error_message


def test_revoked_token_pauses_the_account_and_check_reports_it(env: Env, account: str) -> None:
    token = token_of(account)
    requests.post(f"{env.sandbox.url}/_sandbox/tokens/revoke", json={"token": token}, timeout=5).raise_for_status()
    pid = env.queue_one(account)
    report = env.worker().run_due()
    assert [(o.status, o.error_kind) for o in report.outcomes] == [("scheduled", "auth")]
    check = env.cli("accounts", "check", account)
    assert check.code == 1 and "NEEDS ATTENTION" in check.out
    queue = env.cli("queue", "--json").json()
    assert queue[0]["waiting_for_account"] and queue[0]["attempts"] == 1  # one call was made
    assert "needs attention" in env.cli("queue").err
    # While the account needs attention its posts wait, even when due.
    assert env.worker().run_due(now=later(60)).outcomes == []
    requests.post(f"{env.sandbox.url}/_sandbox/tokens/restore", json={}, timeout=5).raise_for_status()
    ok = env.cli("accounts", "check", account)
    assert ok.code == 0 and "posts as" in ok.out and "1 post(s) that waited" in ok.out
    # Fixed and checked: the post goes at the next run, not after the auth back-off.
    assert [o.status for o in env.worker().run_due().outcomes] == ["published"]
    assert env.worker().store.post(pid).status == "published"


@pytest.mark.parametrize("account", [c for c in CHANNELS if c not in NO_DUPLICATE_ANSWER], indirect=True)
def test_duplicate_answer_is_reconciled_to_the_existing_post(env: Env, account: str) -> None:
    """The network says duplicate (X 403, Graph 506): the post is already there, so it
    counts as published with the id found on the network."""
    pid = env.queue_one(account)
    env.sandbox.set_faults({"lose_response": [{**WRITE[account], "count": 1}]})
    env.worker().run_due()
    [landed] = env.posts_on(account)
    # Make the worker forget it should reconcile (no lifecycle move does that, so straight
    # in the table): the network's duplicate rule must save us.
    from sqlalchemy import update

    from disseminator.store.post_models import PostRow

    w = env.worker()
    with w.store.session() as s:
        s.execute(update(PostRow).where(PostRow.id == pid).values(needs_reconcile=False))
    report = env.worker().run_due(now=later(60))
    assert [o.status for o in report.outcomes] == ["published"]
    assert env.posts_on(account) == [landed]
    assert w.store.post(pid).remote_ids == [landed["id"]]
    outcomes = [(a.action, a.outcome) for a in w.store.attempts([pid])]
    assert ("publish", "duplicate") in outcomes and ("reconcile", "found") in outcomes
