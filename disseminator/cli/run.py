"""``run-due``: the cron-mode worker; what it says is :mod:`disseminator.report`'s."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import click

from channels.i18n import _

from .output import Output, output_options, wrapped

if TYPE_CHECKING:
    from ..report import RunSummary
    from .app import App

#: More due posts than this get a progress bar (on a terminal, in text output).
BAR_FROM = 3


@click.command("run-due", help=_(
    "Publish every post whose time has come, once, then exit.\n\n"
    "Each post's line is printed as soon as it is done.  Exit status 0 when nothing failed "
    "(rate-limited posts simply wait); 1 when a call failed, whether the post will be "
    "retried later or has failed for good."))
@output_options(json_help=_("Print each post's outcome as JSON."))
@click.pass_obj
def run_due(app: App, output: Output) -> None:
    """Publish the due posts once (the help click shows is above, translated)."""
    from ..report import due_count, run_due as run

    due = due_count(app.store) if wants_bar(output, sys.stdout.isatty()) else 0
    with told(output, due) as tell:
        summary = run(app.settings, app.store, on_line=tell)
    say(summary, output, streamed=True)
    summary.raise_if_failed()


def wants_bar(output: Output, tty: bool) -> bool:
    """A progress bar only for people: text output on a terminal."""
    return tty and not output.structured


@contextlib.contextmanager
def told(output: Output, due: int) -> Iterator[Callable[[str], None]]:
    """Where each post's line goes as it is done: stdout (nowhere for --json/--csv, whose
    data comes at the end), above a progress bar when more than :data:`BAR_FROM` are due."""
    if output.structured:
        yield lambda line: None
        return
    if due <= BAR_FROM:
        yield lambda line: click.echo(wrapped(line, indent=2))
        return
    from rich.console import Console  # deferred: only a terminal run with several posts draws a bar
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.text import Text

    with Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(highlight=False), transient=True) as bar:
        task = bar.add_task(_("publishing"), total=due)

        def tell(line: str) -> None:
            bar.console.print(Text(wrapped(line, indent=2, columns=bar.console.width)), soft_wrap=True)
            bar.advance(task)

        yield tell


def say(summary: RunSummary, output: Output, *, streamed: bool = False) -> None:
    """Print a run: its posts' lines (unless ``streamed``: already printed as they came)
    and what follows them, or the JSON of the outcomes; then notes and warnings on stderr."""
    if output.structured:
        output.emit(summary.rows)
    else:
        for line in ([] if streamed else summary.told) + summary.said.out:
            click.echo(wrapped(line, indent=2))
    for line in summary.said.err:  # notes and warnings stay one line each: logs are searched
        click.echo(line, err=True)
