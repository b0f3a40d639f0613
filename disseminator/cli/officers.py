"""``officers list`` and ``officers passwd``: the officers of the configuration and their
web passwords (see :mod:`disseminator.passwords`)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from channels.i18n import _

from . import Group
from .output import Output, output_options

if TYPE_CHECKING:
    from .app import App


@click.group(cls=Group, help=_("The officers of the configuration and their passwords for the web page."))
def officers() -> None:
    pass


@officers.command("list", help=_("Each officer of the configuration: roles, operating-system user, "
                                 "whether a web password is set."))
@output_options(json_help=_("Print {fields}.").format(fields='[{"name", "roles", "os_user", "web_password"}]'))
@click.pass_obj
def list_officers(app: App, output: Output) -> None:
    from ..passwords import has_password

    rows: list[dict[str, Any]] = [{"name": o.name, "roles": list(o.roles), "os_user": o.os_user, "web_password": has_password(app.store, o.name)}
            for o in app.settings.officers.officers.values()]
    if output.structured:
        output.emit(rows)
        return
    if not rows:
        click.echo(_("No officers are configured: add [officers.NAME] to the configuration."))
    for r in rows:
        click.echo(_("{name}: {roles} (user {user}); web password: {set}").format(
            name=r["name"], roles=", ".join(r["roles"]), user=r["os_user"],
            set=_("set") if r["web_password"] else _("not set")))


@officers.command("passwd", help=_("Set an officer's password for the web page (asked twice, not shown; "
                                   "stored as an argon2 hash). The officer's open web logins end."))
@click.argument("name", metavar=_("NAME"))
@click.option("--password-stdin", "from_stdin", is_flag=True,
              help=_("Read the password from the first line of standard input (for scripts)."))
@output_options(json_help=_("Print {fields}.").format(fields='{"officer", "web_password"}'))
@click.pass_obj
def passwd(app: App, name: str, from_stdin: bool, output: Output) -> None:
    from ..errors import UserError
    from ..passwords import check_strength, set_password

    if name not in app.settings.officers.officers:
        known = ", ".join(app.settings.officers.officers) or _("none")
        raise UserError(_("unknown officer {name!r} (officers: {known})").format(name=name, known=known))
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(_("New password for {name}").format(name=name), hide_input=True,
                                confirmation_prompt=_("Once more, to be sure"), err=True,
                                value_proc=_strong)
    check_strength(password)
    set_password(app.settings, app.store, name, password)
    if output.structured:
        output.emit({"officer": name, "web_password": True})
        return
    click.echo(_("Password set for officer {name}; their open web logins have ended.").format(name=name))


def _strong(value: str) -> str:
    """The prompt asks again when the password is too short."""
    from ..errors import UserError
    from ..passwords import check_strength

    try:
        check_strength(value)
    except UserError as exc:
        raise click.UsageError(exc.message) from exc
    return value
