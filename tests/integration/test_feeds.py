"""Feeds end to end (issue 11, items 2-4 and the feed bad input), against a feed server
the tests start (tests/feed_server.py) and the sandbox's accounts, on SQLite and PostgreSQL.

The daemon's feeds loop (:class:`disseminator.ingest.feed_loop.FeedLoop`) polls; the CLI
adds, lists, polls and approves."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.feed_server import Item, Publisher, atom, feed_server, rss
from tests.helpers import CliResult, run_cli

Cli = Callable[..., CliResult]
JKT = dt.timezone(dt.timedelta(hours=7))
SLOTS = """
[plans.kantor]
slots = ["Mon-Sun 08:00", "Mon-Sun 12:00", "Mon-Sun 16:00"]
accounts = ["sandbox_x", "sandbox_fb"]
"""
REGION = """
[accounts.daerah_x]
channel = "twitter"
base_url = "{url}"
consumer_key = "k"
consumer_secret = "s"
access_token = "t"
access_token_secret = "ts"
hashtags = ["#KabarDaerah"]
"""


def _item(n: int, *, day: int = 20, **kw: Any) -> Item:
    fields: dict[str, Any] = {
        "title": f"Siaran pers {n}: program nomor {n} diluncurkan",
        "link": f"https://humas.example.go.id/berita/{n}",
        "guid": f"https://humas.example.go.id/?p={n}",
        "published": dt.datetime(2026, 11, day, 9, n % 60, tzinfo=JKT),
        "summary": f"<p>Ringkasan <b>berita</b> {n}.</p>",
        "content": f"<p>Paragraf pertama berita {n}.</p><script>x()</script><p>Paragraf kedua.</p>",
        "categories": ["Kesehatan", "Gizi"],
    }
    fields.update(kw)
    return Item(**fields)


@pytest.fixture
def pub() -> Iterator[Publisher]:
    with feed_server() as publisher:
        yield publisher


def _setup(tmp_path: Path, sandbox: Any, db_url: str, extra: str = "") -> tuple[Path, Cli]:
    from disseminator.starter import starter_config

    path = tmp_path / "disseminator.toml"
    path.write_text(starter_config(sandbox.url, database=db_url) + extra.format(url=sandbox.url), encoding="utf-8")
    assert run_cli(["--config", str(path), "init"]).code == 0

    def cli(*args: str) -> CliResult:
        return run_cli(["--config", str(path), *args])

    return path, cli


def _open(path: Path) -> tuple[Any, Any]:
    from disseminator.config import load_settings
    from disseminator.store import Store

    settings = load_settings(path)
    return settings, Store.open(settings.database)


def _posts(path: Path) -> list[Any]:
    settings, store = _open(path)
    try:
        return sorted(store.posts(), key=lambda p: p.id)
    finally:
        store.close()


def test_three_new_entries_polled_by_the_daemon_loop_are_queued_into_slots_once(
        tmp_path: Path, sandbox: Any, db_url: str, pub: Publisher) -> None:
    from disseminator.ingest.feed_loop import FeedLoop

    path, cli = _setup(tmp_path, sandbox, db_url, SLOTS)
    url = pub.put("/feed/", rss([_item(2), _item(1)]))
    added = cli("feeds", "add", url, "--account", "sandbox_x", "--account", "sandbox_fb", "--every", "30s")
    assert added.code == 0, added.err
    assert "2 entries already in it count as seen" in added.out

    settings, store = _open(path)
    woken = threading.Event()
    loop = FeedLoop(settings, store, stop=threading.Event(), on_queued=woken.set)
    first = loop.round()
    assert [r.outcome for r in first] == ["unchanged"] and not woken.is_set()  # nothing floods
    assert _posts(path) == []

    # A burst of three releases; the feed lists the newest first, out of order on purpose.
    late = dt.datetime(2026, 11, 21, 15, 0, tzinfo=JKT)
    pub.put("/feed/", rss([_item(5, day=22), _item(3, day=21), _item(4, published=late), _item(2), _item(1)]))
    # The feed is due again after its interval: make it due now.
    from disseminator.ingest import feed_state

    with store.session() as s:
        from sqlalchemy import update

        from disseminator.store.feed_models import FeedRow

        s.execute(update(FeedRow).values(next_poll_at=store.clock.now()))
    taken = loop.round()
    assert woken.is_set()
    assert [r.outcome for r in taken] == ["new"]
    titles = [t["title"] for t in taken[0].taken]
    assert titles == ["Siaran pers 3: program nomor 3 diluncurkan", "Siaran pers 4: program nomor 4 diluncurkan",
                      "Siaran pers 5: program nomor 5 diluncurkan"]  # oldest first, by publication time
    posts = _posts(path)
    assert len(posts) == 6 and {p.status.value for p in posts} == {"scheduled"}
    for account in ("sandbox_x", "sandbox_fb"):
        mine = [p for p in posts if p.account == account]
        times = [p.scheduled_at.astimezone(JKT) for p in mine]
        assert len(set(times)) == 3 and times == sorted(times)  # each its own slot, in the feed's order
        assert all((t.hour, t.minute) in {(8, 0), (12, 0), (16, 0)} for t in times), times
    articles = store.articles()
    assert [a.source for a in articles] == [f"https://humas.example.go.id/berita/{n}" for n in (3, 4, 5)]
    art = store.to_article(articles[0])
    assert art.body == "Paragraf pertama berita 3.\n\nParagraf kedua." and art.summary == "Ringkasan berita 3."
    assert art.tags == ("Kesehatan", "Gizi") and art.published == dt.datetime(2026, 11, 21, 9, 3, tzinfo=JKT)

    # The second poll: the server says 304 to the validators it gave; nothing is added.
    feed_state.finish(store, 1, next_at=store.clock.now(), error=None)
    again = loop.round()
    assert [r.outcome for r in again] == ["not_modified"]
    assert pub.hits("/feed/")[-1].get("If-None-Match", "").startswith('"')
    assert len(_posts(path)) == 6
    store.close()

    # A restart (a new store and loop) against a server that ignores validators: nothing new.
    pub.conditional = False
    settings, store = _open(path)
    feed_state.finish(store, 1, next_at=store.clock.now(), error=None)
    restarted = FeedLoop(settings, store, stop=threading.Event()).round()
    assert [r.outcome for r in restarted] == ["unchanged"]
    assert len(_posts(path)) == 6 and len(store.articles()) == 3
    store.close()
    listed = json.loads(cli("feeds", "list", "--json").out)
    assert listed[0]["taken"] == 3 and listed[0]["failures"] == 0 and listed[0]["every"] == "30s"
