"""``init`` and ``db``: configuration file and schema (see :mod:`disseminator.bootstrap`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import Group
from .output import Output, output_options

if TYPE_CHECKING:
    from .app import App


@click.command()
@click.option("--sandbox", "sandbox_url", metavar="URL", help="Add one account per network pointing at this sandbox URL.")
@output_options(json_help="Print the result as JSON.")
@click.pass_obj
def init(app: App, sandbox_url: str | None, output: Output) -> None:
    """Write a starter config where none exists, then create or upgrade the database.

    The file is the --config path, or ./disseminator.toml.  An existing file is never
    overwritten.
    """
    from ..bootstrap import initialise

    result = initialise(app.config_path, sandbox_url=sandbox_url)
    if output.structured:
        output.emit(result)
        return
    names = ", ".join(result["accounts"]) or "none yet: add [accounts.NAME] tables"
    click.echo(f"{'Wrote' if result['config_written'] else 'Kept existing'} configuration {Path(result['config']).resolve()} (accounts: {names})")
    if sandbox_url and not result["config_written"]:
        click.echo("  (not changed: --sandbox accounts are only written into a new file)")
    source = f" (from {result['database_from']})" if result["database_from"] != "config" else ""
    click.echo(f"Database {result['database']}{source} is at schema {result['schema']}")


@click.group(cls=Group)
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@output_options(json_help='Print {"database", "schema"}.')
@click.pass_obj
def db_upgrade(app: App, output: Output) -> None:
    """Create the schema or bring it to this version."""
    from ..bootstrap import upgrade_database

    result = upgrade_database(app.settings.database)
    if output.structured:
        output.emit(result)
    else:
        click.echo(f"Database is at schema {result['schema']}")


@db.command("current")
@output_options(json_help='Print {"schema", "needs"}.')
@click.pass_obj
def db_current(app: App, output: Output) -> None:
    """Show the schema revision of the database."""
    from ..bootstrap import database_revision

    result = database_revision(app.settings.database)
    if output.structured:
        output.emit(result)
    else:
        click.echo(f"{result['schema'] or 'none'} (this version needs {result['needs']})")
