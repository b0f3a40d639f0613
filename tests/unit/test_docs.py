"""Every command has help and is documented; --help stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

from disseminator.cli import COMMANDS
from tests.helpers import REPO, run_cli


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_help_and_is_in_readme(name: str) -> None:
    result = run_cli([name, "--help"])
    assert result.code == 0, result.err
    assert "Usage:" in result.out and len(result.out.splitlines()) > 3
    assert f"disseminator {name}" in (REPO / "README.md").read_text(encoding="utf-8")


SUBCOMMANDS = [("article", "add"), ("article", "list"), ("article", "show"), ("accounts", "list"),
               ("accounts", "check"), ("db", "upgrade"), ("db", "current"), ("post", "show"),
               ("accounts", "pause"), ("accounts", "resume")]


@pytest.mark.parametrize(("group", "name"), SUBCOMMANDS)
def test_every_subcommand_has_help_and_is_in_readme(group: str, name: str) -> None:
    result = run_cli([group, name, "--help"])
    assert result.code == 0, result.err
    assert f"Usage: disseminator {group} {name}" in result.out
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"disseminator {group} {name}" in readme or f"`{group} {name}" in readme


def test_help_does_not_import_network_clients_or_scheduler() -> None:
    code = (
        "import sys\n"
        "from disseminator.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('tweepy', 'facebook', 'apscheduler', 'PIL', 'sqlalchemy', 'werkzeug', 'dateparser', 'jinja2')"
        " if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY=\n" in out and out.rstrip().endswith("HEAVY="), out[-200:]
