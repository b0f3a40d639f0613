"""``daemon``: publish due posts continuously."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from channels.i18n import _

from ..setting_ranges import TICK, WORKER
from .ranged import RangeParam

METRICS_PORT = WORKER["metrics_port"]

if TYPE_CHECKING:
    from ..worker import RunReport
    from .app import App


@click.command(help=_("Publish due posts continuously until stopped (SIGTERM or Ctrl-C finishes the "
                      "post in hand first).  Several daemons may share one PostgreSQL database."))
@click.option("--tick", type=RangeParam(TICK), metavar=_("SECONDS"),
              help=_("The longest the daemon sleeps without looking at the queue, {low:g} to {high:,g} seconds (default: worker.tick_seconds, 30); it wakes by itself when a post is due or the queue changes.").format(
                  low=TICK.low, high=TICK.high))
@click.option("--metrics-port", type=RangeParam(METRICS_PORT), metavar=_("PORT"),
              help=_("Serve Prometheus metrics at http://HOST:PORT/metrics (default: worker.metrics_port; off when unset)."))
@click.option("--metrics-host", default="127.0.0.1", metavar=_("HOST"),
              help=_("The address the metrics are served on (default 127.0.0.1: this machine only; another "
                     "address only behind a firewall)."))
@click.pass_obj
def daemon(app: App, tick: float | None, metrics_port: int | None, metrics_host: str) -> None:
    from ..daemon import Daemon
    from ..report import DaemonNarrator

    narrator = DaemonNarrator()

    def report(r: RunReport) -> None:
        said = narrator.tell(r)
        for line in said.out:
            click.echo(line)
        for line in said.err:
            click.echo(line, err=True)

    d = Daemon(app.settings, app.store, tick_seconds=tick, on_report=report,
               metrics_port=None if metrics_port is None else int(metrics_port), metrics_host=metrics_host)
    port = d.serve_metrics()
    page = d.serve_web()
    click.echo(_("Daemon started (worker {worker}); it wakes when a post is due or the queue changes, and at least every {tick:g} s; Ctrl-C to stop").format(
        worker=d.worker.worker_id, tick=d.tick), err=True)
    if port is not None:
        click.echo(_("Prometheus metrics at http://{host}:{port}/metrics").format(host=metrics_host, port=port), err=True)
    if page is not None:
        click.echo(_("Web page at {url}").format(url=page), err=True)
    d.run()
    click.echo(_("Daemon stopped"), err=True)
