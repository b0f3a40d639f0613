"""``status``: daemons alive, the queue by account, what waits; exit 1 while a problem holds."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
import time
from pathlib import Path

from channels.base import Article, Draft
from disseminator.articles import content_hash
from disseminator.config import load_settings
from disseminator.store import DaemonRow, HoldKind, Store


def _store(config: Path) -> Store:
    return Store.open(load_settings(config).database)


def _post(store: Store, n: int, *, minutes: int, account: str = "sandbox_fb") -> int:
    art = Article(title=f"Siaran status {n}", url=f"https://humas.example.go.id/s/{n}")
    added = store.add_article(art, source=None, content_hash=content_hash(art))
    when = store.clock.now() + dt.timedelta(minutes=minutes)
    return store.add_post(article_id=added.id, account=account, channel="facebook", variant="default",
                          draft=Draft(parts=(f"Teks status {n}",)), scheduled_at=when).id


def test_a_quiet_installation_is_fine(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("status")
    assert result.code == 0, result.err
    assert "No daemon is running" in result.out and "Nothing is waiting to go out." in result.out
    data = cli("status", "--json").json()
    assert set(data) >= {"now", "daemons", "accounts", "next_due", "holds", "overdue", "problems"}
    assert data["problems"] == []


def test_queue_counts_and_the_next_due_post(cli, config: Path) -> None:  # type: ignore[no-untyped-def]
    store = _store(config)
    first = _post(store, 1, minutes=30)
    _post(store, 2, minutes=90)
    _post(store, 3, minutes=60, account="sandbox_x")
    store.close()
    data = cli("status", "--json").json()
    assert data["accounts"] == {"sandbox_fb": {"scheduled": 2}, "sandbox_x": {"scheduled": 1}}
    assert data["next_due"]["id"] == first and data["next_due"]["account"] == "sandbox_fb"
    text = cli("status")
    assert text.code == 0 and f"Next due: post {first} for sandbox_fb" in text.out


def test_each_problem_is_one_line_and_the_exit_status_is_1(cli, config: Path) -> None:  # type: ignore[no-untyped-def]
    store = _store(config)
    _post(store, 1, minutes=-30)  # overdue: nobody publishes
    from disseminator import holds

    holds.place(store, "sandbox_x", HoldKind.ATTENTION, reason="token refused (code 190)")
    long_ago = store.clock.now() - dt.timedelta(minutes=10)
    with store.session() as s:
        s.add(DaemonRow(worker="server-2:4242", host="server-2", pid=4242, version="0.1.0", tick_seconds=30,
                        started_at=long_ago, last_beat=long_ago))
    store.close()
    result = cli("status")
    assert result.code == 1
    problems = [line for line in result.err.splitlines() if line.startswith("problem: ")]
    assert any("server-2:4242 on server-2 stopped beating" in p for p in problems), result.err
    assert any("sandbox_fb: 1 post is overdue by more than 5 minutes" in p for p in problems), result.err
    assert any("sandbox_x needs attention: token refused (code 190)" in p for p in problems), result.err
    assert len(cli("status", "--json").json()["problems"]) == 3


def test_a_running_daemon_beats_and_says_when_it_stops(cli, config: Path) -> None:  # type: ignore[no-untyped-def]
    proc = subprocess.Popen([sys.executable, "-m", "disseminator", "--config", str(config), "daemon", "--tick", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(d["alive"] for d in cli("status", "--json").json()["daemons"]):
            time.sleep(0.2)
        running = cli("status")
        assert running.code == 0 and "Daemon " in running.out and "last seen" in running.out, running.out
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=90)  # a bound, not a timing: the post in hand, then each thread joined
    [daemon] = cli("status", "--json").json()["daemons"]
    assert daemon["stopped_at"] is not None and not daemon["alive"]
    assert cli("status").code == 0  # a daemon that said it stopped is not a problem
