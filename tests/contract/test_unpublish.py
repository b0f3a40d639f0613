"""``unpublish`` through the CLI on the sandbox: X (one post and a thread), Facebook,
Instagram refused; a delete the network refuses, or whose answer is lost; what is
refused before any call; a correction queued from the same article."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.contract.conftest import Env
from tests.helpers import article_file, run_cli, write_config

BODY = "\n\n".join(
    f"Paragraf {i}: Pemerintah menyalurkan bantuan pangan kepada keluarga penerima manfaat di seluruh provinsi, "
    "dengan pengawasan ketat agar tepat sasaran dan tepat waktu." for i in range(1, 4)
)
DELETE = {
    "sandbox_x": {"network": "x", "path": "/2/tweets/*", "method": "DELETE"},
    "sandbox_fb": {"network": "graph", "path": "^/(v[0-9.]+/)?[0-9]+_[0-9]+$", "method": "DELETE"},
    "sandbox_tg": {"network": "telegram", "path": "/deleteMessage", "method": "POST"},
    "sandbox_bs": {"network": "bluesky", "path": "*deleteRecord", "method": "POST"},
}


def _published(env: Env, account: str, n: int = 1) -> int:
    pid = env.queue_one(account, n)
    assert [o.status for o in env.worker().run_due().outcomes] == ["published"]
    return pid


def _flat(text: str) -> str:
    """A table's wrapped cells read as one line (words only)."""
    return " ".join(text.split())


def _show(env: Env, pid: int) -> dict[str, Any]:
    data: dict[str, Any] = env.cli("post", "show", str(pid), "--json").json()
    return data


@pytest.mark.parametrize("account", ["sandbox_x", "sandbox_fb", "sandbox_tg", "sandbox_bs"])
def test_unpublish_deletes_the_post_and_withdraws_it(env: Env, account: str) -> None:
    pid = _published(env, account)
    [on_network] = env.posts_on(account)
    done = env.cli("unpublish", str(pid), "--reason", "salah tanggal acara")
    assert done.code == 0, done.err
    assert f"Withdrew post {pid} ({account}): 1 part deleted" in done.out
    assert f"disseminator schedule 1 --account {account} --now" in done.out
    assert env.posts_on(account) == []  # gone from the network's reads
    assert [d["id"] for d in env.sandbox.deleted()] == [on_network["id"]]  # type: ignore[attr-defined]
    data = _show(env, pid)
    assert data["status"] == "withdrawn" and data["part_states"] == ["deleted"]
    assert data["part_remote_ids"] == [on_network["id"]]  # kept for the record
    [event] = [e for e in data["events"] if e["move"] == "withdraw"]
    assert event["reason"] == "salah tanggal acara" and event["worker"] and (event["from"], event["to"]) == (
        "published", "withdrawn")
    [call] = [a for a in data["attempts_log"] if a["action"] == "unpublish"]
    assert (call["outcome"], call["remote_id"]) == ("deleted", on_network["id"])
    assert data["attempts"] == 1  # a delete is not a try to publish
    # Shown with the reason: history (by default), queue --status, post show.
    [row] = env.cli("history", "--json").json()
    assert (row["status"], row["error"]) == ("withdrawn", "salah tanggal acara")
    assert "withdrawn: salah tanggal acara" in _flat(env.cli("history").out)
    assert "withdrawn: salah tanggal acara" in _flat(env.cli("queue", "--status", "withdrawn").out)
    assert "by " in _flat(env.cli("post", "show", str(pid)).out)
    assert ": salah tanggal acara" in _flat(env.cli("post", "show", str(pid)).out)
    # Again: nothing to do, said, and no call made.
    again = env.cli("unpublish", str(pid), "--reason", "lagi")
    assert again.code == 0 and "already withdrawn" in again.err
    assert len([a for a in _show(env, pid)["attempts_log"] if a["action"] == "unpublish"]) == 1


def test_a_thread_is_deleted_last_part_first(tmp_path: Path, sandbox: object) -> None:
    config = write_config(tmp_path, sandbox_url=sandbox.url, database=f"sqlite:///{tmp_path}/t.db")  # type: ignore[attr-defined]
    config.write_text(config.read_text().replace('username = "sandbox_humas"',
                                                 'username = "sandbox_humas"\nthread = true\nthread_max_parts = 8'))
    run = lambda *a: run_cli(["--config", str(config), *a])  # noqa: E731
    assert run("init").code == 0
    run("article", "add", str(article_file(tmp_path, body=BODY)))
    assert run("schedule", "1", "--account", "sandbox_x", "--now").code == 0
    assert run("run-due").code == 0
    tweets = [p["id"] for p in sandbox.posts()]  # type: ignore[attr-defined]
    assert len(tweets) >= 3
    done = run("unpublish", "1", "--reason", "angka keliru", "--json")
    assert done.code == 0, done.err
    assert done.json()[0]["status"] == "withdrawn" and done.json()[0]["deleted_parts"] == len(tweets)
    assert [d["id"] for d in sandbox.deleted()] == tweets[::-1]  # type: ignore[attr-defined]
    assert sandbox.posts() == []  # type: ignore[attr-defined]


