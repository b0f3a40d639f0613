"""An officer's changes to queued posts, through the CLI: reschedule, edit, retry, cancel
several; none touches a post being published; each is on the post's record."""

from __future__ import annotations

import datetime as dt

from disseminator.queue.claim import claim_next
from disseminator.queue.moves import reschedule
from tests.contract.conftest import WRITE, Env
from tests.helpers import run_cli


def test_reschedule_moves_posts_and_refuses_one_being_published(env: Env) -> None:
    first, second = env.queue_one("sandbox_fb", 1), env.queue_one("sandbox_x", 2)
    moved = env.cli("reschedule", str(first), str(second), "--at", "2099-01-05 09:00", "--json")
    assert moved.code == 0, moved.err
    assert [r["scheduled_at"] for r in moved.json()] == ["2099-01-05T09:00:00+07:00"] * 2
    assert env.cli("run-due", "--json").json() == []  # nothing due any more
    w = env.worker()
    reschedule(w.store, first, w.clock.now())
    assert claim_next(w.store, worker="busy", now=w.clock.now(), lease=w.lease).id == first
    refused = env.cli("reschedule", str(first), "--at", "2099-01-06 09:00")
    assert refused.code == 1 and "being published right now" in refused.err
    assert [e["move"] for e in env.cli("post", "show", str(second), "--json").json()["events"]] == ["create", "reschedule"]
    shown = run_cli(["--config", str(env.config), "post", "show", str(second)],
                    env={"DISSEMINATOR_LANGUAGE": "id", "COLUMNS": "120"}).out
    assert "PELAKSANA" in shown and "pembuatan" in shown and "penjadwalan ulang" in shown, shown  # words, not codes


def test_edit_changes_the_text_checked_against_the_network_and_keeps_the_old(env: Env) -> None:
    pid = env.queue_one("sandbox_x")
    old = env.cli("post", "show", str(pid), "--json").json()["parts_text"]
    too_long = env.cli("edit", str(pid), "--text", "kata " * 100)
    assert too_long.code == 1 and "would refuse the new text" in too_long.err
    assert env.cli("post", "show", str(pid), "--json").json()["parts_text"] == old  # unchanged
    ok = env.cli("edit", str(pid), "--text", "Teks yang diperbaiki oleh petugas #Humas")
    assert ok.code == 0 and "new text" in ok.out
    assert [o.status for o in env.worker().run_due().outcomes] == ["published"]
    [post] = env.posts_on("sandbox_x")
    assert post["text"] == "Teks yang diperbaiki oleh petugas #Humas"
    store = env.worker().store
    [edit] = [e for e in store.events(pid) if e.edge == "edit"]
    assert edit.detail == {"old_parts": old}
    done = env.cli("edit", str(pid), "--text", "lagi")
    assert done.code == 1 and "only a scheduled post can be edited" in done.err


def test_retry_sends_a_failed_post_again_and_a_failed_post_does_not_block_scheduling(env: Env) -> None:
    pid = env.queue_one("sandbox_fb")
    env.sandbox.set_faults({"next": [{**WRITE["sandbox_fb"], "status": 400, "graph_code": 100, "count": 1}]})  # type: ignore[attr-defined]
    assert [o.status for o in env.worker().run_due().outcomes] == ["failed"]
    # A failed post no longer blocks scheduling its article again for the account ...
    again = env.cli("schedule", "1", "--account", "sandbox_fb", "--now", "--json")
    assert again.code == 0, again.err
    # ... and while that one is queued, the failed one cannot be sent as well.
    clash = env.cli("retry", str(pid))
    assert clash.code == 1 and "queued again" in clash.err
    assert env.cli("cancel", str(again.json()[0]["id"])).code == 0
    sent = env.cli("retry", str(pid), "--json")
    assert sent.code == 0 and sent.json()[0]["status"] == "scheduled"
    assert [o.status for o in env.worker().run_due().outcomes] == ["published"]
    assert len(env.posts_on("sandbox_fb")) == 1
    assert [e.edge for e in env.worker().store.events(pid)][-3:] == ["revive", "claim", "published"]


