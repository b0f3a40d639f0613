"""``officers passwd`` and ``officers list`` as an officer types them (a real process, the
password asked twice and not shown), ``web`` refused without officers, and the daemon
serving the web page when ``[web] enabled = true``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.helpers import REPO, run_cli, write_config
from tests.web.conftest import Browser, free_port, make_site


def _passwd(config: Path, name: str, typed: str, *extra: str) -> subprocess.CompletedProcess[str]:
    # A new session has no controlling terminal: the hidden prompt reads standard input.
    return subprocess.run([sys.executable, "-m", "disseminator", "--config", str(config), "officers", "passwd", name,
                           *extra], input=typed, capture_output=True, text=True, cwd=REPO, timeout=120,
                          start_new_session=True)


def _logs_in(url: str, name: str, password: str) -> bool:
    browser = Browser(url)
    browser.page("/login")
    return browser.submit("/login", {"officer": name, "password": password}).status_code == 200


def test_officers_passwd_sets_a_password_the_web_page_accepts(tmp_path: Path, sandbox: object,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # Over 5 s: three CLI processes (a hidden prompt needs a real process) and a web server.
    config, database = make_site(tmp_path, sandbox.url)  # type: ignore[attr-defined]
    typed = _passwd(config, "budi", "sandi-baru-budi-2026\nsandi-baru-budi-2026\n")
    assert typed.returncode == 0, typed.stderr
    assert "Password set for officer budi" in typed.stdout
    assert "sandi-baru-budi-2026" not in typed.stdout + typed.stderr  # never shown
    mismatch = _passwd(config, "budi", "satu-sandi-panjang\ndua-sandi-panjang\n" * 3)
    assert mismatch.returncode != 0  # two different entries set nothing
    piped = _passwd(config, "approver", "sandi-approver-2026\n", "--password-stdin")
    assert piped.returncode == 0, piped.stderr
    with monkeypatch.context() as m:
        m.setattr("sys.stdin", io.StringIO("pendek\n"))
        short = run_cli(["--config", str(config), "officers", "passwd", "approver", "--password-stdin"])
    assert short.code == 1 and "at least 10 characters" in short.err
    with monkeypatch.context() as m:
        m.setattr("sys.stdin", io.StringIO("sandi-lain-untuk-locked\n"))
        done = run_cli(["--config", str(config), "officers", "passwd", "locked", "--password-stdin", "--json"])
    assert done.code == 0 and done.json() == {"officer": "locked", "web_password": True}, done.err
    unknown = run_cli(["--config", str(config), "officers", "passwd", "siapa", "--password-stdin"])
    assert unknown.code == 1 and "unknown officer 'siapa'" in unknown.err
    # The database keeps an argon2 hash, never the password.
    import sqlite3

    with sqlite3.connect(database.removeprefix("sqlite:///")) as db:
        stored = dict(db.execute("SELECT officer, hash FROM officer_passwords").fetchall())
    assert stored["budi"].startswith("$argon2id$") and "sandi-baru-budi-2026" not in stored["budi"]
    listed = json.loads(run_cli(["--config", str(config), "officers", "list", "--json"]).out)
    assert {r["name"]: r["web_password"] for r in listed}["budi"] is True
    port = free_port()
    from tests.web.conftest import start_web

    proc = start_web(config, port)
    try:
        url = f"http://127.0.0.1:{port}"
        assert _logs_in(url, "budi", "sandi-baru-budi-2026")
        assert not _logs_in(url, "budi", "budi-sandi-rahasia")  # the old one no longer works
        assert _logs_in(url, "approver", "sandi-approver-2026")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_only_an_admin_sets_passwords(tmp_path: Path, sandbox: object) -> None:
    config, _db = make_site(tmp_path, sandbox.url)  # type: ignore[attr-defined]
    text = config.read_text(encoding="utf-8")
    config.write_text("allow_as = true\n" + text, encoding="utf-8")
    refused = run_cli(["--config", str(config), "--as", "budi", "officers", "passwd", "budi", "--password-stdin"])
    assert refused.code == 1 and "needs the admin role" in refused.err


def test_web_without_officers_is_refused(tmp_path: Path) -> None:
    config = write_config(tmp_path, sandbox_url=None, database=f"sqlite:///{tmp_path / 'd.db'}")
    assert run_cli(["--config", str(config), "init"]).code == 0
    result = run_cli(["--config", str(config), "web", "--port", str(free_port())])
    assert result.code == 2 and "the web page needs officers" in result.err


def test_the_daemon_serves_the_web_page_when_enabled(tmp_path: Path, sandbox: object) -> None:
    port = free_port()
    config, _db = make_site(tmp_path, sandbox.url, web=f"enabled = true\nport = {port}\n")  # type: ignore[attr-defined]
    proc = subprocess.Popen([sys.executable, "-m", "disseminator", "--config", str(config), "daemon"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        answer = None
        while time.monotonic() < deadline and answer is None:
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/login", timeout=2)
            except requests.ConnectionError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                time.sleep(0.2)
        assert answer is not None and answer.status_code == 200
        assert _logs_in(f"http://127.0.0.1:{port}", "budi", "budi-sandi-rahasia")
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert f"Web page at http://127.0.0.1:{port}/" in err
