"""The daemon and the posting plan: a pause of every account that ends by itself wakes the
daemon at its end (the hold's ``until`` is one of the times it sleeps until), and the
posts that waited go then, once."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest

from tests.helpers import article_file


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


def _wait_for(condition, seconds: float = 30) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return bool(condition())


def test_a_pause_of_every_account_ends_by_itself_and_the_daemon_wakes_for_it(cli, config: Path, sandbox,  # type: ignore[no-untyped-def]
                                                                              tmp_path: Path) -> None:
    from disseminator import holds
    from disseminator.config import load_settings
    from disseminator.daemon import Daemon
    from disseminator.store import HoldKind, Store

    class Deaf:  # hears no change: only the timer can wake the daemon
        def wait(self, timeout: float) -> bool:
            time.sleep(min(timeout, 0.2))
            return False

        def close(self) -> None:
            pass

    cli("article", "add", str(article_file(tmp_path)))
    assert cli("schedule", "1", "--account", "sandbox_fb", "--account", "sandbox_x", "--now").code == 0
    settings = load_settings(config)
    store = Store.open(settings.database)
    holds.place(store, holds.ALL, HoldKind.PAUSE, reason="mengheningkan cipta",
                until=store.clock.now() + dt.timedelta(seconds=2))
    daemon = Daemon(settings, store, tick_seconds=3600, changes=Deaf)
    seen_early: list[int] = []
    done = threading.Event()

    def watch() -> None:
        time.sleep(1)
        seen_early.append(len(sandbox.posts()))  # still paused
        _wait_for(lambda: len(sandbox.posts()) == 2, 30)
        done.set()
        time.sleep(1)
        daemon.stop()

    threading.Thread(target=watch, daemon=True).start()
    daemon.run()
    store.close()
    assert seen_early == [0] and done.is_set()
    assert sorted(p["network"] for p in sandbox.posts()) == ["facebook", "x"]
    assert daemon.runs <= 4, daemon.runs  # at start, at the pause's end (and its aftermath): no polling
