"""What a quick command imports: an officer runs ``queue`` many times a day, so neither it
nor ``--help`` pays for the network clients, the scheduler, image handling or (for
``--help``) the database layer.  An import check in a fresh interpreter, not a time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO, run_cli, write_config

#: Imported only by the commands that use them (publishing, the daemon, images, the sandbox).
#: httpx: Bluesky's transport, loaded by a call to the network, not by reading its account.
HEAVY = ("tweepy", "facebook", "PIL", "apscheduler", "prometheus_client", "werkzeug", "dateparser", "jinja2", "alembic",
         "httpx")

PROBE = """
import json, sys
from disseminator.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _imported(*args: str, cwd: Path, full: bool = False) -> set[str]:
    """The modules the command imported: top-level names, or with ``full`` every dotted name."""
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p),
                               "DISSEMINATOR_LANGUAGE": "en", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["code"] == 0, done.stderr[-2000:]
    return set(found["modules"]) if full else {m.split(".")[0] for m in found["modules"]}


def test_help_imports_no_heavy_module(tmp_path: Path) -> None:
    modules = _imported("--help", cwd=tmp_path)
    assert not modules & {*HEAVY, "sqlalchemy", "requests", "rich"}, sorted(modules & {*HEAVY, "sqlalchemy", "requests", "rich"})


@pytest.mark.parametrize("command", [["queue"], ["history"], ["queue", "--json"]])
def test_queue_and_history_import_no_client_scheduler_or_images(tmp_path: Path, command: list[str]) -> None:
    config = write_config(tmp_path, sandbox_url="http://127.0.0.1:9", database=f"sqlite:///{tmp_path / 'q.db'}")
    assert run_cli(["--config", str(config), "init"]).code == 0
    modules = _imported("--config", str(config), *command, cwd=tmp_path)
    assert "sqlalchemy" in modules  # the probe saw the command run
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_queue_without_accounts_imports_no_http_client(tmp_path: Path) -> None:
    """The log filter and the configuration do not need ``requests`` (the channels'
    settings are read from their classes, which sit on it, only when accounts exist)."""
    (tmp_path / "disseminator.toml").write_text(f'database = "sqlite:///{tmp_path / "q.db"}"\n', encoding="utf-8")
    assert run_cli(["--config", str(tmp_path / "disseminator.toml"), "init"]).code == 0
    modules = _imported("--config", str(tmp_path / "disseminator.toml"), "queue", cwd=tmp_path)
    assert "sqlalchemy" in modules and "requests" not in modules


def test_queue_imports_no_image_handling(tmp_path: Path) -> None:
    """Only a ``[card]`` table is checked against the card maker (channels.media.cards):
    reading the configuration of a queue does not load the image modules, nor the
    fetcher's urllib.request."""
    config = write_config(tmp_path, sandbox_url="http://127.0.0.1:9", database=f"sqlite:///{tmp_path / 'q.db'}")
    assert run_cli(["--config", str(config), "init"]).code == 0
    modules = _imported("--config", str(config), "queue", cwd=tmp_path, full=True)
    assert "disseminator.config" in modules  # the probe saw the command read its configuration
    assert not {m for m in modules if m == "channels.media" or m.startswith("channels.media.")}, \
        sorted(m for m in modules if m.startswith("channels.media"))
