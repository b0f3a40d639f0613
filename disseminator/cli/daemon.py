"""``daemon``: publish due posts continuously."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from channels.i18n import _

from ..setting_ranges import TICK
from .ranged import RangeParam

if TYPE_CHECKING:
    from ..worker import RunReport
    from .app import App


@click.command(help=_("Publish due posts continuously until stopped (SIGTERM or Ctrl-C finishes the "
                      "post in hand first).  Several daemons may share one PostgreSQL database."))
@click.option("--tick", type=RangeParam(TICK), metavar=_("SECONDS"),
              help=_("The longest the daemon sleeps without looking at the queue, {low:g} to {high:,g} seconds (default: worker.tick_seconds, 30); it wakes by itself when a post is due or the queue changes.").format(
                  low=TICK.low, high=TICK.high))
@click.pass_obj
def daemon(app: App, tick: float | None) -> None:
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
    click.echo(_("Daemon started (worker {worker}); it wakes when a post is due or the queue changes, and at least every {tick:g} s; Ctrl-C to stop").format(
        worker=d.worker.worker_id, tick=d.tick), err=True)
    d.run()
    click.echo(_("Daemon stopped"), err=True)
