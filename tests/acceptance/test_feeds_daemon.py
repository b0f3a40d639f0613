"""The daemon polls feeds beside publishing: an entry in a feed reaches the sandbox with
no other wake than the feeds thread's (the timer's tick is an hour, changes are unheard)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.feed_server import feed_server, rss
from tests.integration.test_feeds import _item
from tests.helpers import run_cli, write_config


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


def test_the_daemon_takes_a_new_entry_and_publishes_it_once(tmp_path: Path, sandbox: Any, db_url: str) -> None:
    from disseminator.config import load_settings
    from disseminator.daemon import Daemon
    from disseminator.store import Store

    class Deaf:  # hears no change: only the feeds thread's poke can wake the publisher early
        def wait(self, timeout: float) -> bool:
            time.sleep(min(timeout, 0.2))
            return False

        def close(self) -> None:
            pass

    path = write_config(tmp_path, sandbox_url=sandbox.url, database=db_url)
    assert run_cli(["--config", str(path), "init"]).code == 0
    with feed_server() as pub:
        for n in (1, 2):  # each entry's page is up, so the go-live check lets its posts go
            title = _item(n).title
            pub.put(f"/berita/{n}", f"<html><head><title>{title} - Humas</title></head><body><h1>{title}</h1>"
                    "</body></html>".encode(), kind="text/html; charset=utf-8")
        url = pub.put("/feed/", rss([_item(n, link=f"{pub.base}/berita/{n}") for n in (2, 1)]))
        added = run_cli(["--config", str(path), "feeds", "add", url, "--account", "sandbox_x", "--account",
                         "sandbox_fb", "--backfill", "1", "--every", "10s"])
        assert added.code == 0, added.err
        settings = load_settings(path)
        store = Store.open(settings.database)
        daemon = Daemon(settings, store, tick_seconds=3600, changes=Deaf)
        published = threading.Event()

        def watch() -> None:
            deadline = time.monotonic() + 30
            while len(sandbox.posts()) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            if len(sandbox.posts()) == 2:
                published.set()
            time.sleep(0.5)  # long enough for a wrong second take to show
            daemon.stop()

        threading.Thread(target=watch, daemon=True).start()
        daemon.run()
        store.close()
    assert published.is_set()
    posts = sandbox.posts()
    assert sorted(p["network"] for p in posts) == ["facebook", "x"]
    assert all("nomor 2" in (p.get("text") or p.get("message") or "") for p in posts), posts
    assert len(pub.hits("/berita/2")) >= 1  # the go-live check asked the entry's page before posting
