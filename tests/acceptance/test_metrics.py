"""``daemon --metrics-port``: Prometheus' text format from a real daemon process."""

from __future__ import annotations

import datetime as dt
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from channels.base import Article, Draft
from disseminator import holds
from disseminator.articles import content_hash
from disseminator.config import load_settings
from disseminator.store import HoldKind, Store
from tests.helpers import run_cli


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _post(store: Store, n: int, account: str, minutes: float) -> int:
    art = Article(title=f"Siaran metrik {n}", url=f"https://humas.example.go.id/m/{n}")
    added = store.add_article(art, source=None, content_hash=content_hash(art))
    return store.add_post(article_id=added.id, account=account, channel="facebook", variant="default",
                          draft=Draft(parts=(f"Teks metrik {n}",)),
                          scheduled_at=store.clock.now() + dt.timedelta(minutes=minutes)).id


def _sample(text: str, name: str) -> float | None:
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{") and line.split(" ")[0] == name:
            return float(line.rsplit(" ", 1)[1])
    return None


def test_metrics_from_a_running_daemon(config: Path) -> None:
    settings = load_settings(config)
    store = Store.open(settings.database)
    _post(store, 1, "sandbox_fb", minutes=-0.1)
    _post(store, 2, "sandbox_ig", minutes=-1)
    holds.place(store, "sandbox_ig", HoldKind.PAUSE, reason="berkabung")  # a due post that waits
    store.close()
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "disseminator", "--config", str(config), "daemon", "--tick", "1",
                             "--metrics-port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    text = ""
    try:
        deadline = time.monotonic() + 30
        published = 'disseminator_posts_published_total{account="sandbox_fb",channel="facebook"} 1.0'
        # The queue's figures are cached a few seconds: wait for the post's publication in both.
        while time.monotonic() < deadline and not (published in text and _sample(text, "disseminator_posts_due") == 0):
            try:
                text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert published in text, text
    assert f"Prometheus metrics at http://127.0.0.1:{port}/metrics" in err
    assert _sample(text, "disseminator_lateness_seconds_count") == 1.0
    assert (_sample(text, "disseminator_daemon_runs_total") or 0) >= 1
    assert 'disseminator_posts_waiting{reason="pause"} 1.0' in text
    assert _sample(text, "disseminator_posts_due") == 0.0
    assert "# TYPE disseminator_lateness_seconds histogram" in text


def test_the_metrics_listen_on_localhost_only_by_default(config: Path) -> None:
    from disseminator.daemon import Daemon

    settings = load_settings(config)
    store = Store.open(settings.database)
    d = Daemon(settings, store, metrics_port=0)
    try:
        port = d.serve_metrics()
        assert d.metrics._server.server_address[0] == "127.0.0.1"
        assert requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).status_code == 200
    finally:
        d.metrics.close()
        store.close()


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_a_bad_metrics_port_is_refused(config: Path, port: str) -> None:
    result = run_cli(["--config", str(config), "daemon", "--metrics-port", port])
    assert result.code == 2 and "--metrics-port" in result.err and "1 to 65,535" in result.err


def test_a_port_in_use_is_one_clear_line(config: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(["--config", str(config), "daemon", "--metrics-port", str(port)])
    assert result.code != 0 and f"cannot listen on 127.0.0.1:{port}" in result.err
    assert "Traceback" not in result.err


def test_worker_metrics_port_turns_them_on_and_is_checked(tmp_path: Path) -> None:
    from disseminator.config import parse_settings
    from disseminator.daemon import Daemon
    from disseminator.errors import ConfigError

    url = f"sqlite:///{tmp_path / 'm.db'}"
    settings = parse_settings({"database": url, "worker": {"metrics_port": 9464}})
    assert settings.worker.metrics_port == 9464
    assert run_cli(["--config", str(_config(tmp_path, url, "")), "init"]).code == 0
    store = Store.open(url)
    try:
        assert Daemon(settings, store).metrics_port == 9464  # the flag is not needed
        assert Daemon(settings, store, metrics_port=9500).metrics_port == 9500  # the flag wins
        assert Daemon(parse_settings({"database": url}), store).metrics_port is None  # off by default
    finally:
        store.close()
    with pytest.raises(ConfigError, match="worker.metrics_port: expected a whole number from 1 to 65,535"):
        parse_settings({"database": url, "worker": {"metrics_port": 0}})


def _config(folder: Path, url: str, extra: str) -> Path:
    path = folder / "disseminator.toml"
    path.write_text(f'database = "{url}"\n' + extra, encoding="utf-8")
    return path
