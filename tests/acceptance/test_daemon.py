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
        out, err = proc.communicate(timeout=30)
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
