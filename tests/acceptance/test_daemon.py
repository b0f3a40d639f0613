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
