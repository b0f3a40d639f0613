"""``accounts list | check``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from .output import emit_json, table

if TYPE_CHECKING:
    from channels.base import Account

    from .app import App


@click.group()
def accounts() -> None:
    """Configured accounts and their credentials."""


@accounts.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def list_(app: App, as_json: bool) -> None:
    """List configured accounts (never their credentials)."""
    attention, paused = _attention(app)
    rows = []
    for name in app.settings.account_names():
        acc = app.settings.account(name, resolve=False)
        rows.append({"account": name, "channel": acc.channel, "base_url": acc.base_url,
                     "needs_attention": attention.get(name), "paused": paused.get(name)})
    if as_json:
        emit_json(rows)
    elif not rows:
        click.echo("No accounts configured.")
    else:
        click.echo(table([(r["account"], r["channel"], r["base_url"] or "(official API)",
                           ("paused" + (f": {r['paused']}" if r["paused"] else "")) if r["paused"] is not None
                           else r["needs_attention"] or "ok") for r in rows],
                         ["ACCOUNT", "CHANNEL", "ENDPOINT", "STATE"]))


def _attention(app: App) -> tuple[dict[str, str], dict[str, str]]:
    try:
        return app.store.accounts_needing_attention(), app.store.accounts_paused()
    except Exception:  # noqa: BLE001 - listing accounts works without a database
        return {}, {}


@accounts.command("check")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def check(app: App, names: tuple[str, ...], as_json: bool) -> None:
    """Verify credentials against each network: who the account posts as, quota left.

    A refused or expired token marks the account as needing attention (its posts wait);
    a passing check clears that.  Exit status 1 when any account fails.
    """
    from channels.base import AuthError, ChannelError

    from ..errors import ConfigError
    from ..planner import choose_accounts
    from ..registry import make_channel

    results = []
    for name in choose_accounts(app.settings, names):
        row: dict[str, Any] = {"account": name, "ok": False, "identity": None, "quota": None, "error": None}
        try:
            account = app.settings.account(name)
            _check_template(app, account)
            result = make_channel(account, context=app.settings.context).check()
            row.update(ok=result.ok, identity=result.identity, quota=result.quota)
            app.store.set_attention(name, None)
            app.store.clear_rate_limit(name)
            import datetime as dt

            released = app.store.release_account(name, dt.datetime.now(dt.timezone.utc))
            if released:
                row["released"] = released
        except ConfigError as exc:
            row["error"] = exc.message
            app.store.set_attention(name, exc.message)
        except ValueError as exc:  # the account's template
            row["error"] = str(exc)
        except AuthError as exc:
            row["error"] = f"credentials refused: {exc.message}"
            app.store.set_attention(name, row["error"])
        except ChannelError as exc:
            row["error"] = f"could not check ({exc.kind}): {exc.message}"
            row["unreachable"] = True
        results.append(row)
    if as_json:
        emit_json(results)
    else:
        for r in results:
            if r["ok"]:
                click.echo(f"{r['account']}: ok, posts as {r['identity']}" + (f"; {r['quota']}" if r["quota"] else ""))
                if r.get("released"):
                    click.echo(f"  {r['released']} post(s) that waited for this account are due again")
            elif r.get("unreachable"):
                click.echo(f"{r['account']}: {r['error']}")
            else:
                click.echo(f"{r['account']}: NEEDS ATTENTION: {r['error']}")
    if not all(r["ok"] for r in results):
        sys.exit(1)


def _check_template(app: App, account: Account) -> None:
    """An account's own template is checked before its credentials (no network needed)."""
    from channels.templates import DEFAULT_CHANNELS, check_template

    override = account.get("template")
    if override or account.channel in DEFAULT_CHANNELS:
        check_template(account.channel, override=str(override) if override else None, search_dirs=[app.settings.base_dir])


@accounts.command("pause")
@click.argument("name")
@click.option("--reason", default="", help="Why, for the other officers (shown by queue and run-due).")
@click.pass_obj
def pause(app: App, name: str, reason: str) -> None:
    """Stop publishing for an account: its posts stay queued until `accounts resume`.

    For when something must not go out now (a crisis, a mourning period, a wrong
    template): nothing is lost or cancelled.
    """
    app.settings.account(name, resolve=False)  # an unknown name is an error
    app.store.set_paused(name, True, reason)
    click.echo(f"Paused {name}: its posts wait" + (f" ({reason})" if reason else "") + f"; resume with 'disseminator accounts resume {name}'")


@accounts.command("resume")
@click.argument("name")
@click.pass_obj
def resume(app: App, name: str) -> None:
    """Let a paused account publish again; its due posts go at the next run."""
    app.settings.account(name, resolve=False)
    if name not in app.store.accounts_paused():
        click.echo(f"{name} was not paused")
        return
    app.store.set_paused(name, False)
    click.echo(f"Resumed {name}")
