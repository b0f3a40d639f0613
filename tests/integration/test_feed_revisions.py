"""An entry edited in place (the same GUID, a new title and text) is the article's next
revision: posts not yet out carry the new text (an approved one needs approval again),
a published one is never posted again, an unchanged entry makes no revision; on SQLite
and PostgreSQL, through ``feeds poll`` (the WebSub push: tests/integration/test_websub.py)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from tests.feed_server import Item, Publisher, rss
from tests.integration.test_feeds import _item, _open, _posts, _setup, pub  # noqa: F401 - the fixture

FIXED = "Siaran pers 1 (ralat): program nomor 1 diluncurkan hari Senin"


def _live(pub: Publisher, item: Item) -> Item:
    """``item`` linking to a page on ``pub`` that shows it (so the go-live check lets it go)."""
    link = pub.put("/berita/1", f"<html><head><title>{item.title}</title></head><body><h1>{item.title}</h1>"
                   "</body></html>".encode(), kind="text/html; charset=utf-8")
    return dataclasses.replace(item, link=link)


def _revisions(path: Path) -> list[Any]:
    _settings, store = _open(path)
    try:
        return store.revisions(1)
    finally:
        store.close()


def test_an_entry_edited_in_place_revises_queued_posts_and_never_reposts_a_published_one(
        tmp_path: Path, sandbox: Any, db_url: str, pub: Publisher) -> None:  # noqa: F811
    path, cli = _setup(tmp_path, sandbox, db_url)
    first = _live(pub, _item(1))
    url = pub.put("/feed/", rss([first]))
    assert cli("feeds", "add", url, "--account", "sandbox_x", "--account", "sandbox_fb", "--delay", "1h",
               "--backfill", "1").code == 0
    assert cli("feeds", "poll", "--all").code == 0
    ran = cli("run-due")
    assert ran.code == 0, ran.err
    out, waiting = _posts(path)
    assert (out.account, out.status.value, waiting.status.value) == ("sandbox_x", "published", "scheduled")
    assert len(sandbox.posts()) == 1

    pub.conditional = False  # every poll reads the document: an unchanged entry must still make nothing
    same = cli("feeds", "poll", "--all", "--json")
    assert same.code == 0 and same.json()[0]["outcome"] == "unchanged" and same.json()[0]["revised"] == []
    assert len(_revisions(path)) == 1

    edited = dataclasses.replace(first, title=FIXED, content="<p>Paragraf yang sudah diperbaiki.</p>")
    pub.put("/feed/", rss([edited]))
    polled = cli("feeds", "poll", "--all")
    assert polled.code == 0, polled.err
    text = " ".join(polled.out.split())
    assert "Feed 1: article 1 is now revision 2 (entry edited; changed: title, body)" in text, polled.out
    assert "posts 2 now carry the new text" in text
    assert "post 1 (sandbox_x) went out before this revision" in polled.err  # a correction is the officer's call
    out_after, waiting_after = _posts(path)
    assert FIXED in waiting_after.parts[0] and waiting_after.status.value == "scheduled"
    assert out_after.parts == out.parts and out_after.status.value == "published"
    assert [r.revision for r in _revisions(path)] == [1, 2]

    again = cli("feeds", "poll", "--all", "--json")  # the edited entry, read again: nothing more
    assert again.json()[0]["revised"] == [] and len(_revisions(path)) == 2
    assert cli("run-due").code == 0 and len(sandbox.posts()) == 1  # post 1 is not posted again


def test_an_approved_draft_whose_entry_is_edited_needs_approval_again(
        tmp_path: Path, sandbox: Any, db_url: str, pub: Publisher) -> None:  # noqa: F811
    path, cli = _setup(tmp_path, sandbox, db_url)
    first = _item(1)
    url = pub.put("/feed/", rss([first]))
    assert cli("feeds", "add", url, "--account", "sandbox_fb", "--mode", "draft", "--backfill", "1").code == 0
    assert cli("feeds", "poll", "--all").code == 0
    assert cli("approve", "1").code == 0
    assert [p.status.value for p in _posts(path)] == ["scheduled"]

    pub.put("/feed/", rss([dataclasses.replace(first, title=FIXED)]))
    polled = cli("feeds", "poll", "--all", "--json")
    assert polled.code == 0, polled.err
    [revised] = polled.json()[0]["revised"]
    assert revised["article_id"] == 1 and revised["updated_posts"] == [1] and revised["changed"] == ["title"]
    [post] = _posts(path)
    assert post.status.value == "awaiting_approval" and FIXED in post.parts[0]
