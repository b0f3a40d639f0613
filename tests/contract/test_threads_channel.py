"""The Threads channel end to end on the sandbox: from the CLI (schedule -> run-due ->
published, with its image and alt text; accounts check; unpublish), a thread account's
parts as a chain of replies, a lost answer to a reply found again (never reposted), and
a lease lost in the container wait (nothing published, then exactly once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests

from channels.clock import FakeClock
from disseminator.config import load_settings
from disseminator.registry import make_channel
from disseminator.sandbox import DEFAULT
from disseminator.store import Store
from disseminator.worker import Worker
from tests.contract.conftest import Env, later
from tests.contract.test_fencing import _claim, _worker
from tests.helpers import article_file

BODY = "\n\n".join(
    f"Paragraf {i}: Pemerintah menyalurkan bantuan pangan 🍚 kepada keluarga penerima manfaat di seluruh provinsi, "
    "dengan pengawasan ketat agar tepat sasaran dan tepat waktu, sebagaimana diumumkan hari ini." for i in range(1, 9)
)


def _thread_account(env: Env) -> str:
    """A second Threads account on the sandbox that posts long articles as threads."""
    env.config.write_text(env.config.read_text() + f"""
[accounts.utas_threads]
channel = "threads"
base_url = "{env.sandbox.url}/threads"
threads_user_id = "{DEFAULT.threads_user_id}"
access_token = "{DEFAULT.threads_token}"
thread = true
thread_max_parts = 6
""")  # type: ignore[attr-defined]
    return "utas_threads"


def _queue_long(env: Env, account: str) -> int:
    path = article_file(env.tmp, "panjang.md", title="Bantuan pangan tahap kedua", body=BODY,
                        url="https://humas.example.go.id/berita/bantuan-pangan")
    added = env.cli("article", "add", str(path), "--json").json()[0]["id"]
    result = env.cli("schedule", str(added), "--account", account, "--now", "--json")
    assert result.code == 0, result.err
    return int(result.json()[0]["id"])


def _api(env: Env, path: str, **params: str) -> Any:
    url = f"{env.sandbox.url}/threads/v1.0/{path}"  # type: ignore[attr-defined]
    return requests.get(url, params={"access_token": DEFAULT.threads_token, **params}, timeout=5).json()


def test_from_the_cli_scheduled_run_due_published_checked_and_unpublished(env: Env) -> None:
    pid = env.queue_one("sandbox_th")
    ran = env.cli("run-due")
    assert ran.code == 0, ran.err
    [post] = env.posts_on("sandbox_th")
    shown = env.cli("post", "show", str(pid), "--json").json()
    assert shown["status"] == "published" and shown["remote_ids"] == [post["id"]]
    assert post["text"].startswith("Kunjungan kerja nomor 1 ke daerah") and "#KunjunganKerja" in post["text"]
    # The prepared copy, at media.public_base_url, with the article's alt text.
    row = env.worker().store.post(pid)
    assert post["media"] == [row.media[0]["url"]] and post["media"][0].startswith(f"{env.sandbox.url}/media/")  # type: ignore[attr-defined]
    assert _api(env, post["id"], fields="alt_text")["alt_text"] == "Foto kegiatan"
    check = env.cli("accounts", "check", "sandbox_th")
    assert check.code == 0 and f"@{DEFAULT.threads_username}" in check.out and "249/250" in check.out, check.out
    gone = env.cli("unpublish", str(pid), "--reason", "salah foto")
    assert gone.code == 0, gone.err
    assert env.posts_on("sandbox_th") == []
    assert [d["id"] for d in env.sandbox.deleted()] == [post["id"]]  # type: ignore[attr-defined]


def test_a_thread_goes_out_as_replies_and_a_lost_reply_is_found_not_reposted(env: Env) -> None:
    account = _thread_account(env)
    pid = _queue_long(env, account)
    preview_parts = list(env.worker().store.post(pid).parts)
    assert len(preview_parts) > 1
    settings = load_settings(env.config)

    def factory(acct: Any, *, context: Any = None) -> Any:
        channel = make_channel(acct, context=context)
        publish = channel.publish_part

        def losing_the_second(draft: Any, index: int, **kw: Any) -> Any:
            if index == 1:  # the second part's answer is lost after it landed
                env.sandbox.set_faults({"lose_response": [{"network": "threads", "path": "*/threads_publish"}]})  # type: ignore[attr-defined]
            return publish(draft, index, **kw)

        channel.publish_part = losing_the_second
        return channel

    first = Worker(settings, Store(settings.database), worker_id="w1", channel_factory=factory).run_due()
    assert [o.status for o in first.outcomes] == ["scheduled"]
    assert len(env.posts_on("sandbox_th")) == 2  # part 1, and part 2 whose answer was lost
    second = env.worker().run_due(now=later(60))
    assert [o.status for o in second.outcomes] == ["published"]
    posts = env.posts_on("sandbox_th")
    assert [p["text"] for p in posts] == preview_parts  # each part exactly once, in order
    assert [p["in_reply_to"] for p in posts] == [None, *[p["id"] for p in posts[:-1]]]
    shown = env.cli("post", "show", str(pid), "--json").json()
    assert shown["remote_ids"] == [p["id"] for p in posts]
    assert ("reconcile", "found") in [(a["action"], a["outcome"]) for a in shown["attempts_log"]]


def test_a_lease_lost_in_the_container_wait_publishes_nothing_then_exactly_once(env: Env) -> None:
    pid = env.queue_one("sandbox_th")
    clock = FakeClock(later(1))
    outcome = _worker(env, clock, stall="_container").publish(_claim(env, clock))
    assert outcome.status == "lost"
    assert env.posts_on("sandbox_th") == []  # containers were made, nothing public
    report = _worker(env, clock).run_due()
    assert report.recovered == [pid] and [o.status for o in report.outcomes] == ["published"]
    assert len(env.posts_on("sandbox_th")) == 1


def test_an_expired_token_needs_attention_and_its_expiry_is_read(env: Env) -> None:
    channel = make_channel(load_settings(env.config).account("sandbox_th"))
    expiry = channel.token_expiry()
    assert expiry is not None and dt.timedelta(days=59) < expiry - dt.datetime.now(dt.timezone.utc) <= dt.timedelta(days=60)
    requests.post(f"{env.sandbox.url}/_sandbox/tokens/revoke",  # type: ignore[attr-defined]
                  json={"token": DEFAULT.threads_token, "reason": "expired"}, timeout=5).raise_for_status()
    check = env.cli("accounts", "check", "sandbox_th")
    assert check.code == 1 and "NEEDS ATTENTION" in check.out


def test_engagement_figures_are_read_from_the_posts_insights(env: Env) -> None:
    env.queue_one("sandbox_th")
    assert [o.status for o in env.worker().run_due().outcomes] == ["published"]
    [post] = env.posts_on("sandbox_th")
    channel = make_channel(load_settings(env.config).account("sandbox_th"))
    got = channel.metrics(post["id"])
    assert set(got) == {"views", "likes", "comments", "shares", "quotes"} and all(isinstance(v, int) for v in got.values())
    answer = _api(env, f"{post['id']}/insights", metric="likes,replies,reposts,quotes,shares")
    values = {e["name"]: e["values"][0]["value"] for e in answer["data"]}
    assert got["comments"] == values["replies"] and got["shares"] == values["reposts"] + values["quotes"] + values["shares"]
