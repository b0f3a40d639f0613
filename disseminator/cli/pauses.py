"""``pause NAME|--all`` and ``resume NAME|--all``: see :mod:`disseminator.pauses`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from channels.i18n import _, ngettext, stored

from ..views import show_human
from .output import Output, output_options

if TYPE_CHECKING:
    from .app import App


def _who(name: str | None, every: bool) -> str | None:
    if every == (name is not None):
        raise click.UsageError(_("name one account, or give --all for every account"), ctx=click.get_current_context())
    return name


@click.command("pause", help=_(
    "Stop publishing for one account or, with --all, for the whole institution.\n\n"
    "For a disaster, a day of national mourning, a wrong template: posts stay queued and "
    "nothing is cancelled.  It ends with `resume`, or by itself at --until.  Posts whose "
    "time passes meanwhile by more than worker.grace become 'missed' when it ends: an "
    "officer sends them (`retry`) or drops them (`cancel`)."))
@click.argument("name", required=False, metavar=_("NAME"))
@click.option("--all", "every", is_flag=True, help=_("Every account at once."))
@click.option("--reason", default="", metavar=_("TEXT"), help=_("Why, for the other officers (shown by queue, status and run-due)."))
@click.option("--until", metavar=_("WHEN"), help=_("End the pause by itself at this time: 'besok 06:00', '2026-12-01 09:00'."))
@click.option("--preset", metavar=_("NAME"),
              help=_("Fill the reason and the end from a preset: berkabung-1, berkabung-3, berkabung-7 (national "
                     "mourning), hening-pemilu (election quiet days), or [pause_presets.NAME]; --reason, --until "
                     "and --allow-urgent win over it."))
@click.option("--allow-urgent/--no-allow-urgent", "allow_urgent", default=None,
              help=_("Let urgent posts (schedule --urgent) through this pause; never other holds "
                     "(default: the preset's, else no)."))
@click.option("--list-presets", "list_presets", is_flag=True, help=_("List the pause presets and exit."))
@output_options(json_help=_("Print {fields}.").format(
    fields='{"account", "all", "paused", "reason", "until", "changed", "preset", "allow_urgent"}'))
@click.pass_obj
def pause(app: App, name: str | None, every: bool, reason: str, until: str | None, preset: str | None,
          allow_urgent: bool | None, list_presets: bool, output: Output) -> None:
    from ..pauses import pause as do_pause

    if list_presets:
        _list_presets(app, output)
        return
    state = do_pause(app.settings, app.store, _who(name, every), reason=reason, until=until, preset=preset,
                     allow_urgent=allow_urgent)
    if output.structured:
        output.emit(state)
        return
    who = _("Every account") if state["all"] else state["account"]
    how = (_("{who} paused until {when}").format(who=who, when=show_human(state["until"], app.settings.tz))
           if state["until"] else _("{who} paused").format(who=who))
    if state["reason"]:
        how = _("{paused} ({reason})").format(paused=how, reason=state["reason"])
    target = "--all" if state["all"] else state["account"]
    click.echo(_("{paused}: posts wait, nothing is cancelled; 'disseminator resume {target}' ends it").format(
        paused=how, target=target))
    if state["allow_urgent"]:
        click.echo(_("Urgent posts (schedule --urgent) still go out during this pause."))


def _list_presets(app: App, output: Output) -> None:
    """``pause --list-presets``: each preset's name, length, reason and whether urgent posts pass."""
    from .output import table

    presets = sorted(app.settings.pause_presets.values(), key=lambda p: p.name)
    if output.structured:
        output.emit([{"name": p.name, "reason": p.reason, "days": p.days, "hours": p.hours, "until": p.until,
                      "allow_urgent": p.allow_urgent} for p in presets])
        return
    click.echo(table([(p.name, p.length(), _("yes") if p.allow_urgent else _("no"), p.reason) for p in presets],
                     [_("PRESET"), _("LENGTH"), _("URGENT PASSES"), _("REASON")], wrap=(_("REASON"),)))


@click.command("resume", help=_(
    "Let one account or, with --all, the whole institution publish again.\n\n"
    "Overdue posts go at the next run, except those overdue by more than worker.grace: "
    "they become 'missed' (see `queue --status missed`)."))
@click.argument("name", required=False, metavar=_("NAME"))
@click.option("--all", "every", is_flag=True, help=_("End the pause of every account (accounts paused on their own stay paused)."))
@output_options(json_help=_("Print {fields}.").format(fields='{"account", "all", "paused", "changed", "due", "missed", "still_held"}'))
@click.pass_obj
def resume(app: App, name: str | None, every: bool, output: Output) -> None:
    from ..pauses import resume as do_resume

    state = do_resume(app.settings, app.store, _who(name, every))
    if output.structured:
        output.emit(state)
        return
    for line in resumed(state):
        click.echo(line)


def resumed(state: dict[str, Any]) -> list[str]:
    who = _("every account") if state["all"] else state["account"]
    if not state["changed"]:
        return [_("{who}: no pause was in force").format(who=who)]
    lines = [ngettext("Resumed {who}: {n} overdue post goes at the next run",
                      "Resumed {who}: {n} overdue posts go at the next run", state["due"]).format(who=who, n=state["due"])]
    if state["missed"]:
        n = len(state["missed"])
        lines.append(ngettext(
            "{n} post was overdue by more than worker.grace and is missed: 'disseminator retry {ids}' sends it",
            "{n} posts were overdue by more than worker.grace and are missed: 'disseminator retry {ids}' sends them",
            n).format(n=n, ids=" ".join(str(i) for i in state["missed"])))
    for held in state["still_held"]:
        lines.append(_("still waiting: {hold}").format(hold=stored(held)))
    return lines
