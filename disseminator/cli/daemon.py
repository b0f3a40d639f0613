"""``daemon``: publish due posts continuously."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..worker import RunReport
    from .app import App


@click.command()
@click.option("--tick", type=float, metavar="SECONDS", help="How often to look for due posts (default: worker.tick_seconds, 30).")
@click.pass_obj
def daemon(app: App, tick: float | None) -> None:
    """Publish due posts continuously until stopped (SIGTERM or Ctrl-C finishes the
    post in hand first).  Several daemons may share one PostgreSQL database."""
    from ..daemon import Daemon

    last_waiting: dict = {}  # type: ignore[type-arg]

    def report(r: RunReport) -> None:
        nonlocal last_waiting
        for o in r.outcomes:
            if o.status == "published":
                click.echo(f"Published post {o.post_id} on {o.account}: {o.remote_url}")
            else:
                click.echo(f"Post {o.post_id} on {o.account} {o.status} ({o.error_kind}): {o.error}", err=True)
        if r.waiting != last_waiting:  # say it when it changes, not every tick
            for account, (count, reason) in r.waiting.items():
                click.echo(f"warning: {count} due post(s) wait for account {account}: {reason}", err=True)
            last_waiting = r.waiting

    d = Daemon(app.settings, app.store, tick_seconds=tick, on_report=report)
    click.echo(f"Daemon started (worker {d.worker.worker_id}, every {d.tick:g} s); Ctrl-C to stop", err=True)
    d.run()
    click.echo("Daemon stopped", err=True)
