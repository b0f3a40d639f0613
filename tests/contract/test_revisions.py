"""A changed article reaches the queue: its scheduled posts carry the new revision, a post
whose new text is refused keeps its own (and the officer is told), published ones are listed."""

from __future__ import annotations

import re

from tests.contract.conftest import Env
from tests.helpers import article_file


def test_adding_a_changed_article_re_renders_its_queued_posts(env: Env) -> None:
    x = env.queue_one("sandbox_x", 1)
    fb = env.cli("schedule", "1", "--account", "sandbox_fb", "--at", "2099-01-05 09:00", "--json").json()[0]["id"]
    assert [o.status for o in env.worker().run_due().outcomes] == ["published"]  # X went out
    before = env.cli("post", "show", str(fb), "--json").json()["parts_text"]
    # The website corrected the release: same URL, new title.
    path = article_file(env.tmp, "a1.md", title="Kunjungan kerja nomor 1 ke daerah (ralat)",
                        url="https://humas.example.go.id/k/1", image=f"{env.sandbox.url}/media/foto.jpg",  # type: ignore[attr-defined]
                        image_alt="Foto kegiatan", tags=["Kunjungan Kerja"])
    added = env.cli("article", "add", str(path))
    assert added.code == 0, added.err
    assert "is now revision 2 (changed: title)" in added.out and f"posts {fb} now carry the new text" in added.out
    assert f"post {x} (sandbox_x) went out before this revision" in " ".join(added.out.split())
    assert not re.search(r"\d{4}-\d\d-\d\dT", added.out)  # its time as officers read times, not ISO 8601
    assert max(len(line) for line in added.out.splitlines()[1:]) <= 80  # the notes fold to 80 columns
    after = env.cli("post", "show", str(fb), "--json").json()
    assert after["parts_text"] != before and "(ralat)" in after["parts_text"][0]
    assert [e["move"] for e in after["events"]] == ["create", "edit"]
    shown = env.cli("article", "show", "1")
    assert "revision 2" in shown.out and "changed: title" in shown.out
    assert [r["changed"] for r in env.cli("article", "show", "1", "--json").json()["revisions"]] == [[], ["title"]]


def test_a_revision_the_network_would_refuse_leaves_the_post_as_it_was(env: Env) -> None:
    ig = env.queue_one("sandbox_ig", 1)
    before = env.cli("post", "show", str(ig), "--json").json()["parts_text"]
    # The new revision has no image: Instagram cannot take it.
    path = article_file(env.tmp, "a1.md", title="Kunjungan kerja nomor 1 ke daerah, tanpa foto",
                        url="https://humas.example.go.id/k/1", tags=["Kunjungan Kerja"])
    added = env.cli("article", "add", str(path))
    assert added.code == 0
    assert f"post {ig} (sandbox_ig) keeps its text" in added.err
    assert env.cli("post", "show", str(ig), "--json").json()["parts_text"] == before


def test_a_failed_post_takes_the_revision_and_one_being_published_is_listed(env: Env) -> None:
    from disseminator.queue.claim import claim_next
    from tests.contract.conftest import WRITE

    failed = env.queue_one("sandbox_fb", 1)
    env.sandbox.set_faults({"next": [{**WRITE["sandbox_fb"], "status": 400, "graph_code": 100, "count": 1}]})  # type: ignore[attr-defined]
    assert [o.status for o in env.worker().run_due().outcomes] == ["failed"]
    busy = env.cli("schedule", "1", "--account", "sandbox_x", "--now", "--json").json()[0]["id"]
    w = env.worker()
    assert claim_next(w.store, worker="busy", now=w.clock.now(), lease=w.lease).id == busy
    path = article_file(env.tmp, "a1.md", title="Kunjungan kerja nomor 1 ke daerah (ralat)",
                        url="https://humas.example.go.id/k/1", image=f"{env.sandbox.url}/media/foto.jpg",  # type: ignore[attr-defined]
                        image_alt="Foto kegiatan", tags=["Kunjungan Kerja"])
    added = env.cli("article", "add", str(path))
    assert f"posts {failed} now carry the new text" in added.out
    assert f"post {busy} (sandbox_x) is being published right now with the previous revision" in " ".join(added.out.split())  # folded to 80 columns
    # A retry of the failed post sends the corrected text.
    assert env.cli("retry", str(failed)).code == 0
    assert [o.status for o in env.worker().run_due().outcomes] == ["published"]
    [post] = env.posts_on("sandbox_fb")
    assert "(ralat)" in post["text"]


def test_an_officers_edit_survives_a_new_revision_and_post_show_keeps_the_old_text(env: Env) -> None:
    pid = env.queue_one("sandbox_fb", 1)
    original = env.cli("post", "show", str(pid), "--json").json()["parts_text"]
    assert env.cli("edit", str(pid), "--text", "Teks dari petugas, jangan ditimpa").code == 0
    path = article_file(env.tmp, "a1.md", title="Kunjungan kerja nomor 1 ke daerah (ralat)",
                        url="https://humas.example.go.id/k/1", image=f"{env.sandbox.url}/media/foto.jpg",  # type: ignore[attr-defined]
                        image_alt="Foto kegiatan", tags=["Kunjungan Kerja"])
    added = env.cli("article", "add", str(path))
    assert f"post {pid} (sandbox_fb) keeps the text an officer wrote" in added.err
    shown = env.cli("post", "show", str(pid), "--json").json()
    assert shown["parts_text"] == ["Teks dari petugas, jangan ditimpa"]
    assert [e.get("old_text") for e in shown["events"] if e["move"] == "edit"] == [original]
    assert original[0].splitlines()[0] in env.cli("post", "show", str(pid)).out
