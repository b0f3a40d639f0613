"""Mastodon end to end against its sandbox: the CLI walkthrough, the instance's own
limits, a retry that the Idempotency-Key turns into the status already there, a crash
after the write, threads as replies, and deleting a published post."""

from __future__ import annotations

import requests
import pytest

from channels.base import Account, Article, Context
from channels.mastodon import MastodonChannel
from channels.mastodon_api import forget_limits
from channels.mastodon_text import status_length
from disseminator.config import load_settings
from disseminator.store import Store
from disseminator.worker import Worker
from tests.contract.conftest import WRITE, Env, later, sandbox_settings

ACCOUNT = "sandbox_md"


def channel(env: Env, **settings: object) -> MastodonChannel:
    s = {k: v for k, v in sandbox_settings()[ACCOUNT].items() if k not in ("channel", "base_url")}
    account = Account(ACCOUNT, "mastodon", {**s, **settings}, base_url=f"{env.sandbox.url}/mastodon")  # type: ignore[attr-defined]
    return MastodonChannel(account, context=Context(base_dir=env.tmp, media_dir=env.tmp / "media"))


@pytest.fixture(autouse=True)
def fresh_limits() -> None:
    forget_limits()  # each test's sandbox is a new instance


def test_the_walkthrough_through_the_cli(env: Env) -> None:
    """schedule -> run-due -> published, one status with its image and alt text."""
    pid = env.queue_one(ACCOUNT)
    done = env.cli("run-due", "--json")
    assert done.code == 0 and [(r["id"], r["status"]) for r in done.json()] == [(pid, "published")]
    [post] = env.posts_on(ACCOUNT)
    assert "Kunjungan kerja nomor 1" in post["text"] and "#KunjunganKerja" in post["text"]
    assert len(post["media"]) == 1
    status = requests.get(f"{env.sandbox.url}/mastodon/api/v1/statuses/{post['id']}",  # type: ignore[attr-defined]
                          headers={"Authorization": f"Bearer {sandbox_settings()[ACCOUNT]['access_token']}"}, timeout=5)
    assert status.json()["media_attachments"][0]["description"] == "Foto kegiatan"
    shown = env.cli("post", "show", str(pid), "--json").json()
    assert shown["status"] == "published" and shown["remote_ids"] == [post["id"]]
    check = env.cli("accounts", "check", ACCOUNT)
    assert check.code == 0 and f"@sandbox_humas@mastodon.sandbox.example" in check.out


@pytest.mark.parametrize("limit", [120, 200, 500])
def test_render_fits_the_instances_own_limit(env: Env, limit: int) -> None:
    requests.post(f"{env.sandbox.url}/_sandbox/mastodon/instance", json={"max_characters": limit}, timeout=5)  # type: ignore[attr-defined]
    article = Article(title="Peresmian bendungan baru di Kabupaten Contoh oleh Bupati",
                      summary="Bendungan ini mengairi ribuan hektare sawah. " * 7,
                      url="https://humas.example.go.id/berita/" + "b" * 120, tags=("Bendungan", "Irigasi"))
    mastodon = channel(env)
    draft = mastodon.render(article)
    [text] = draft.parts
    assert status_length(text) <= limit and mastodon.measure(text) == (status_length(text), limit)
    assert article.url in text  # the link is kept: it counts 23 whatever its length
    assert bool(draft.warnings) == (limit < 500)  # shortened only where it had to be
    mastodon.validate(draft)
    receipt = mastodon.publish_part(draft, 0)
    assert [p["id"] for p in env.posts_on(ACCOUNT)] == [receipt.remote_id]


def test_a_too_long_draft_is_refused_before_queueing(env: Env) -> None:
    from channels.base import Draft, Rejected

    with pytest.raises(Rejected, match="501 characters as Mastodon counts them; the instance takes 500"):
        channel(env).validate(Draft(parts=("a" * 501,)))


def test_a_lost_answer_retried_with_the_same_key_gets_the_status_not_a_second(env: Env) -> None:
    pid = env.queue_one(ACCOUNT)
    env.sandbox.set_faults({"lose_response": [{**WRITE[ACCOUNT], "count": 1}]})  # type: ignore[attr-defined]
    env.worker().run_due()
    [landed] = env.posts_on(ACCOUNT)
    # Forget that the network should be asked first (as a worker that never knew): the
    # write is sent again, with the same Idempotency-Key, within the hour.
    from sqlalchemy import update

    from disseminator.store.post_models import PostRow

    w = env.worker()
    with w.store.session() as s:
        s.execute(update(PostRow).where(PostRow.id == pid).values(needs_reconcile=False))
    report = env.worker().run_due(now=later(60))
    assert [o.status for o in report.outcomes] == ["published"]
    assert env.posts_on(ACCOUNT) == [landed]
    assert w.store.post(pid).remote_ids == [landed["id"]]
    assert [(a.action, a.outcome) for a in w.store.attempts([pid])] == [("publish", "transient"), ("publish", "published")]