def test_retry_looks_up_a_post_whose_last_write_may_have_landed(strict_env: Env) -> None:
    env = strict_env
    pid = env.queue_one("sandbox_fb")
    env.sandbox.set_faults({"next": [{**WRITE["sandbox_fb"], "status": 503, "graph_code": 2, "count": 1}]})  # type: ignore[attr-defined]
    env.worker().run_due()  # one try allowed: a 5xx that may have landed, then retried
    later = env.worker().clock.now() + dt.timedelta(hours=2)
    env.sandbox.set_faults({"next": [{**WRITE["sandbox_fb"], "status": 503, "graph_code": 2, "count": 5}]})  # type: ignore[attr-defined]
    env.worker().run_due(now=later)
    row = env.worker().store.post(pid)
    assert row.status == "failed"
    env.sandbox.set_faults({})  # type: ignore[attr-defined]
    assert env.cli("retry", str(pid)).code == 0
    assert env.worker().store.post(pid).needs_reconcile  # asked first, never posted blind
    assert [o.status for o in env.worker().run_due().outcomes] == ["published"]
    assert len(env.posts_on("sandbox_fb")) == 1


def test_cancel_several_or_a_whole_article(env: Env) -> None:
    a = env.queue_one("sandbox_x", 1)
    b = env.queue_one("sandbox_fb", 2)
    c = env.cli("schedule", "2", "--account", "sandbox_x", "--at", "2099-01-05 09:00", "--json").json()[0]["id"]
    both = env.cli("cancel", str(a), "999", "--json")
    assert both.code == 1 and [r["id"] for r in both.json()] == [a] and "no post with id 999" in both.err
    whole = env.cli("cancel", "--article", "2", "--json")
    assert whole.code == 0 and sorted(r["id"] for r in whole.json()) == sorted([b, c])
    assert env.cli("queue", "--json").json() == []
    assert env.cli("cancel").code == 2


def test_history_limit_keeps_the_latest_done_not_the_latest_planned(env: Env) -> None:
    future = env.cli("schedule", "1", "--account", "sandbox_fb", "--at", "2099-01-05 09:00", "--json") \
        if env.queue_one("sandbox_x", 1) else None
    assert future is not None and future.code == 0
    assert env.cli("cancel", str(future.json()[0]["id"])).code == 0  # planned for 2099, cancelled first
    assert [o.status for o in env.worker().run_due().outcomes] == ["published"]  # then this one went out
    [latest] = env.cli("history", "--limit", "1", "--json").json()
    assert latest["status"] == "published"


def test_edit_does_not_make_a_thread_on_an_account_that_posts_none(env: Env) -> None:
    pid = env.queue_one("sandbox_fb")
    refused = env.cli("edit", str(pid), "--text", "satu\n---\ndua")
    assert refused.code == 1 and "does not post threads" in refused.err


def test_run_due_says_what_to_do_after_a_failure(env: Env) -> None:
    pid = env.queue_one("sandbox_fb")
    env.sandbox.set_faults({"next": [{**WRITE["sandbox_fb"], "status": 400, "graph_code": 100, "count": 1}]})  # type: ignore[attr-defined]
    told = " ".join(env.cli("run-due").out.split())
    assert f"failed (rejected)" in told and f"'disseminator edit {pid}', then 'disseminator retry {pid}'" in told


def test_a_misspelt_account_filter_names_the_known_accounts(env: Env) -> None:
    env.queue_one("sandbox_fb")
    typo = env.cli("queue", "--account", "sandbox_fbb")
    assert typo.code == 1 and "no account sandbox_fbb (configured: " in typo.err and "sandbox_fb, sandbox_ig" in typo.err
    assert len(env.cli("queue", "--account", "sandbox_fb", "--json").json()) == 1
