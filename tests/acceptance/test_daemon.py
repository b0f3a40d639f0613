"""The daemon publishes due posts as they come and stops cleanly on SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import article_file


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


def test_daemon_publishes_and_stops_on_sigterm(cli, config: Path, sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    proc = subprocess.Popen([sys.executable, "-m", "disseminator", "--config", str(config), "daemon", "--tick", "0.3"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        cli("article", "add", str(article_file(tmp_path)))
        assert cli("schedule", "1", "--account", "sandbox_x", "--account", "sandbox_fb", "--now").code == 0
        deadline = time.monotonic() + 30
        while len(sandbox.posts()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(sandbox.posts()) == 2
        time.sleep(1)  # more ticks: nothing is published twice
        assert len(sandbox.posts()) == 2
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=90)  # a bound, not a timing: the post in hand, then each thread joined
    assert proc.returncode == 0, err
    assert out.count("Published post") == 2
    assert "Daemon stopped" in err
    assert {h["status"] for h in cli("history", "--json").json()} == {"published"}


def test_a_run_longer_than_the_tick_is_skipped_quietly(cli, config: Path, sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Every answer takes 0.4 s, so a run over three posts (several calls each) spans many
    # 0.1 s ticks: each such tick is skipped without APScheduler's warnings.
    sandbox.set_faults({"latency_ms": 400})
    cli("article", "add", str(article_file(tmp_path)))
    assert cli("schedule", "1", "--account", "sandbox_x", "--account", "sandbox_fb", "--now").code == 0
    proc = subprocess.Popen([sys.executable, "-m", "disseminator", "--config", str(config), "daemon", "--tick", "0.1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while len(sandbox.posts()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out.count("Published post") == 2
    assert "maximum number of running instances" not in err
    assert "was missed by" not in err
    assert "WARNING apscheduler" not in err and "WARNING disseminator.daemon.scheduler" not in err


@pytest.mark.parametrize(
    ("tick", "shown"), [("-5", "-5"), ("0", "0"), ("0.001", "0.001"), ("86400", "86400"), ("nan", "nan"), ("x", "'x'")]
)
def test_a_tick_out_of_range_is_refused(tmp_path: Path, tick: str, shown: str) -> None:
    from tests.helpers import run_cli

    result = run_cli(["--config", str(tmp_path / "none.toml"), "daemon", "--tick", tick])
    assert result.code == 2
    assert result.err == (f"error: Invalid value for '--tick': expected a number of seconds from 0.1 to 3,600, "
                          f"got {shown} (see 'disseminator daemon --help')\n")


@pytest.mark.parametrize("tick", [0, -5, 0.0, float("inf")])
def test_the_library_refuses_a_tick_out_of_range_too(tick: float) -> None:
    from disseminator.config import parse_settings
    from disseminator.daemon import Daemon
    from disseminator.errors import UsageError

    with pytest.raises(UsageError, match=r"^tick: expected a number of seconds from 0.1 to 3,600"):
        Daemon(parse_settings({}), store=None, tick_seconds=tick)  # type: ignore[arg-type]


def _wait_for(condition, seconds: float = 30) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return bool(condition())


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_an_idle_daemon_wakes_when_a_post_is_queued_elsewhere(request: pytest.FixtureRequest, sandbox, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                               database: str) -> None:
    """Its timer says an hour: only the change (NOTIFY on PostgreSQL, the data version on
    SQLite) can make it publish a post queued by another process right away."""
    from tests.helpers import run_cli, write_config

    url = f"sqlite:///{tmp_path / 'wake.db'}" if database == "sqlite" else request.getfixturevalue("pg_url")
    config = write_config(tmp_path, sandbox_url=sandbox.url, database=url)
    assert run_cli(["--config", str(config), "init"]).code == 0
    proc = subprocess.Popen([sys.executable, "-m", "disseminator", "--config", str(config), "daemon", "--tick", "3600"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(2)  # started, ran once (nothing due), asleep until the hour is up
        run_cli(["--config", str(config), "article", "add", str(article_file(tmp_path))])
        assert run_cli(["--config", str(config), "schedule", "1", "--account", "sandbox_fb", "--now"]).code == 0
        assert _wait_for(lambda: len(sandbox.posts()) == 1), "the daemon slept through a post queued now"
        assert run_cli(["--config", str(config), "schedule", "1", "--account", "sandbox_x", "--now"]).code == 0
        assert _wait_for(lambda: len(sandbox.posts()) == 2), "the daemon woke once, not twice"
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=90)  # a bound, not a timing: the post in hand, then each thread joined
    assert proc.returncode == 0, err
    assert out.count("Published post") == 2


def test_the_daemon_sleeps_until_the_next_post_and_no_longer(cli, config: Path, sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """In process, with a tick of an hour and no change to wake it: the timer alone, set to
    the post's time, publishes it; meanwhile the daemon does not poll."""
    import datetime as dt
    import threading

    from disseminator.queue.moves import reschedule
    from disseminator.config import load_settings
    from disseminator.daemon import Daemon
    from disseminator.store import Store

    class Deaf:  # hears no change: only the timer can wake the daemon
        def wait(self, timeout: float) -> bool:
            time.sleep(min(timeout, 0.2))
            return False

        def close(self) -> None:
            pass

    cli("article", "add", str(article_file(tmp_path)))
    assert cli("schedule", "1", "--account", "sandbox_fb", "--at", "besok 09.00").code == 0
    settings = load_settings(config)
    store = Store.open(settings.database)
    reschedule(store, 1, store.clock.now() + dt.timedelta(seconds=2))
    daemon = Daemon(settings, store, tick_seconds=3600, changes=Deaf)
    published = threading.Event()
    threading.Thread(target=lambda: (_wait_for(lambda: len(sandbox.posts()) == 1, 30), published.set(),
                                     time.sleep(1.5), daemon.stop()), daemon=True).start()
    daemon.run()  # in the main thread: it installs signal handlers
    store.close()
    assert published.is_set() and len(sandbox.posts()) == 1
    # One run at start (nothing due yet), one at the post's time; none while it waited.
    assert daemon.runs <= 3, daemon.runs


