"""``run-due``: the cron-mode worker; what it says is :mod:`disseminator.report`'s."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .output import Output, output_options

if TYPE_CHECKING:
    from ..report import RunSummary
    from .app import App


@click.command("run-due")
@output_options(json_help="Print each post's outcome as JSON.")
@click.pass_obj
def run_due(app: App, output: Output) -> None:
    """Publish every post whose time has come, once, then exit.

    Exit status 0 when nothing failed (rate-limited posts simply wait); 1 when a call
    failed, whether the post will be retried later or has failed for good.
    """
    from ..report import run_due as run

    summary = run(app.settings, app.store)
    say(summary, output)
    summary.raise_if_failed()


def say(summary: RunSummary, output: Output) -> None:
    """Print a run: its outcomes (or their JSON), then its notes and warnings on stderr."""
    if output.structured:
        output.emit(summary.rows)
    else:
        for line in summary.said.out:
            click.echo(line)
    for line in summary.said.err:
        click.echo(line, err=True)
