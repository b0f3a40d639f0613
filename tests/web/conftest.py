"""A real web server for HTTP tests: ``disseminator web --port N`` started as a process
against a temporary configuration (officers with passwords, the sandbox's accounts) and an
initialised SQLite database.  One server per test module (starting one takes a second or
two); tests that change shared state (a rate limit) use officers of their own."""

from __future__ import annotations

import datetime as dt
import getpass
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.helpers import REPO, run_cli

#: Officer -> (roles, password).  ``admin`` is the operating-system user running the tests
#: (so the CLI acts as admin); ``locked`` is for the brute-force test only.
OFFICERS = {
    "admin": (["admin"], "admin-sandi-rahasia"),
    "approver": (["approver"], "approver-sandi-rahasia"),
    "budi": (["drafter"], "budi-sandi-rahasia"),
    "locked": (["drafter"], "locked-sandi-rahasia"),
}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def officers_toml() -> str:
    me = getpass.getuser()
    lines = []
    for name, (roles, _password) in OFFICERS.items():
        user = me if name == "admin" else f"{name}-os"
        lines.append(f'[officers.{name}]\nroles = {roles!r}\nos_user = "{user}"\n'.replace("'", '"'))
    return "\n".join(lines)


@dataclass
class WebServer:
    url: str
    config: Path
    database: str
    proc: subprocess.Popen[str]
    sandbox: Any

    def cli(self, *args: str) -> Any:
        return run_cli(["--config", str(self.config), *args])


def start_web(config: Path, port: int, *, timeout: float = 60) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-m", "disseminator", "--config", str(config), "web", "--port", str(port)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"web server exited {proc.returncode}: {proc.stderr.read() if proc.stderr else ''}")
        try:
            requests.get(f"http://127.0.0.1:{port}/login", timeout=2)
            return proc
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("web server did not start")


def make_site(folder: Path, sandbox_url: str, *, web: str = "", database: str | None = None,
              top: str = "") -> tuple[Path, str]:
    """A configuration (officers, the sandbox's accounts, ``[web]``) and its database
    (SQLite in ``folder`` unless ``database`` names another), initialised.  ``top``: keys
    for the top of the file (``approval = "one"``), ``web``: more ``[web]`` keys."""
    from disseminator.config import load_settings
    from disseminator.store.web_models import PasswordRow
    from disseminator.starter import starter_config
    from disseminator.store import Store

    database = database or f"sqlite:///{folder / 'web.db'}"
    config = folder / "disseminator.toml"
    config.write_text(top + "\n" + starter_config(sandbox_url, database=database) + "\n" + officers_toml() + "\n" +
                      "[web]\n" + _web_keys(web), encoding="utf-8")
    result = run_cli(["--config", str(config), "init"])
    assert result.code == 0, result.err
    settings = load_settings(config)
    store = Store.open(settings.database)
    try:
        with store.session() as s:  # hashed once per test process: argon2 is slow on purpose
            for name, hashed in _hashes().items():
                s.add(PasswordRow(officer=name, hash=hashed, set_at=dt.datetime.now(dt.timezone.utc)))
    finally:
        store.close()
    return config, database


#: The test sites' limits; ``make_site(web=...)`` may set others.
WEB_DEFAULTS = {"login_attempts": 3, "address_attempts": 50, "login_wait": 600}


def _web_keys(web: str) -> str:
    given = {line.split("=", 1)[0].strip() for line in web.splitlines() if "=" in line}
    return "".join(f"{k} = {v}\n" for k, v in WEB_DEFAULTS.items() if k not in given) + web


_HASHES: dict[str, str] = {}


def _hashes() -> dict[str, str]:
    """Each officer's password hashed as ``officers passwd`` hashes it (tests/web/test_web_cli.py
    sets them through the CLI itself)."""
    from disseminator.passwords import _hasher

    if not _HASHES:
        _HASHES.update({name: _hasher().hash(password) for name, (_roles, password) in OFFICERS.items()})
    return _HASHES


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    from disseminator.sandbox import SandboxOptions, start_sandbox

    folder = tmp_path_factory.mktemp("web")
    (folder / "media").mkdir()
    sandbox = start_sandbox(SandboxOptions(port=0, media_dir=str(folder / "media")))
    try:
        config, database = make_site(folder, sandbox.url)
        port = free_port()
        proc = start_web(config, port)
        try:
            yield WebServer(f"http://127.0.0.1:{port}", config, database, proc, sandbox)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    finally:
        sandbox.stop()


class Browser(requests.Session):
    """A session against the server that keeps the CSRF token of the last page it read and
    sends it with every :meth:`submit`."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base
        self.csrf = ""

    def page(self, path: str, **kwargs: Any) -> requests.Response:
        response = self.get(self.base + path, **kwargs)
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def submit(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> requests.Response:
        response = self.post(self.base + path, data={"csrf": self.csrf, **(data or {})}, **kwargs)
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response


def login(web: WebServer, name: str, password: str | None = None) -> Browser:
    """A :class:`Browser` logged in as ``name`` (its password from :data:`OFFICERS`)."""
    browser = Browser(web.url)
    browser.page("/login")
    response = browser.submit("/login", {"officer": name, "password": password or OFFICERS[name][1]})
    assert response.status_code == 200 and "/login" not in response.url, response.text[-500:]
    return browser