def test_a_thread_whose_delete_stops_half_way_stays_published_and_is_finished_later(
        tmp_path: Path, sandbox: object) -> None:
    config = write_config(tmp_path, sandbox_url=sandbox.url, database=f"sqlite:///{tmp_path}/t.db")  # type: ignore[attr-defined]
    config.write_text(config.read_text().replace('username = "sandbox_humas"',
                                                 'username = "sandbox_humas"\nthread = true\nthread_max_parts = 8'))
    run = lambda *a: run_cli(["--config", str(config), *a])  # noqa: E731
    assert run("init").code == 0
    run("article", "add", str(article_file(tmp_path, body=BODY)))
    assert run("schedule", "1", "--account", "sandbox_x", "--now").code == 0
    assert run("run-due").code == 0
    tweets = [p["id"] for p in sandbox.posts()]  # type: ignore[attr-defined]
    n = len(tweets)
    # The second delete (part n-1) is refused by X; the last part is gone by then.
    sandbox.set_faults({"next": [{"network": "x", "path": f"/2/tweets/{tweets[-2]}", "method": "DELETE",  # type: ignore[attr-defined]
                                  "status": 403, "count": 1}]})
    half = run("unpublish", "1", "--reason", "angka keliru")
    assert half.code == 1
    assert f"post 1 (sandbox_x), part {n - 1} of {n}: the network refused the delete (Sandbox fault)" in half.err
    assert "it stays published with 1 part deleted" in half.err
    data = run("post", "show", "1", "--json").json()
    assert data["status"] == "published"
    assert data["part_states"] == ["published"] * (n - 1) + ["deleted"]
    assert [p["id"] for p in sandbox.posts()] == tweets[:-1]  # type: ignore[attr-defined]
    shown = " ".join(run("post", "show", "1").out.split())
    assert "deleted from the network" in shown
    assert f"1 of {n} parts deleted from the network: 'disseminator unpublish 1 --reason TEXT' deletes the rest" in shown
    done = run("unpublish", "1", "--reason", "angka keliru")
    assert done.code == 0, done.err
    assert f"{n - 1} parts deleted" in done.out
    assert sandbox.posts() == []  # type: ignore[attr-defined]
    assert run("post", "show", "1", "--json").json()["part_states"] == ["deleted"] * n
    # The publication record: each part deleted, in the order it went, then the withdrawal.
    entries = run("record", "show", "1", "--json").json()
    deleted = [e for e in entries if e["event"] == "part_deleted"]
    assert [e["detail"]["remote_id"] for e in deleted] == tweets[::-1]
    [withdrawn] = [e for e in entries if e["event"] == "withdrawn"]
    assert withdrawn["detail"]["reason"] == "angka keliru" and withdrawn["actor"]
    assert entries[-1] == withdrawn
    assert run("record", "verify").code == 0


def test_instagram_cannot_delete_it_says_so_and_the_others_are_still_withdrawn(env: Env) -> None:
    ig = _published(env, "sandbox_ig", 1)
    fb = _published(env, "sandbox_fb", 2)
    result = env.cli("unpublish", str(ig), str(fb), "--reason", "foto salah")
    assert result.code == 1
    assert result.err.strip().splitlines() == [
        f"error: post {ig} (sandbox_ig): Instagram's API cannot delete a post; delete it in the Instagram app; "
        "it stays published here"]
    assert f"Withdrew post {fb} (sandbox_fb)" in result.out
    assert _show(env, ig)["status"] == "published" and _show(env, ig)["attempts_log"][-1]["action"] == "publish"
    assert len(env.posts_on("sandbox_ig")) == 1
    assert _show(env, fb)["status"] == "withdrawn"


