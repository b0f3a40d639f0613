"""Chaos: a worker frozen (SIGSTOP) past its lease in the middle of Instagram's
multi-call publish, a second worker taking over, the first woken again; and a worker whose
machine clock runs 20 minutes ahead.  Every post ends on its network exactly once, and no
post goes out before its time.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from channels.clock import SystemClock
from disseminator.config import load_settings
from disseminator.sandbox import SandboxOptions, start_sandbox
from disseminator.store import Store
from disseminator.worker import Worker
from tests.helpers import REPO, article_file, run_cli, write_config


@pytest.fixture
def slow_instagram(tmp_path: Path) -> Iterator[object]:
    media = tmp_path / "media"
    media.mkdir()
    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", media / "f.jpg")
    server = start_sandbox(SandboxOptions(port=0, media_dir=str(media), container_delay=2.5))
    try:
        yield server
    finally:
        server.stop()


def _config(tmp_path: Path, sandbox: object, db_url: str) -> Path:
    config = write_config(tmp_path, sandbox_url=sandbox.url, database=db_url,  # type: ignore[attr-defined]
                          extra="\n[worker]\nlease_seconds = 1\n")
    config.write_text(config.read_text().replace('ig_user_id = "17841400000000001"',
                                                 'ig_user_id = "17841400000000001"\npoll_seconds = 0.1'))
    assert run_cli(["--config", str(config), "init"]).code == 0
    return config


def _queue(config: Path, tmp_path: Path, sandbox: object, n: int, account: str, when: str = "--now") -> None:
    cli = lambda *a: run_cli(["--config", str(config), *a])  # noqa: E731
    paths = [str(article_file(tmp_path, f"c{i}.md", title=f"Rilis uji kekacauan nomor {i}",
                              url=f"https://humas.example.go.id/chaos/{i}",
                              image=f"{sandbox.url}/media/f.jpg"))  # type: ignore[attr-defined]
             for i in range(n)]
    assert cli("article", "add", *paths).code == 0
    for i in range(1, n + 1):
        args = ["--now"] if when == "--now" else ["--at", when]
        assert cli("schedule", str(i), "--account", account, *args).code == 0, cli("schedule", str(i)).err


def _freeze_outside_a_write(pid: int, db_url: str) -> None:
    """SIGSTOP the worker, but not in the middle of a SQLite write (its heartbeat extends
    the lease several times a second): a process frozen holding SQLite's one write lock
    stops every other writer, which is SQLite's nature and not what this test is about."""
    import sqlite3

    for _attempt in range(50):
        os.kill(pid, signal.SIGSTOP)
        if not db_url.startswith("sqlite"):
            return
        probe = sqlite3.connect(db_url.split("sqlite:///", 1)[1], timeout=0.2, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return
        except sqlite3.OperationalError:
            os.kill(pid, signal.SIGCONT)
            time.sleep(0.01)
        finally:
            probe.close()
    raise AssertionError("the worker never left the database's write lock")


def test_a_worker_frozen_mid_instagram_publish_never_posts_a_second_copy(
        tmp_path: Path, slow_instagram: object, db_url: str) -> None:
    sandbox = slow_instagram
    config = _config(tmp_path, sandbox, db_url)
    _queue(config, tmp_path, sandbox, 3, "sandbox_ig")
    frozen = subprocess.Popen([sys.executable, "-m", "disseminator", "--config", str(config), "run-due"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not sandbox.app.state.data["containers"]:  # type: ignore[attr-defined]
            assert time.monotonic() < deadline and frozen.poll() is None, "the worker made no container"
            time.sleep(0.05)
        _freeze_outside_a_write(frozen.pid, db_url)  # frozen inside the container wait, holding a claim
        time.sleep(2.5)  # well past its one-second lease
        settings = load_settings(config)
        rescuer = Worker(settings, Store(settings.database), worker_id="rescuer")
        for _ in range(10):
            report = rescuer.run_due()
            if not report.outcomes and not report.recovered:
                break
        os.kill(frozen.pid, signal.SIGCONT)  # it wakes, finds its claim gone, writes nothing
        frozen.communicate(timeout=60)
    finally:
        if frozen.poll() is None:
            os.kill(frozen.pid, signal.SIGCONT)
            frozen.kill()
    posts = [p for p in sandbox.posts() if p["network"] == "instagram"]  # type: ignore[attr-defined]
    assert len(posts) == 3 and len({p["text"] for p in posts}) == 3, posts  # each once
    store = Store(load_settings(config).database)
    rows = store.posts(None)
    assert {r.status for r in rows} == {"published"}
    assert {r.remote_ids[0] for r in rows} == {p["id"] for p in posts}
    # The frozen worker's own account of it: it lost the claim and sent nothing more.
    lost = [a for a in store.attempts() if a.outcome == "lost_claim"]
    recovered = [e for r in rows for e in store.events(r.id) if e.edge == "recover"]
    assert recovered and lost and all(a.worker != "rescuer" for a in lost)


def test_a_worker_whose_clock_runs_ahead_takes_no_live_claim_and_publishes_nothing_early(
        tmp_path: Path, slow_instagram: object, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL every worker reads the database's clock, so a machine 20 minutes ahead
    changes nothing: it neither takes a live claim over nor publishes a post early."""
    sandbox = slow_instagram
    config = _config(tmp_path, sandbox, pg_url)
    soon = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=10)).isoformat(timespec="seconds")
    _queue(config, tmp_path, sandbox, 2, "sandbox_fb", when=soon)
    settings = load_settings(config)
    honest = Store(settings.database)
    from disseminator.queue.claim import claim_next

    # The skewed machine: its own clock says 20 minutes later than it is.
    real_now = SystemClock.now
    monkeypatch.setattr(SystemClock, "now", lambda self: real_now(self) + dt.timedelta(minutes=20))
    skewed = Worker(settings, Store(settings.database), worker_id="skewed")
    report = skewed.run_due()
    assert report.outcomes == [] and report.recovered == []  # nothing due by the database's clock
    assert sandbox.posts() == []  # type: ignore[attr-defined]
    # And a live claim another worker holds (a ten-minute lease by the database's clock)
    # is not taken over.
    monkeypatch.setattr(SystemClock, "now", real_now)
    from sqlalchemy import update

    from disseminator.store import PostRow

    with honest.session() as s:
        s.execute(update(PostRow).values(next_attempt_at=honest.clock.now() - dt.timedelta(seconds=1)))
    first = claim_next(honest, worker="honest", now=honest.clock.now(), lease=dt.timedelta(minutes=10))
    assert first is not None
    monkeypatch.setattr(SystemClock, "now", lambda self: real_now(self) + dt.timedelta(minutes=20))
    report = skewed.run_due()
    assert report.recovered == [] and [o.post_id for o in report.outcomes] != [first.id]
    assert honest.post(first.id).claimed_by == "honest"
