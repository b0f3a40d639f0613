"""``accounts list | check | pause | resume``: see :mod:`disseminator.accounts`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from channels.i18n import _, stored

from . import Group, several
from .output import Output, output_options, table, wrapped

if TYPE_CHECKING:
    from .app import App

ACCOUNT_COLUMNS = ("account", "channel", "base_url", "needs_attention", "paused")


@click.group(cls=Group, help=_("Configured accounts and their credentials."))
def accounts() -> None:
    pass


@accounts.command("list", help=_("List configured accounts (never their credentials)."))
@output_options(csv_columns=ACCOUNT_COLUMNS)
@click.pass_obj
def list_(app: App, output: Output) -> None:
    from ..accounts import list_accounts

    rows = list_accounts(app.settings, app.open_store)
    if output.structured:
        output.emit(rows)
    elif not rows:
        click.echo(_("No accounts configured."))
    else:
        headers = [_("ACCOUNT"), _("CHANNEL"), _("ENDPOINT"), _("STATE")]
        click.echo(table([(r["account"], r["channel"], r["base_url"] or _("(official API)"), _state(r)) for r in rows],
                         headers, wrap=(headers[2], headers[3])))


def _state(r: dict[str, Any]) -> str:
    """An account's STATE cell: paused (and why), what it needs, or ok."""
    if r["paused"] is not None and r.get("paused_all"):
        return (_("paused (every account): {reason}").format(reason=r["paused"]) if r["paused"]
                else _("paused (every account)"))
    if r["paused"] is not None:
        return _("paused: {reason}").format(reason=r["paused"]) if r["paused"] else _("paused")
    return stored(r["needs_attention"]) if r["needs_attention"] else _("ok")


@accounts.command("check", help=_(
    "Verify credentials against each network: who the account posts as, quota left.\n\n"
    "A refused or expired token marks the account as needing attention (its posts wait); "
    "a passing check clears that.  Exit status 1 when any account fails."))
@click.argument("names", nargs=-1, metavar=several(_("NAME"), required=False))
@output_options()
@click.pass_obj
def check(app: App, names: tuple[str, ...], output: Output) -> None:
    from ..accounts import check_accounts

    checks = check_accounts(app.settings, app.store, names)
    if output.structured:
        output.emit(checks.rows)
    else:
        for r in checks.rows:
            if r["ok"]:
                if r["quota"]:
                    click.echo(_("{account}: ok, posts as {identity}; {quota}").format(
                        account=r["account"], identity=r["identity"], quota=r["quota"]))
                else:
                    click.echo(_("{account}: ok, posts as {identity}").format(account=r["account"], identity=r["identity"]))
                if r.get("released"):
                    click.echo("  " + _("{n} post(s) that waited for this account are due again").format(n=r["released"]))
                _token_line(app, r)
            elif r.get("unreachable"):
                click.echo(f"{r['account']}: {r['error']}")
            else:
                click.echo(_("{account}: NEEDS ATTENTION: {error}").format(account=r["account"], error=r["error"]))
    checks.raise_if_failed()


def _token_line(app: App, r: dict[str, Any]) -> None:
    """What the network said of the account's token, when it was asked (Graph accounts)."""
    from ..views import show_human

    if r.get("token_error"):
        line = _("token expiry unknown: {detail}").format(detail=r["token_error"])
    elif r.get("token_expires_soon"):
        line = _("WARNING: the token expires {when}: renew it and update the configuration "
                 "before then, or its posts will wait").format(when=show_human(r["token_expires_at"], app.settings.tz))
    elif r.get("token_expires_at"):
        line = _("token expires {when}").format(when=show_human(r["token_expires_at"], app.settings.tz))
    elif "token_expires_at" in r:
        line = _("token does not expire")
    else:
        return
    click.echo(wrapped("  " + line, indent=4))


@accounts.command("pause", help=_(
    "Stop publishing for an account: its posts stay queued until `accounts resume`.\n\n"
    "For when something must not go out now (a crisis, a mourning period, a wrong "
    "template): nothing is lost or cancelled."))
@click.argument("name", metavar=_("NAME"))
@click.option("--reason", default="", metavar=_("TEXT"), help=_("Why, for the other officers (shown by queue and run-due)."))
@output_options(json_help=_("Print {fields}.").format(fields='{"account", "paused", "reason", "changed"}'))
@click.pass_obj
def pause(app: App, name: str, reason: str, output: Output) -> None:
    from ..accounts import pause as do_pause

    state = do_pause(app.settings, app.store, name, reason)
    if output.structured:
        output.emit(state)
    else:
        click.echo(_paused(name, state))


def _paused(name: str, state: dict[str, Any]) -> str:
    if state["changed"]:
        if state["reason"]:
            return _("{name} paused ({reason}): its posts wait; resume with 'disseminator accounts resume {name}'").format(
                name=name, reason=state["reason"])
        return _("{name} paused: its posts wait; resume with 'disseminator accounts resume {name}'").format(name=name)
    if state["reason"]:
        return _("{name} was already paused ({reason}): its posts wait; "
                 "resume with 'disseminator accounts resume {name}'").format(name=name, reason=state["reason"])
    return _("{name} was already paused: its posts wait; resume with 'disseminator accounts resume {name}'").format(name=name)


@accounts.command("resume", help=_(
    "Let a paused account publish again; its overdue posts go at the next run (it says how many)."))
@click.argument("name", metavar=_("NAME"))
@output_options(json_help=_("Print {fields}.").format(fields='{"account", "paused", "reason", "changed", "due", "still_held"}'))
@click.pass_obj
def resume(app: App, name: str, output: Output) -> None:
    from ..accounts import resume as do_resume

    state = do_resume(app.settings, app.store, name)
    if output.structured:
        output.emit(state)
    else:
        click.echo(_resumed(state))


def _resumed(state: dict[str, Any]) -> str:
    name, due, held = state["account"], state["due"], "; ".join(state["still_held"])
    if not state["changed"]:
        return _("{name} was not paused").format(name=name)
    if held:
        if due:
            return _("Resumed {name}, but {due} overdue post(s) still wait: {held}").format(name=name, due=due, held=held)
        return _("Resumed {name}, but its posts still wait: {held}").format(name=name, held=held)
    if due:
        return _("Resumed {name}: {due} overdue post(s) go out at the next run").format(name=name, due=due)
    return _("Resumed {name}: no post is overdue; the others go at their times").format(name=name)
