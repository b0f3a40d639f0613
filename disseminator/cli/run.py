"""``run-due``: the cron-mode worker."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from .output import emit_json

if TYPE_CHECKING:
    from .app import App


@click.command("run-due")
@click.option("--json", "as_json", is_flag=True, help="Print each post's outcome as JSON.")
@click.pass_obj
def run_due(app: App, as_json: bool) -> None:
    """Publish every post whose time has come, once, then exit.

    Exit status 0 when nothing failed (rate-limited posts simply wait); 1 when a call
    failed, whether the post will be retried later or has failed for good.
    """
    from ..worker import Worker

    report = Worker(app.settings, app.store).run_due()
    rows = [
        {"id": o.post_id, "account": o.account, "status": o.status, "error_kind": o.error_kind, "error": o.error,
         "remote_url": o.remote_url}
        for o in report.outcomes
    ]
    if as_json:
        emit_json(rows)
    else:
        for pid in report.recovered:
            click.echo(f"Post {pid} was left mid-publish by a stopped worker; it will be checked on the network first")
        if not rows:
            click.echo("Nothing due.")
        for r in rows:
            if r["status"] == "published":
                click.echo(f"Published post {r['id']} on {r['account']}: {r['remote_url']}")
            elif r["status"] == "scheduled":
                click.echo(f"Post {r['id']} on {r['account']} not published yet ({r['error_kind']}): {r['error']}; will retry")
            else:
                click.echo(f"Post {r['id']} on {r['account']} {r['status']} ({r['error_kind']}): {r['error']}")
    _say_paused(app)
    for account, (count, reason) in report.waiting.items():
        click.echo(f"warning: {count} due post(s) wait for account {account}, which needs attention: {reason} "
                   f"(fix it, then run 'disseminator accounts check {account}')", err=True)
    if report.failed:
        sys.exit(1)


def _say_paused(app: App) -> None:
    """Due posts of paused accounts wait by decision: say so, without failing the run."""
    import datetime as dt

    paused = app.store.accounts_paused()
    if not paused:
        return
    now = dt.datetime.now(dt.timezone.utc)
    for account, reason in paused.items():
        due = [p for p in app.store.posts(["scheduled"]) if p.account == account and p.next_attempt_at <= now]
        if due:
            why = f" ({reason})" if reason else ""
            click.echo(f"note: {len(due)} due post(s) wait: account {account} is paused{why}", err=True)
