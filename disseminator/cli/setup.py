"""``init`` and ``db``: configuration file and schema (see :mod:`disseminator.bootstrap`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from channels.i18n import _

from . import Group
from .output import Output, output_options

if TYPE_CHECKING:
    from .app import App


@click.command(help=_(
    "Write a starter config where none exists, then create or upgrade the database.\n\n"
    "The file is the --config path, or ./disseminator.toml.  An existing file is never "
    "overwritten."))
@click.option("--sandbox", "sandbox_url", metavar=_("URL"), help=_("Add one account per network pointing at this sandbox URL."))
@output_options(json_help=_("Print the result as JSON."))
@click.pass_obj
def init(app: App, sandbox_url: str | None, output: Output) -> None:
    from ..bootstrap import initialise

    result = initialise(app.config_path, sandbox_url=sandbox_url)
    if output.structured:
        output.emit(result)
        return
    names = ", ".join(result["accounts"]) or _("none yet: add [accounts.NAME] tables")
    config = Path(result["config"]).resolve()
    if result["config_written"]:
        click.echo(_("Wrote configuration {config} (accounts: {names})").format(config=config, names=names))
    else:
        click.echo(_("Kept existing configuration {config} (accounts: {names})").format(config=config, names=names))
    if sandbox_url and not result["config_written"]:
        click.echo("  " + _("(not changed: --sandbox accounts are only written into a new file)"))
    if result["database_from"] != "config":
        click.echo(_("Database {database} (from {source}) is at schema {schema}").format(
            database=result["database"], source=result["database_from"], schema=result["schema"]))
    else:
        click.echo(_("Database {database} is at schema {schema}").format(database=result["database"], schema=result["schema"]))


@click.group(cls=Group, help=_("Database maintenance."))
def db() -> None:
    pass


@db.command("upgrade", help=_("Create the schema or bring it to this version."))
@output_options(json_help=_("Print {fields}.").format(fields='{"database", "schema"}'))
@click.pass_obj
def db_upgrade(app: App, output: Output) -> None:
    from ..bootstrap import upgrade_database

    result = upgrade_database(app.settings.database)
    if output.structured:
        output.emit(result)
    else:
        click.echo(_("Database is at schema {schema}").format(schema=result["schema"]))


@db.command("current", help=_("Show the schema revision of the database."))
@output_options(json_help=_("Print {fields}.").format(fields='{"schema", "needs"}'))
@click.pass_obj
def db_current(app: App, output: Output) -> None:
    from ..bootstrap import database_revision

    result = database_revision(app.settings.database)
    if output.structured:
        output.emit(result)
    else:
        click.echo(_("{schema} (this version needs {needs})").format(schema=result["schema"] or _("none"), needs=result["needs"]))