def test_an_idle_daemon_does_not_wake_itself(config: Path) -> None:
    """Its own writes (the heartbeat, a run's bookkeeping) change the SQLite file too: they
    must not wake it again and again.  With nothing queued and a tick of an hour, three
    seconds see the first run, at most the one its first heartbeat causes, and at most one
    from the operations thread's first bookmark (alerts); a loop made 12 in 3 seconds."""
    import threading

    from disseminator.config import load_settings
    from disseminator.daemon import Daemon
    from disseminator.store import Store

    settings = load_settings(config)
    store = Store.open(settings.database)
    daemon = Daemon(settings, store, tick_seconds=3600)  # the real change watch
    threading.Timer(3, daemon.stop).start()
    daemon.run()
    store.close()
    assert daemon.runs <= 3, daemon.runs


def test_log_lines_as_json_for_log_collectors(config: Path) -> None:
    """``--log-format json``: one JSON object a line, times in the configured zone, and a
    secret of the configuration redacted as in text lines."""
    import json

    proc = subprocess.Popen([sys.executable, "-m", "disseminator", "--log-format", "json", "--config", str(config),
                             "--debug", "daemon", "--tick", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    from tests.helpers import run_cli

    def alive() -> bool:
        found = run_cli(["--config", str(config), "status", "--json"])
        return any(d["alive"] for d in found.json()["daemons"])

    assert _wait_for(alive), "the daemon did not start"
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=90)  # a bound, not a timing: the post in hand, then each thread joined
    assert proc.returncode == 0, err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert any(line["logger"] == "disseminator.daemon" and line["message"].startswith("daemon.started") for line in lines)
    assert all(set(line) >= {"time", "level", "logger", "message"} for line in lines)
    assert all(line["time"].endswith("+0700") for line in lines)  # the configured zone, Asia/Jakarta
    from disseminator.sandbox.credentials import DEFAULT

    assert DEFAULT.fb_page_token not in err


def test_sigterm_during_a_busy_run_finishes_the_posts_in_hand_and_exits(cli, config: Path, sandbox,  # type: ignore[no-untyped-def]
                                                                        tmp_path: Path) -> None:
    """Twelve posts over two accounts at half a second a call: SIGTERM after the first is
    out.  The daemon claims nothing more, finishes what it holds, exits 0; every post is
    either published (once) or still scheduled, none left claimed."""
    sandbox.set_faults({"latency_ms": 500})
    for i in range(6):
        path = article_file(tmp_path, f"b{i}.md", title=f"Siaran sibuk {i}", url=f"https://humas.example.go.id/b/{i}")
        assert cli("schedule", str(path), "--account", "sandbox_x", "--account", "sandbox_fb", "--now").code == 0
    proc = subprocess.Popen([sys.executable, "-m", "disseminator", "--config", str(config), "daemon"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert _wait_for(lambda: len(sandbox.posts()) >= 1, 60), "nothing was published"
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    rows = cli("queue", "--status", "all", "--json").json()
    assert len(rows) == 12
    published = [r for r in rows if r["status"] == "published"]
    assert {r["status"] for r in rows} <= {"published", "scheduled"}, rows
    assert 1 <= len(published) < 12  # it stopped before the end ...
    assert len(sandbox.posts()) == len(published)  # ... and what it published went out once
