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


def test_fan_out_to_three_accounts_each_with_its_hashtags_and_the_cascade_delay(
        tmp_path: Path, sandbox: Any, db_url: str, pub: Publisher) -> None:
    path, cli = _setup(tmp_path, sandbox, db_url, REGION)
    url = pub.put("/feed/", rss([_item(2), _item(1)]))
    added = cli("feeds", "add", url, "--account", "sandbox_x", "--account", "sandbox_fb", "--account", "daerah_x",
                "--delay", "2m", "--backfill", "1", "--json")
    assert added.code == 0, added.err
    shown = json.loads(added.out)
    assert [(a["name"], a["delay"]) for a in shown["accounts"]] == [("sandbox_x", "0s"), ("sandbox_fb", "2m"),
                                                                    ("daerah_x", "4m")]
    twice = cli("feeds", "add", url)
    assert twice.code != 0 and f"{url} is already feed 1" in twice.err
    polled = cli("feeds", "poll")
    assert polled.code == 0, polled.err
    assert "Feed 1: 1 new entry" in polled.out
    posts = _posts(path)
    assert [p.account for p in posts] == ["sandbox_x", "sandbox_fb", "daerah_x"]
    start = posts[0].scheduled_at
    assert [p.scheduled_at - start for p in posts] == [dt.timedelta(0), dt.timedelta(minutes=2),
                                                       dt.timedelta(minutes=4)]
    assert "#KabarDaerah" in posts[2].parts[0] and "#KabarDaerah" not in posts[0].parts[0]
    assert all("nomor 2" in p.parts[0] for p in posts)  # the newest entry (--backfill 1), not the older one
    assert cli("feeds", "poll", "--all").code == 0 and len(_posts(path)) == 3  # a second poll adds nothing

    # A feed of its own hashtags: they replace each account's own for its posts.
    other = pub.put("/gizi.xml", rss([_item(9, link="https://humas.example.go.id/gizi/9")]))
    bad_tag = cli("feeds", "add", other, "--hashtag", "2026")
    assert bad_tag.code != 0 and "--hashtag: '2026' has no letter" in bad_tag.err
    assert cli("feeds", "add", other, "--account", "daerah_x", "--hashtag", "Hari Gizi", "--backfill", "1").code == 0
    assert cli("feeds", "poll").code == 0
    tagged = _posts(path)[3]
    assert tagged.account == "daerah_x" and "#HariGizi" in tagged.parts[0] and "#KabarDaerah" not in tagged.parts[0]


def test_a_draft_feed_keeps_posts_for_an_officer_who_approves_one(
        tmp_path: Path, sandbox: Any, db_url: str, pub: Publisher) -> None:
    path, cli = _setup(tmp_path, sandbox, db_url)
    url = pub.put("/atom.xml", atom([_item(7), _item(6)]), kind="application/atom+xml")
    assert cli("feeds", "add", url, "--account", "sandbox_x", "--mode", "draft", "--backfill", "2").code == 0
    polled = cli("feeds", "poll")
    assert polled.code == 0, polled.err
    assert "awaits approval ('disseminator approve 1')" in polled.out
    assert {p.status.value for p in _posts(path)} == {"awaiting_approval"}
    drafts = json.loads(cli("queue", "--drafts", "--json").out)
    assert [d["id"] for d in drafts] == [1, 2]
    assert cli("queue", "--json").out.count('"id"') == 2  # drafts are queued posts too
    approved = cli("approve", "1")
    assert approved.code == 0, approved.err
    assert [p.status.value for p in _posts(path)] == ["scheduled", "awaiting_approval"]
    assert [d["id"] for d in json.loads(cli("queue", "--drafts", "--json").out)] == [2]


def test_bad_feeds_are_one_line_each_and_nothing_is_stored(tmp_path: Path, sandbox: Any, db_url: str,
                                                           pub: Publisher) -> None:
    path, cli = _setup(tmp_path, sandbox, db_url)
    page = pub.put("/berita", b"<html><body><h1>Berita</h1><p>not a feed</p></body></html>", kind="text/html")
    cases = {
        page: "not an RSS or Atom feed",
        pub.base + "/missing.xml": "the server answered HTTP 404",
        pub.base.replace("127.0.0.1", "localhost") + "/feed/": "refusing to fetch",
        "ftp://humas.example.go.id/feed": "not a feed URL (expected http:// or https://)",
    }
    for url, expected in cases.items():
        result = cli("feeds", "add", url, "--account", "sandbox_x")
        assert result.code != 0, url
        lines = result.err.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0], result.err
    bad_account = cli("feeds", "add", pub.put("/ok", rss([_item(1)])), "--account", "nobody")
    assert bad_account.code != 0 and "unknown account 'nobody'" in bad_account.err
    bad_every = cli("feeds", "add", pub.base + "/ok", "--every", "1s")
    assert bad_every.code != 0 and "--every" in bad_every.err
    assert json.loads(cli("feeds", "list", "--json").out) == []


