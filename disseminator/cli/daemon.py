"""``daemon``: publish due posts continuously."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..setting_ranges import TICK
from .ranged import RangeParam

if TYPE_CHECKING:
    from ..worker import RunReport
    from .app import App


@click.command()
@click.option("--tick", type=RangeParam(TICK), metavar="SECONDS",
              help=f"How often to look for due posts, {TICK.low:g} to {TICK.high:,g} seconds (default: worker.tick_seconds, 30).")
@click.pass_obj
def daemon(app: App, tick: float | None) -> None:
    """Publish due posts continuously until stopped (SIGTERM or Ctrl-C finishes the
    post in hand first).  Several daemons may share one PostgreSQL database."""
    from ..daemon import Daemon
    from ..report import DaemonNarrator

    narrator = DaemonNarrator()

    def report(r: RunReport) -> None:
        said = narrator.tell(r)
        for line in said.out:
            click.echo(line)
        for line in said.err:
            click.echo(line, err=True)

    d = Daemon(app.settings, app.store, tick_seconds=tick, on_report=report)
    click.echo(f"Daemon started (worker {d.worker.worker_id}, every {d.tick:g} s); Ctrl-C to stop", err=True)
    d.run()
    click.echo("Daemon stopped", err=True)