def test_a_crash_after_the_write_is_found_on_the_network_not_posted_again(env: Env) -> None:
    from disseminator.registry import make_channel

    pid = env.queue_one(ACCOUNT)

    def crashing(account, *, context=None):  # type: ignore[no-untyped-def]
        made = make_channel(account, context=context)
        real = made.publish_part

        def publish_then_die(*args, **kwargs):  # type: ignore[no-untyped-def]
            real(*args, **kwargs)  # the status lands ...
            raise RuntimeError("worker died before recording it")  # ... and nothing is recorded

        made.publish_part = publish_then_die  # type: ignore[method-assign]
        return made

    settings = load_settings(env.config)
    Worker(settings, Store(settings.database), worker_id="w", channel_factory=crashing).run_due()
    [landed] = env.posts_on(ACCOUNT)
    assert env.worker().store.post(pid).needs_reconcile
    report = env.worker().run_due(now=later(60))
    assert [o.status for o in report.outcomes] == ["published"] and env.posts_on(ACCOUNT) == [landed]
    assert ("reconcile", "found") in [(a.action, a.outcome) for a in env.worker().store.attempts([pid])]


def test_another_post_with_the_same_text_gets_its_own_key(env: Env) -> None:
    from channels.base import Draft

    mastodon = channel(env)
    first = mastodon.publish_part(Draft(parts=("Pengumuman layanan",), key="1.100"), 0)
    again = mastodon.publish_part(Draft(parts=("Pengumuman layanan",), key="1.100"), 0)
    other = mastodon.publish_part(Draft(parts=("Pengumuman layanan",), key="2.200"), 0)
    assert first.remote_id == again.remote_id != other.remote_id
    assert len(env.posts_on(ACCOUNT)) == 2


def test_a_thread_is_posted_as_replies_and_paced_by_the_headers(env: Env) -> None:
    requests.post(f"{env.sandbox.url}/_sandbox/mastodon/instance", json={"max_characters": 300}, timeout=5)  # type: ignore[attr-defined]
    mastodon = channel(env, thread=True)
    draft = mastodon.render(Article(title="Laporan kegiatan", body="Kalimat panjang tentang kegiatan. " * 12,
                                    url="https://humas.example.go.id/l/1"))
    assert len(draft.parts) > 1
    previous = None
    for index in range(len(draft.parts)):
        previous = mastodon.publish_part(draft, index, reply_to=previous.remote_id if previous else None)
    posts = env.posts_on(ACCOUNT)
    assert [p["in_reply_to"] for p in posts] == [None, *[p["id"] for p in posts[:-1]]]
    pace = mastodon.pace()
    assert pace is not None and pace.remaining == 300 - len(posts) and not pace.exhausted
    env.sandbox.set_faults({"rate_limit": [{"network": "mastodon", "path": "/api/v1/statuses", "reset_in": 600}]})  # type: ignore[attr-defined]
    from channels.base import RateLimited

    with pytest.raises(RateLimited) as limited:
        mastodon.publish_part(draft, 0)
    assert limited.value.retry_at is not None and limited.value.retry_at > later(9)



def test_read_back_finds_the_status_and_a_deleted_one_is_gone(env: Env) -> None:
    env.queue_one(ACCOUNT)
    env.worker().run_due()
    [post] = env.posts_on(ACCOUNT)
    mastodon = channel(env)
    live = mastodon.fetch_live(post["id"])
    assert live is not None and "Kunjungan kerja nomor 1" in live.text
    assert [p.remote_id for p in mastodon.recent_posts(later(-10))] == [post["id"]]
    assert mastodon.metrics(post["id"]) == {"likes": 0, "comments": 0, "shares": 0}
    assert mastodon.unpublish_part(post["id"]) is True
    assert mastodon.unpublish_part(post["id"]) is False and mastodon.fetch_live(post["id"]) is None


def test_unpublish_through_the_cli_deletes_the_status(env: Env) -> None:
    pid = env.queue_one(ACCOUNT)
    env.worker().run_due()
    done = env.cli("unpublish", str(pid), "--reason", "salah tanggal acara", "--json")
    assert done.code == 0, done.err
    assert env.posts_on(ACCOUNT) == [] and len(requests.get(f"{env.sandbox.url}/_sandbox/deleted", timeout=5).json()["deleted"]) == 1  # type: ignore[attr-defined]
    assert env.cli("post", "show", str(pid), "--json").json()["status"] == "withdrawn"


def test_a_claim_lost_during_the_uploads_writes_no_status(env: Env) -> None:
    """The fence is checked before each upload and again before the status."""
    import dataclasses

    class Lost(Exception):
        pass

    checks: list[int] = []

    def fence() -> None:
        checks.append(1)
        if len(checks) > 1:  # the upload went; the claim is gone before the status
            raise Lost()

    env.queue_one(ACCOUNT)
    draft = env.worker().store.to_draft(env.worker().store.post(1))
    mastodon = channel(env)
    mastodon.context = dataclasses.replace(mastodon.context, fence=fence)  # type: ignore[arg-type]
    with pytest.raises(Lost):
        mastodon.publish_part(draft, 0)
    assert len(checks) == 2 and env.posts_on(ACCOUNT) == []