def test_entries_without_title_or_link_are_skipped_and_a_shared_guid_falls_back_to_link(
        tmp_path: Path, sandbox: Any, db_url: str, pub: Publisher) -> None:
    path, cli = _setup(tmp_path, sandbox, db_url)
    same = "https://humas.example.go.id/feed-guid"
    url = pub.put("/feed/", rss([_item(1, guid=same)]))
    assert cli("feeds", "add", url, "--account", "sandbox_fb").code == 0
    pub.put("/feed/", rss([_item(4, guid=same), _item(3, guid=same, link=None), _item(2, guid=same, title=None),
                           _item(1, guid=same)]))
    polled = cli("feeds", "poll", "--all")
    assert polled.code == 0, polled.err
    assert "every entry has the same GUID; entries are told apart by link and title" in polled.err
    assert "has no link; skipped" in polled.err and "has no title; skipped" in polled.err
    assert "Feed 1: 1 new entry" in polled.out  # entry 4; entry 1 was seen when the feed was added
    assert [p.account for p in _posts(path)] == ["sandbox_fb"]
    again = cli("feeds", "poll", "--all")  # the skipped entries are remembered: warned about once
    assert "skipped" not in again.err and len(_posts(path)) == 1


def test_a_failing_feed_backs_off_shows_its_error_and_never_stops_the_others(
        tmp_path: Path, sandbox: Any, db_url: str, pub: Publisher) -> None:
    from disseminator.ingest import feed_state
    from disseminator.ingest.feed_loop import FeedLoop

    path, cli = _setup(tmp_path, sandbox, db_url)
    bad = pub.put("/a.xml", rss([_item(1)]))
    good = pub.put("/b.xml", rss([_item(2)]))
    assert cli("feeds", "add", bad, "--account", "sandbox_fb", "--every", "1m").code == 0
    assert cli("feeds", "add", good, "--account", "sandbox_fb", "--backfill", "1").code == 0
    pub.put("/a.xml", b"oops", status=500, kind="text/plain")
    polled = cli("feeds", "poll", "--all")
    assert polled.code == 1
    assert polled.err.strip().splitlines() == [f"error: {bad}: the server answered HTTP 500"]
    assert "Feed 2: 1 new entry" in polled.out and len(_posts(path)) == 1
    settings, store = _open(path)
    before = store.clock.now()
    for _ in range(2):  # the daemon's loop: a failing feed is retried later, with a longer wait each time
        with store.session() as s:
            from sqlalchemy import update

            from disseminator.store.feed_models import FeedRow

            s.execute(update(FeedRow).where(FeedRow.id == 1).values(next_poll_at=store.clock.now()))
        results = FeedLoop(settings, store, stop=threading.Event()).round()
        assert [r.outcome for r in results] == ["failed"]
    row = feed_state.feed(store, "1")
    assert row.failures == 3 and "HTTP 500" in (row.last_error or "")
    assert row.next_poll_at - before >= dt.timedelta(minutes=4)  # 1m, 2m, 4m: doubling
    store.close()
    listed = cli("feeds", "list")
    assert "feed 1: 3 reads in a row failed, next try" in listed.err and "HTTP 500" in listed.err
    pub.put("/a.xml", rss([_item(1)]))
    assert cli("feeds", "poll", "--all").code == 0
    assert json.loads(cli("feeds", "list", "--json").out)[0]["failures"] == 0
    removed = cli("feeds", "remove", bad)
    assert removed.code == 0 and "Removed feed 1" in removed.out
    assert [f["id"] for f in json.loads(cli("feeds", "list", "--json").out)] == [2]


def test_two_daemons_never_poll_one_feed_at_once(tmp_path: Path, sandbox: Any, db_url: str, pub: Publisher) -> None:
    from disseminator.ingest import feed_state

    path, cli = _setup(tmp_path, sandbox, db_url)
    assert cli("feeds", "add", pub.put("/feed/", rss([_item(1)])), "--account", "sandbox_x").code == 0
    _s1, one = _open(path)
    _s2, two = _open(path)
    now = one.clock.now()
    assert feed_state.take(one, 1, now) is not None
    assert feed_state.take(two, 1, now) is None  # the first holds the lease
    assert feed_state.take(two, 1, now, force=True) is None  # even by hand
    assert feed_state.due(two, now) == []
    assert feed_state.take(two, 1, now + feed_state.LEASE + dt.timedelta(seconds=1)) is not None  # it ran out
    one.close()
    two.close()
