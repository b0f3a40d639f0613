"""``status``: daemons, the queue by account, what waits and why; exit 1 on a problem."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from channels.i18n import _, ngettext, stored

from .output import Output, output_options, table, wrapped

if TYPE_CHECKING:
    from .app import App


@click.command("status", help=_(
    "Is everything going out?  Daemons alive, posts queued by account, the next due post, "
    "what waits and why.\n\n"
    "Exit status 1 while there is a problem to act on (a daemon that stopped beating, posts "
    "overdue, an account that needs attention, posts failed in the last 24 hours, a feed "
    "whose last read failed): a monitor can run it."))
@output_options(json_help=_("Print the status as JSON."))
@click.pass_obj
def status(app: App, output: Output) -> None:
    """``status`` (the help click shows is in the decorator, translated)."""
    from ..errors import RunFailed
    from ..holds import ALL, HoldKind
    from ..status import gather
    from ..views import show_human

    tz = app.settings.tz
    found = gather(app.settings, app.store)
    if output.structured:
        output.emit(found.as_dict(tz))
    else:
        alive = [d for d in found.daemons if d["alive"]]
        if alive:
            for d in alive:
                click.echo(_("Daemon {worker} on {host} (version {version}): last seen {when}").format(
                    worker=d["worker"], host=d["host"], version=d["version"], when=show_human(d["last_beat"], tz)))
        else:
            click.echo(_("No daemon is running (run-due from cron publishes too)."))
        if found.accounts:
            click.echo(table([(account, c.get("scheduled", 0), c.get("publishing", 0), c.get("published_24h", 0),
                               c.get("failed_24h", 0)) for account, c in sorted(found.accounts.items())],
                             [_("ACCOUNT"), _("QUEUED"), _("PUBLISHING"), _("PUBLISHED 24H"), _("FAILED 24H")]))
        if found.next_due:
            click.echo(_("Next due: post {id} for {account} at {when}").format(
                id=found.next_due["id"], account=found.next_due["account"],
                when=show_human(found.next_due["at"], tz)))
        else:
            click.echo(_("Nothing is waiting to go out."))
        labels = {HoldKind.PAUSE.value: _("paused"), HoldKind.RATE_LIMIT.value: _("rate limited"),
                  HoldKind.ATTENTION.value: _("needs attention"),
                  HoldKind.BLACKOUT.value: _("blackout window"), HoldKind.BUDGET.value: _("posting budget used up")}
        for hold in found.holds:
            until = _(" until {when}").format(when=show_human(hold["until"], tz)) if hold["until"] else ""
            click.echo(wrapped(_("{account}: {state}{until}: {reason}").format(
                account=_("every account") if hold["account"] == ALL else hold["account"],
                state=labels.get(hold["kind"], hold["kind"]), until=until,
                reason=stored(hold["reason"] or "-"))))
        for account, counts in sorted(found.accounts.items()):
            if counts.get("waiting_golive"):  # a wait, not a problem: they go once the page is up
                click.echo(wrapped(ngettext(
                    "{account}: {n} post waits for its article's web page to go live "
                    "('disseminator queue --account {account}' says which and why)",
                    "{account}: {n} posts wait for their article's web page to go live "
                    "('disseminator queue --account {account}' says which and why)",
                    counts["waiting_golive"]).format(account=account, n=counts["waiting_golive"])))
        for problem in found.problems:
            click.echo(wrapped(_("problem: {what}").format(what=problem)), err=True)
    if found.problems:
        raise RunFailed([])  # each problem is already said; the status says "act"
