"""``accounts list | check | pause | resume``: see :mod:`disseminator.accounts`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from . import Group
from .output import Output, output_options, table

if TYPE_CHECKING:
    from .app import App

ACCOUNT_COLUMNS = ("account", "channel", "base_url", "needs_attention", "paused")


@click.group(cls=Group)
def accounts() -> None:
    """Configured accounts and their credentials."""


@accounts.command("list")
@output_options(csv_columns=ACCOUNT_COLUMNS)
@click.pass_obj
def list_(app: App, output: Output) -> None:
    """List configured accounts (never their credentials)."""
    from ..accounts import list_accounts

    rows = list_accounts(app.settings, app.open_store)
    if output.structured:
        output.emit(rows)
    elif not rows:
        click.echo("No accounts configured.")
    else:
        click.echo(table([(r["account"], r["channel"], r["base_url"] or "(official API)",
                           ("paused" + (f": {r['paused']}" if r["paused"] else "")) if r["paused"] is not None
                           else r["needs_attention"] or "ok") for r in rows],
                         ["ACCOUNT", "CHANNEL", "ENDPOINT", "STATE"], wrap=("ENDPOINT", "STATE")))


@accounts.command("check")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@output_options()
@click.pass_obj
def check(app: App, names: tuple[str, ...], output: Output) -> None:
    """Verify credentials against each network: who the account posts as, quota left.

    A refused or expired token marks the account as needing attention (its posts wait);
    a passing check clears that.  Exit status 1 when any account fails.
    """
    from ..accounts import check_accounts

    checks = check_accounts(app.settings, app.store, names)
    if output.structured:
        output.emit(checks.rows)
    else:
        for r in checks.rows:
            if r["ok"]:
                click.echo(f"{r['account']}: ok, posts as {r['identity']}" + (f"; {r['quota']}" if r["quota"] else ""))
                if r.get("released"):
                    click.echo(f"  {r['released']} post(s) that waited for this account are due again")
            elif r.get("unreachable"):
                click.echo(f"{r['account']}: {r['error']}")
            else:
                click.echo(f"{r['account']}: NEEDS ATTENTION: {r['error']}")
    checks.raise_if_failed()


@accounts.command("pause")
@click.argument("name")
@click.option("--reason", default="", help="Why, for the other officers (shown by queue and run-due).")
@output_options(json_help='Print {"account", "paused", "reason", "changed"}.')
@click.pass_obj
def pause(app: App, name: str, reason: str, output: Output) -> None:
    """Stop publishing for an account: its posts stay queued until `accounts resume`.

    For when something must not go out now (a crisis, a mourning period, a wrong
    template): nothing is lost or cancelled.
    """
    from ..accounts import pause as do_pause

    state = do_pause(app.settings, app.store, name, reason)
    if output.structured:
        output.emit(state)
    else:
        why = f" ({state['reason']})" if state["reason"] else ""
        was = "was already paused" if not state["changed"] else "paused"
        click.echo(f"{name} {was}{why}: its posts wait; resume with 'disseminator accounts resume {name}'")


@accounts.command("resume")
@click.argument("name")
@output_options(json_help='Print {"account", "paused", "reason", "changed", "due", "still_held"}.')
@click.pass_obj
def resume(app: App, name: str, output: Output) -> None:
    """Let a paused account publish again; its overdue posts go at the next run (it says how many)."""
    from ..accounts import resume as do_resume

    state = do_resume(app.settings, app.store, name)
    if output.structured:
        output.emit(state)
    else:
        click.echo(_resumed(state))


def _resumed(state: dict[str, Any]) -> str:
    name, due, held = state["account"], state["due"], "; ".join(state["still_held"])
    if not state["changed"]:
        return f"{name} was not paused"
    if held:
        return f"Resumed {name}, but " + (f"{due} overdue post(s) still wait: {held}" if due else f"its posts still wait: {held}")
    return f"Resumed {name}: " + (f"{due} overdue post(s) go out at the next run" if due else "no post is overdue; the others go at their times")
