"""Telegram cannot be asked whether a post arrived: a write in doubt leaves the post
``unknown``, never sent again by itself, and an officer settles it with ``post confirm``
(both ways, through the CLI), under their name on the record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from channels.base import Channel
from disseminator.config import load_settings
from disseminator.registry import make_channel
from disseminator.store import Store
from disseminator.worker import Worker
from tests.contract.conftest import WRITE, Env, later
from tests.helpers import article_file, run_cli

TG = "sandbox_tg"
#: A proxy's 502 (HTML): not the Bot API's answer, so the message may have gone out.
LOST_502 = {**WRITE[TG], "path": "/sendMessage", "status": 502, "style": "html", "count": 1}


def _text_post(env: Env, n: int = 1) -> int:
    """Queue an article without an image (a text message) for the Telegram account, by the CLI."""
    path = article_file(env.tmp, f"t{n}.md", title=f"Pengumuman layanan nomor {n}", summary="Antrean & jadwal: loket 3 > loket 2",
                        url=f"https://humas.example.go.id/p/{n}")
    added = env.cli("article", "add", str(path), "--json").json()[0]["id"]
    result = env.cli("schedule", str(added), "--account", TG, "--now", "--json")
    assert result.code == 0, result.err
    return int(result.json()[0]["id"])


def _sent(env: Env) -> list[dict[str, Any]]:
    return env.posts_on(TG)


def test_schedule_run_due_publishes_html_with_the_link_preview(env: Env) -> None:
    pid = _text_post(env)
    [shown] = env.cli("preview", "--post", str(pid), "--json").json()
    assert shown["counts"] == [[len("Pengumuman layanan nomor 1\n\nAntrean & jadwal: loket 3 > loket 2\n\n"
                                    "Baca selengkapnya"), 4096]]  # the text shown, tags and entities resolved
    run = env.cli("run-due")
    assert run.code == 0, run.err
    [post] = _sent(env)
    assert post["text"].startswith("<b>Pengumuman layanan nomor 1</b>") and "Antrean &amp; jadwal: loket 3 &gt; loket 2" in post["text"]
    shown = env.cli("post", "show", str(pid), "--json").json()
    assert shown["status"] == "published" and shown["remote_ids"] == [post["id"]]
    assert shown["remote_url"].endswith(f"/_sandbox/posts/telegram/{post['id']}")


def test_a_lost_answer_is_left_unknown_and_never_sent_twice(env: Env) -> None:
    pid = _text_post(env)
    env.sandbox.set_faults({"lose_response": [{**WRITE[TG], "path": "/sendMessage", "count": 1}]})  # type: ignore[attr-defined]
    run = env.cli("run-due")
    assert run.code == 1  # a post needs an officer
    [landed] = _sent(env)
    for _ in range(3):  # later runs, the daemon's ticks: nothing is claimed, nothing sent
        assert env.worker().run_due(now=later(120)).outcomes == []
    assert _sent(env) == [landed]
    row = env.worker().store.post(pid)
    assert row.status == "unknown" and "post confirm" in (row.error_message or "")
    assert "unknown" in env.cli("queue").out
    status = env.cli("status")
    assert status.code == 1 and "may or may not be on the network" in " ".join(status.out.split() + status.err.split())
    show = " ".join(env.cli("post", "show", str(pid)).out.split())
    assert f"'disseminator post confirm {pid} --remote-id ID'" in show
    # The officer found it: its t.me link is taken as well as its number.
    done = env.cli("post", "confirm", str(pid), "--remote-id", f"https://t.me/sandbox_humas/{landed['id']}")
    assert done.code == 0, done.err
    assert f"published as {landed['id']}" in done.out
    row = env.worker().store.post(pid)
    assert row.status == "published" and row.remote_ids == [landed["id"]] and row.remote_url
    assert _sent(env) == [landed]
    record = env.cli("record", "show", str(pid), "--json").json()
    [entry] = [e for e in record if e["event"] == "confirmed_published"]
    assert entry["detail"]["remote_ids"] == [landed["id"]] and entry["actor"]
    said = " ".join(env.cli("record", "show", str(pid)).out.split())
    assert "in doubt: an officer must look on the network" in said
    assert "published, as an officer saw on the network" in said and f"text sent, part 1 (id {landed['id']})" in said


def test_not_sent_puts_it_back_and_it_goes_once(env: Env) -> None:
    pid = _text_post(env)
    env.sandbox.set_faults({"next": [LOST_502]})  # type: ignore[attr-defined]
    assert [(o.status, o.error_kind) for o in env.worker().run_due().outcomes] == [("unknown", "transient")]
    assert _sent(env) == []  # this time the proxy failed before Telegram
    done = env.cli("post", "confirm", str(pid), "--not-sent")
    assert done.code == 0, done.err
    assert "scheduled again" in done.out
    assert env.worker().store.post(pid).status == "scheduled"
    assert [o.status for o in env.worker().run_due().outcomes] == ["published"]
    assert len(_sent(env)) == 1
    shown = env.cli("post", "show", str(pid), "--json").json()
    assert [e["move"] for e in shown["events"]] == ["create", "claim", "in_doubt", "confirm_not_sent", "claim",
                                                     "published"]


def test_a_crash_after_the_write_is_left_unknown_without_writing_again(env: Env) -> None:
    pid = _text_post(env)
    settings = load_settings(env.config)

    def crashing(account: Any, *, context: Any = None) -> Channel:
        channel = make_channel(account, context=context)
        real = channel.publish_part

        def publish_then_die(*args: Any, **kwargs: Any) -> Any:
            real(*args, **kwargs)
            raise KeyboardInterrupt  # the process is stopped right after the message went out

        channel.publish_part = publish_then_die  # type: ignore[method-assign]
        return channel

    try:
        Worker(settings, Store(settings.database), worker_id="w", channel_factory=crashing).run_due()
    except KeyboardInterrupt:
        pass
    assert len(_sent(env)) == 1
    row = env.worker().store.post(pid)
    assert row.status == "scheduled" and row.needs_reconcile
    [outcome] = env.worker().run_due(now=later(120)).outcomes
    assert (outcome.status, outcome.error_kind) == ("unknown", "unknown")
    assert len(_sent(env)) == 1  # the next run wrote nothing
    assert env.worker().store.post(pid).status == "unknown"


def test_a_post_of_a_dead_worker_is_left_unknown(env: Env) -> None:
    from sqlalchemy import update

    from disseminator.queue.claim import claim_next
    from disseminator.store import PostRow

    pid = _text_post(env)
    worker = env.worker()
    assert claim_next(worker.store, worker="dead", now=worker.clock.now(), lease=worker.lease) is not None
    with worker.store.session() as s:  # it died mid-call: the lease ran out
        s.execute(update(PostRow).where(PostRow.id == pid).values(lease_until=worker.clock.now() - dt.timedelta(seconds=1)))
    report = worker.run_due()
    assert report.recovered == [pid] and [o.status for o in report.outcomes] == ["unknown"]
    assert _sent(env) == []


def test_confirm_says_what_is_wrong_in_one_line(env: Env) -> None:
    pid = _text_post(env)
    not_unknown = env.cli("post", "confirm", str(pid), "--not-sent")
    assert not_unknown.code == 1 and not_unknown.err.strip() == (
        f"error: post {pid} is scheduled, not unknown: nothing to confirm")
    both = env.cli("post", "confirm", str(pid), "--not-sent", "--remote-id", "5")
    neither = env.cli("post", "confirm", str(pid))
    assert both.code == neither.code == 2 and "--remote-id ID (it is there) or --not-sent" in neither.err
    env.sandbox.set_faults({"next": [LOST_502]})  # type: ignore[attr-defined]
    env.worker().run_due()
    bad = env.cli("post", "confirm", str(pid), "--remote-id", "pesan-lima")
    assert bad.code == 2 and "a Telegram message is a number" in bad.err and len(bad.err.strip().splitlines()) == 1
    assert env.worker().store.post(pid).status == "unknown"  # nothing changed


def test_only_an_approver_may_confirm(tmp_path: Path, sandbox: object) -> None:
    from disseminator.starter import starter_config

    path = tmp_path / "disseminator.toml"
    path.write_text('allow_as = true\n' + starter_config(sandbox.url, database=f"sqlite:///{tmp_path / 'o.db'}")  # type: ignore[attr-defined]
                    + '\n[officers.dewi]\nroles = ["drafter"]\n\n[officers.budi]\nroles = ["approver"]\n'
                    '\n[officers.root]\nroles = ["admin"]\n', encoding="utf-8")

    def cli(who: str, *args: str) -> Any:
        return run_cli(["--config", str(path), "--as", who, *args])

    assert cli("root", "init").code == 0
    (tmp_path / "media").mkdir(exist_ok=True)
    article = article_file(tmp_path, title="Jadwal layanan", url="https://humas.example.go.id/j")
    assert cli("dewi", "schedule", str(article), "--account", TG, "--now").code == 0
    sandbox.set_faults({"next": [LOST_502]})  # type: ignore[attr-defined]
    settings = load_settings(path)
    Worker(settings, Store(settings.database), worker_id="w").run_due()
    refused = cli("dewi", "post", "confirm", "1", "--not-sent")
    assert refused.code != 0 and "approver" in refused.err
    assert cli("budi", "post", "confirm", "1", "--not-sent").code == 0
    events = cli("budi", "post", "show", "1", "--json").json()["events"]
    assert (events[-1]["move"], events[-1]["worker"]) == ("confirm_not_sent", "budi")


def test_accounts_check_names_the_bot_and_refuses_one_that_may_not_post(env: Env) -> None:
    ok = env.cli("accounts", "check", TG)
    assert ok.code == 0, ok.out + ok.err
    assert "@sandbox_humas_bot" in ok.out and "20 messages a minute" in " ".join(ok.out.split())
    env.config.write_text(env.config.read_text().replace('chat_id = "@sandbox_humas"', 'chat_id = "@sandbox_lain"'))
    refused = env.cli("accounts", "check", TG)
    assert refused.code == 1 and "NEEDS ATTENTION" in refused.out
    assert "make it an administrator" in " ".join(refused.out.split())


def test_confirming_a_threads_first_part_sends_the_rest(env: Env) -> None:
    """The core path is any channel's: a thread left unknown at its first part (no
    network that cannot reconcile has threads today, so the state is set in the table)."""
    from sqlalchemy import update

    from disseminator.store import PostRow

    body = "\n\n".join(f"Paragraf {i}: Pemerintah menyalurkan bantuan pangan kepada keluarga penerima manfaat di "
                       "seluruh provinsi, dengan pengawasan ketat agar tepat sasaran." for i in range(1, 4))
    env.config.write_text(env.config.read_text().replace('username = "sandbox_humas"',
                                                         'username = "sandbox_humas"\nthread = true'))
    added = env.cli("article", "add", str(article_file(env.tmp, "th.md", body=body)), "--json").json()[0]["id"]
    pid = env.cli("schedule", str(added), "--account", "sandbox_x", "--now", "--json").json()[0]["id"]
    env.sandbox.set_faults({"lose_response": [{"network": "x", "path": "/2/tweets", "count": 1}]})  # type: ignore[attr-defined]
    env.worker().run_due()
    [first] = env.sandbox.posts()  # type: ignore[attr-defined]
    store = env.worker().store
    with store.session() as s:  # as a channel that cannot look it up would have left it
        s.execute(update(PostRow).where(PostRow.id == pid).values(status="unknown", needs_reconcile=True))
    done = env.cli("post", "confirm", str(pid), "--remote-id", first["id"])
    assert done.code == 0, done.err
    row = store.post(pid)
    assert row.status == "scheduled" and row.remote_ids[0] == first["id"] and not row.needs_reconcile
    assert [o.status for o in env.worker().run_due(now=later(60)).outcomes] == ["published"]
    posts = env.sandbox.posts()  # type: ignore[attr-defined]
    assert len(posts) == len(row.parts) and posts[0] == first  # the rest only, after the confirmed first
    assert posts[1]["in_reply_to"] == first["id"]
