"""``alerts test | check | list``: see :mod:`disseminator.alerts`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from channels.i18n import _

from . import Group
from .output import Output, output_options, table, wrapped

if TYPE_CHECKING:
    from .app import App


@click.group(cls=Group, help=_(
    "Alerts by webhook and/or e-mail when a post fails or is missed, an account needs attention, "
    "a token expires within 7 days or a daemon stops beating.  The daemon checks every 15 seconds; "
    "configure them in the [alerts] table."))
def alerts() -> None:
    pass


def _configured(app: App) -> tuple[str, ...]:
    from ..errors import ConfigError

    destinations = app.settings.alerts.destinations
    if not destinations:
        where = str(app.settings.path) if app.settings.path else _("the configuration")
        raise ConfigError(_("no alert destination is configured: set webhook_url, or smtp_host and mail_to, "
                            "in the [alerts] table of {where}").format(where=where))
    return destinations


@alerts.command("test", help=_(
    "Send a test alert to every configured destination now, and say whether each one took it.  "
    "Exit status 1 when one did not."))
@output_options(json_help=_("Print {fields}.").format(fields='[{"destination", "ok", "error"}]'))
@click.pass_obj
def test(app: App, output: Output) -> None:
    from ..alerts_send import Sender, test_facts
    from ..errors import RunFailed

    sender = Sender(app.settings)
    facts = test_facts()
    rows = [{"destination": d, "ok": (error := sender.send(d, "test", facts)) is None, "error": error}
            for d in _configured(app)]
    if output.structured:
        output.emit(rows)
    else:
        for r in rows:
            if r["ok"]:
                click.echo(_("{destination}: test alert sent").format(destination=r["destination"]))
            else:
                click.echo(wrapped(_("{destination}: NOT sent: {error}").format(
                    destination=r["destination"], error=r["error"])), err=True)
    if not all(r["ok"] for r in rows):
        raise RunFailed([])


@alerts.command("check", help=_(
    "Look for events to alert and send what is due, once, then exit (for cron when no daemon runs; "
    "the daemon does this by itself)."))
@output_options(json_help=_("Print {fields}.").format(fields='{"found", "new", "sent", "failed"}'))
@click.pass_obj
def check(app: App, output: Output) -> None:
    from .. import alerts as core
    from ..errors import RunFailed

    _configured(app)
    result = core.check(app.settings, app.store)
    data = {"found": result.found, "new": result.recorded, "sent": result.sent, "failed": result.failed}
    if output.structured:
        output.emit(data)
    else:
        click.echo(_("{sent} alert(s) sent, {failed} not delivered (tried again later), {new} new").format(**data))
    if result.failed:
        raise RunFailed([])


@alerts.command("list", help=_("The latest alerts: what, where to, and whether they were delivered."))
@click.option("--limit", type=click.IntRange(1, 1000), default=20, metavar=_("N"),
              help=_("How many, newest first (default 20)."))
@output_options()
@click.pass_obj
def list_(app: App, limit: int, output: Output) -> None:
    from .. import alerts as core
    from ..views import show_human

    rows = core.recent(app.store, limit)
    if output.structured:
        output.emit(rows)
        return
    if not rows:
        click.echo(_("No alert yet."))
        return
    states = {"sent": _("sent"), "pending": _("waiting")}
    tz = app.settings.tz
    click.echo(table([(r["id"], show_human(r["created_at"], tz), r["kind"], r["destination"],
                       states.get(r["state"], r["state"]), r["facts"].get("account") or r["facts"].get("worker") or "",
                       r["last_error"] or "") for r in rows],
                     [_("ID"), _("WHEN"), _("EVENT"), _("TO"), _("STATE"), _("ACCOUNT"), _("LAST ERROR")]))
