"""The CLI stays a thin client: shared output options, exit codes decided in one place.

- every command that prints data declares ``--json`` (and ``--csv``) through
  ``output_options``, never by hand;
- nothing under ``disseminator/`` exits the process but the console entry point;
- each error class carries the exit status the README documents, and ``main`` turns it
  into ``error:`` lines and that status.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from disseminator import errors
from disseminator.cli import COMMANDS, cli
from disseminator.cli.output import OutputOption
from tests.helpers import REPO, run_cli

PACKAGE = REPO / "disseminator"
#: Commands that print no data: they run until stopped, or are a show of their own.
NO_OUTPUT = {"daemon", "sandbox", "demo", "web"}
#: The console entry point: the one module that may hand a status to sys.exit.
ENTRY_POINT = PACKAGE / "__main__.py"


def _walk(path: str, command: click.Command) -> Iterator[tuple[str, click.Command]]:
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _walk(f"{path} {name}", sub)
    else:
        yield path, command


def all_commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(cli)
    found = []
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None, name
        found.extend(_walk(name, command))
    return found


COMMAND_PATHS = [path for path, _ in all_commands()]


def test_every_command_and_subcommand_is_walked() -> None:
    assert {"article add", "accounts check", "accounts pause", "db current", "post show", "run-due", "queue"} <= set(COMMAND_PATHS)


@pytest.mark.parametrize("path", COMMAND_PATHS)
def test_output_options_come_from_the_shared_decorator(path: str) -> None:
    command = dict(all_commands())[path]
    options = [p for p in command.params if isinstance(p, click.Option)]
    by_hand = [o.opts for o in options if {"--json", "--csv"} & set(o.opts) and not isinstance(o, OutputOption)]
    assert by_hand == [], f"{path} declares {by_hand} itself; use output_options"
    shared = {opt for o in options if isinstance(o, OutputOption) for opt in o.opts}
    if path.split()[0] in NO_OUTPUT:
        assert shared == set()
    else:
        assert "--json" in shared, f"{path} prints data but has no --json from output_options"


def test_no_module_declares_json_by_hand() -> None:
    offenders = [str(p.relative_to(REPO)) for p in PACKAGE.rglob("*.py")
                 if p.name != "output.py" and re.search(r"""["']--(json|csv)["']""", p.read_text(encoding="utf-8"))]
    assert offenders == []


def _exits(tree: ast.AST) -> list[int]:
    """Lines that exit the process or meddle with SystemExit: sys.exit(), exit(), quit(),
    os._exit(), ``from sys import exit``, and any use of the name SystemExit."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if (isinstance(f, ast.Attribute) and f.attr in ("exit", "_exit") and isinstance(f.value, ast.Name)
                    and f.value.id in ("sys", "os")) or (isinstance(f, ast.Name) and f.id in ("exit", "quit")):
                lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "sys" and any(a.name == "exit" for a in node.names):
            lines.append(node.lineno)
        elif isinstance(node, ast.Name) and node.id == "SystemExit":
            lines.append(node.lineno)
    return lines


def test_nothing_but_the_entry_point_exits_the_process() -> None:
    found = {str(p.relative_to(REPO)): lines for p in sorted(PACKAGE.rglob("*.py")) if p != ENTRY_POINT
             for lines in [_exits(ast.parse(p.read_text(encoding="utf-8"), str(p)))] if lines}
    assert found == {}, "raise a disseminator.errors class instead; the CLI's main() turns it into a status"


def test_the_exit_scan_sees_the_forms_it_forbids() -> None:
    for source in ("import sys\nsys.exit(1)", "from sys import exit", "exit(2)", "raise SystemExit(1)",
                   "try:\n    pass\nexcept SystemExit:\n    pass", "import os\nos._exit(1)"):
        assert _exits(ast.parse(source)), source
    assert _exits(ast.parse("import sys\nsys.exit(main())"))  # what the entry point is allowed


#: The README: "1 something asked for could not be done ...; 2 a problem with the
#: configuration or the command line itself".
EXIT_CODES = [(errors.UserError, 1), (errors.ArticleError, 1), (errors.NotFound, 1), (errors.ScheduleError, 1),
              (errors.RunFailed, 1), (errors.ConfigError, 2), (errors.UsageError, 2)]


def test_every_error_class_has_its_documented_exit_code() -> None:
    classes = {c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.UserError)}
    assert classes == {c for c, _ in EXIT_CODES}, "a new error class needs its row here and in the README"
    assert "2 a problem with the configuration or the command line itself" in (REPO / "README.md").read_text(encoding="utf-8")


RAISED: list[BaseException] = []


@click.command()
def boom() -> None:
    """Raise the error the test put in RAISED."""
    raise RAISED[-1]


@pytest.fixture
def boom_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(COMMANDS, "boom", (f"{__name__}:boom", "Raise an error."))


@pytest.mark.parametrize(("cls", "code"), EXIT_CODES)
def test_main_turns_each_error_into_one_line_and_its_status(boom_command: None, cls: type[errors.UserError], code: int) -> None:
    RAISED.append(cls(["two calls failed"]) if cls is errors.RunFailed else cls("it went wrong"))  # type: ignore[call-arg]
    result = run_cli(["boom"])
    assert result.code == code
    assert result.err.splitlines() == [f"error: {'two calls failed' if cls is errors.RunFailed else 'it went wrong'}"]
    assert result.out == ""


def test_a_run_that_said_what_failed_exits_1_without_an_error_line_even_with_debug(boom_command: None) -> None:
    RAISED.append(errors.RunFailed())
    result = run_cli(["--debug", "boom"])
    assert (result.code, result.err.strip()) == (1, "")


def test_help_and_version_exit_0_and_a_usage_mistake_2() -> None:
    assert run_cli(["--help"]).code == 0
    assert run_cli(["--version"]).code == 0
    assert run_cli(["frob"]).code == 2


def test_schedule_needs_exactly_one_of_at_and_now(cli) -> None:  # type: ignore[no-untyped-def]
    for argv in (["schedule", "1"], ["schedule", "1", "--now", "--at", "besok 09:00"]):
        result = cli(*argv)
        assert result.code == 2 and result.err.startswith("error: give exactly one of --at WHEN or --now")


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.mark.parametrize("argv", [["queue"], ["history"], ["article", "list"], ["accounts", "list"]])
def test_listing_commands_print_csv_with_a_header(cli, argv: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = cli(*argv, "--csv")
    assert result.code == 0, result.err
    header = result.out.splitlines()[0]
    assert header.startswith(("id,", "account,")) and "," in header
    both = cli(*argv, "--csv", "--json")
    assert both.code == 2 and "not both" in both.err


def test_csv_never_hands_a_spreadsheet_a_formula(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers import article_file

    path = article_file(tmp_path, "jahat.md", title='=HYPERLINK("http://evil.example/","klik")', url="https://a.go.id/j")
    added = cli("article", "add", str(path))
    assert added.code == 0, added.err
    out = cli("article", "list", "--csv").out
    assert "'=HYPERLINK" in out and ',=HYPERLINK' not in out and '"=HYPERLINK' not in out