@pytest.mark.parametrize("account", ["sandbox_x", "sandbox_fb", "sandbox_tg", "sandbox_bs"])
def test_a_delete_the_network_refuses_leaves_the_post_published(env: Env, account: str) -> None:
    pid = _published(env, account)
    fault: dict[str, Any] = {**DELETE[account], "count": 1}
    fault.update({"graph_code": 200, "status": 403} if account == "sandbox_fb" else {"status": 403})
    env.sandbox.set_faults({"next": [fault]})  # type: ignore[attr-defined]
    refused = env.cli("unpublish", str(pid), "--reason", "salah")
    assert refused.code == 1
    [line] = refused.err.strip().splitlines()
    assert line.startswith(f"error: post {pid} ({account}): the network refused the delete (")
    assert line.endswith("; it stays published")
    assert len(env.posts_on(account)) == 1
    data = _show(env, pid)
    assert data["status"] == "published" and data["part_states"] == ["published"]
    [call] = [a for a in data["attempts_log"] if a["action"] == "unpublish"]
    assert call["http_status"] == 403 and call["outcome"] in ("rejected", "auth")
    assert env.cli("unpublish", str(pid), "--reason", "salah").code == 0  # the fault is spent: it goes now
    assert env.posts_on(account) == []


@pytest.mark.parametrize("account", ["sandbox_x", "sandbox_fb", "sandbox_tg", "sandbox_bs"])
def test_a_delete_whose_answer_is_lost_is_settled_by_asking_again(env: Env, account: str) -> None:
    pid = _published(env, account)
    env.sandbox.set_faults({"lose_response": [{**DELETE[account], "count": 1}]})  # type: ignore[attr-defined]
    lost = env.cli("unpublish", str(pid), "--reason", "salah")
    assert lost.code == 1
    assert "the delete did not go through" in lost.err and "run unpublish again later" in lost.err
    assert env.posts_on(account) == []  # it was deleted; the answer never came
    assert _show(env, pid)["status"] == "published"  # not known yet: nothing is claimed
    again = env.cli("unpublish", str(pid), "--reason", "salah")
    assert again.code == 0, again.err  # the network says it does not exist: deleted
    data = _show(env, pid)
    assert data["status"] == "withdrawn"
    assert [a["outcome"] for a in data["attempts_log"] if a["action"] == "unpublish"] == ["transient", "gone"]


def test_what_is_not_published_is_refused_with_what_to_do(env: Env) -> None:
    scheduled = env.queue_one("sandbox_x", 1)
    result = env.cli("unpublish", str(scheduled), "999", "--reason", "x")
    assert result.code == 1
    assert result.err.strip().splitlines() == [
        f"error: post {scheduled} is scheduled, not published: nothing is on the network; "
        f"'disseminator cancel {scheduled}' withdraws it",
        "error: no post with id 999 (see 'disseminator queue')",
    ]
    from disseminator.queue.claim import claim_next

    w = env.worker()
    assert claim_next(w.store, worker="busy", now=w.clock.now(), lease=w.lease).id == scheduled
    busy = env.cli("unpublish", str(scheduled), "--reason", "x")
    assert busy.code == 1 and "is being published right now: wait until it is published" in busy.err
    cancelled = env.queue_one("sandbox_fb", 2)
    assert env.cli("cancel", str(cancelled)).code == 0
    gone = env.cli("unpublish", str(cancelled), "--reason", "x")
    assert gone.code == 1 and "is cancelled; only a published post can be unpublished" in gone.err
    empty = env.cli("unpublish", str(cancelled), "--reason", "  ")
    assert empty.code == 2 and "--reason is empty" in empty.err
    assert env.cli("unpublish", str(cancelled)).code == 2  # --reason is required
    assert env.sandbox.deleted() == []  # type: ignore[attr-defined]


def test_a_correction_is_queued_from_the_same_article_after_the_withdrawal(env: Env) -> None:
    pid = _published(env, "sandbox_fb")
    # While the wrong post is out, the article is taken for the account (a correction
    # beside it needs --variant) ...
    clash = env.cli("schedule", "1", "--account", "sandbox_fb", "--now")
    assert clash.code == 1 and "already queued" in clash.err
    assert env.cli("unpublish", str(pid), "--reason", "judul keliru").code == 0
    # ... once it is withdrawn, the corrected article goes the ordinary way.
    fixed = article_file(env.tmp, "a1.md", title="Kunjungan kerja nomor 1 ke daerah (ralat)",
                         url="https://humas.example.go.id/k/1", image=f"{env.sandbox.url}/media/foto.jpg",  # type: ignore[attr-defined]
                         image_alt="Foto kegiatan", tags=["Kunjungan Kerja"])
    assert env.cli("article", "add", str(fixed)).code == 0
    queued = env.cli("schedule", "1", "--account", "sandbox_fb", "--now", "--json")
    assert queued.code == 0, queued.err
    assert [o.status for o in env.worker().run_due().outcomes] == ["published"]
    [post] = env.posts_on("sandbox_fb")
    assert "(ralat)" in post["text"]
    statuses = {r["id"]: r["status"] for r in env.cli("history", "--json").json()}
    assert statuses == {pid: "withdrawn", queued.json()[0]["id"]: "published"}
