"""The whole path through the library and CLI, on SQLite and PostgreSQL, against the sandbox."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.contract.conftest import NETWORK, sandbox_settings
from tests.helpers import REPO, article_file


def _image(tmp_path: Path, sandbox) -> str:  # type: ignore[no-untyped-def]
    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp_path / "media" / "foto.jpg")
    return f"{sandbox.url}/media/foto.jpg"


def test_article_published_once_on_every_network(cli, sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = article_file(tmp_path, image=_image(tmp_path, sandbox), image_alt="Foto kegiatan", tags=["Gizi Anak", "MBG"])
    added = cli("article", "add", str(path), "--json")
    assert added.code == 0, added.err
    [article] = added.json()
    assert article["title"] == "Peluncuran Program Makan Bergizi Gratis"

    scheduled = cli("schedule", str(article["id"]), "--now", "--json")
    assert scheduled.code == 0, scheduled.err
    assert sorted(p["channel"] for p in scheduled.json()) == sorted(s["channel"] for s in sandbox_settings().values())
    assert all(p["status"] == "scheduled" and p["scheduled_at"].endswith("+07:00") for p in scheduled.json())

    run = cli("run-due")
    assert run.code == 0, run.out + run.err
    posts = sandbox.posts()
    assert sorted(p["network"] for p in posts) == sorted(NETWORK[a] for a in sandbox_settings())
    x = next(p for p in posts if p["network"] == "x")
    # No summary: the body's first paragraph stands in for it.
    assert x["text"] == ("Peluncuran Program Makan Bergizi Gratis\n\nIsi berita.\n\n"
                         "https://humas.example.go.id/berita/mbg\n\n#GiziAnak #MBG")
    ig = next(p for p in posts if p["network"] == "instagram")
    assert "Tautan di bio" in ig["text"] and "https://" not in ig["text"]
    fb = next(p for p in posts if p["network"] == "facebook")
    assert fb["text"].startswith("Peluncuran Program Makan Bergizi Gratis")
    bs = next(p for p in posts if p["network"] == "bluesky")
    assert bs["text"] == x["text"] and len(bs["media"]) == 1  # the link card's thumbnail
    masto = next(p for p in posts if p["network"] == "mastodon")
    assert masto["text"] == x["text"]  # the same template shape; it fits Mastodon's 500 too

    history = cli("history", "--json").json()
    assert {h["status"] for h in history} == {"published"}
    remote = {h["channel"]: h["remote_ids"] for h in history}
    assert remote["twitter"] == [x["id"]]
    assert remote["facebook"] == [fb["id"]]
    assert remote["instagram"] == [ig["id"]]
    tg = next(p for p in posts if p["network"] == "telegram")
    assert remote["telegram"] == [tg["id"]] and tg["text"].startswith("<b>Peluncuran Program Makan Bergizi Gratis</b>")
    th = next(p for p in posts if p["network"] == "threads")
    assert remote["threads"] == [th["id"]] and th["media"]  # with the article's image
    assert remote["bluesky"] == [bs["id"]]
    assert remote["mastodon"] == [masto["id"]]
    assert all(h["attempts"] == 1 and h["error"] is None for h in history)

    again = cli("run-due")
    assert again.code == 0
    assert "Nothing due" in again.out
    assert len(sandbox.posts()) == len(sandbox_settings())


def test_scheduling_twice_is_refused_unless_new_variant(cli, sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = article_file(tmp_path, image=_image(tmp_path, sandbox))
    cli("article", "add", str(path))
    first = cli("schedule", "1", "--account", "sandbox_x", "--at", "besok 09:00", "--json")
    assert first.code == 0, first.err
    again = cli("schedule", "1", "--account", "sandbox_x", "--at", "besok 10:00")
    assert again.code == 1
    assert "already queued for sandbox_x" in again.err
    # A variant with the very same text would be refused by X: it is refused here.
    same = cli("schedule", "1", "--account", "sandbox_x", "--at", "besok 10:00", "--variant", "sore")
    assert same.code == 1 and "the same text is already scheduled for sandbox_x" in same.err
    # The article is revised (same URL, new summary): the queued post follows the revision,
    # so a variant would still say the same thing as it.
    revised = cli("article", "add", str(article_file(tmp_path, "revisi.md", image=_image(tmp_path, sandbox),
                                                     summary="Pembaruan: program dimulai di 10 provinsi.")))
    assert "posts 1 now carry the new text" in revised.out
    assert "10 provinsi" in cli("post", "show", "1", "--json").json()["parts_text"][0]
    same_again = cli("schedule", "1", "--account", "sandbox_x", "--at", "besok 10:00", "--variant", "sore")
    assert same_again.code == 1 and "the same text is already scheduled" in same_again.err
    # A cancelled post does not block scheduling the article again.
    assert cli("cancel", "1").code == 0
    again_after_cancel = cli("schedule", "1", "--account", "sandbox_x", "--at", "besok 10:00", "--json")
    assert again_after_cancel.code == 0, again_after_cancel.err
    queue = cli("queue", "--json").json()
    assert len(queue) == 1 and queue[0]["scheduled_at"].endswith("10:00:00+07:00")


def test_future_post_waits_and_cancel_withdraws_it(cli, sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("article", "add", str(article_file(tmp_path)))
    post = cli("schedule", "1", "--account", "sandbox_fb", "--at", "2099-01-01 08:00", "--json").json()[0]
    assert cli("run-due").out.strip() == "Nothing due."
    assert sandbox.posts() == []
    cancelled = cli("cancel", str(post["id"]), "--json")
    assert cancelled.code == 0 and cancelled.json()["status"] == "cancelled"
    again = cli("cancel", str(post["id"]))
    assert again.code == 1 and "only scheduled posts can be cancelled" in again.err
    assert cli("history", "--json").json()[0]["status"] == "cancelled"
