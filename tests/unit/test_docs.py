"""Every command has help and is documented; --help stays light."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from disseminator.cli import COMMANDS
from tests.helpers import REPO, run_cli


def _command(*path: str) -> click.Command:
    from disseminator.cli import cli

    command: click.Command = cli
    ctx = click.Context(cli)
    for name in path:
        assert isinstance(command, click.Group), path
        found = command.get_command(ctx, name)
        assert found is not None, f"no command {' '.join(path)}"
        command = found
    return command


def _flat(text: str) -> str:
    return " ".join(text.split())


def assert_help_documents(command: click.Command, shown: str) -> None:
    """``shown`` (the --help output) has the command's own text and every option's help."""
    assert command.help and command.help.strip(), "the command has no help text (docstring)"
    first_line = _flat(command.help.strip().split("\n\n")[0])
    assert first_line[:60] in _flat(shown), first_line
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help and param.help.strip(), f"option {'/'.join(param.opts)} has no help text"
            assert _flat(param.help)[:40] in _flat(shown), param.opts


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_help_and_is_in_readme(name: str) -> None:
    result = run_cli([name, "--help"])
    assert result.code == 0, result.err
    assert result.out.startswith(f"Usage: disseminator {name}")
    assert_help_documents(_command(name), result.out)
    assert f"disseminator {name}" in (REPO / "README.md").read_text(encoding="utf-8")


def _subcommands() -> list[tuple[str, str]]:
    pairs = []
    for group in COMMANDS:
        command = _command(group)
        if isinstance(command, click.Group):
            pairs += [(group, name) for name in command.list_commands(click.Context(command))]
    return pairs


SUBCOMMANDS = _subcommands()


def test_subcommands_are_found() -> None:
    """The list below comes from the groups themselves; these must be among them."""
    assert {("article", "add"), ("db", "upgrade"), ("accounts", "pause"), ("post", "show")} <= set(SUBCOMMANDS)


@pytest.mark.parametrize(("group", "name"), SUBCOMMANDS)
def test_every_subcommand_has_help_and_is_in_readme(group: str, name: str) -> None:
    result = run_cli([group, name, "--help"])
    assert result.code == 0, result.err
    assert f"Usage: disseminator {group} {name}" in result.out
    assert_help_documents(_command(group, name), result.out)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"disseminator {group} {name}" in readme or f"`{group} {name}" in readme


def test_help_does_not_import_network_clients_or_scheduler() -> None:
    code = (
        "import sys\n"
        "from disseminator.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('tweepy', 'facebook', 'apscheduler', 'PIL', 'sqlalchemy', 'werkzeug', 'dateparser', 'jinja2', 'rich')"
        " if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY=\n" in out and out.rstrip().endswith("HEAVY="), out[-200:]
