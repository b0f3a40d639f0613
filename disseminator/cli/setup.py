"""``init`` and ``db``: configuration file and schema."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .output import emit_json

if TYPE_CHECKING:
    from .app import App


@click.command()
@click.option("--sandbox", "sandbox_url", metavar="URL", help="Add one account per network pointing at this sandbox URL.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_obj
def init(app: App, sandbox_url: str | None, as_json: bool) -> None:
    """Write a starter config where none exists, then create or upgrade the database.

    The file is the --config path, or ./disseminator.toml.  An existing file is never
    overwritten.
    """
    from ..config import LOCAL_FILE, find_config
    from ..errors import UserError
    from ..starter import starter_config

    if sandbox_url and not sandbox_url.startswith(("http://", "https://")):
        raise UserError(f"--sandbox: {sandbox_url!r} is not an http(s) URL")
    # A --config (or DISSEMINATOR_CONFIG) path that does not exist yet is where to write.
    named = Path(app.config_path) if app.config_path else None
    existing = named if named and named.is_file() else (None if named else find_config(None))
    target = named or existing or Path(LOCAL_FILE)
    wrote = False
    if existing is None and not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(starter_config(sandbox_url), encoding="utf-8")
        wrote = True
        app.config_path = str(target)
    revision = _upgrade(app)
    from ..config import redact_url

    result = {"config": str(target), "config_written": wrote, "database": redact_url(app.settings.database), "schema": revision}
    if as_json:
        emit_json(result)
        return
    names = ", ".join(app.settings.account_names()) or "none yet: add [accounts.NAME] tables"
    click.echo(f"{'Wrote' if wrote else 'Kept existing'} configuration {target.resolve()} (accounts: {names})")
    if sandbox_url and not wrote:
        click.echo("  (not changed: --sandbox accounts are only written into a new file)")
    click.echo(f"Database {result['database']} is at schema {revision}")


def _upgrade(app: App) -> str:
    from ..store import Store
    from ..store.migrate import current_revision, upgrade

    store = Store(app.settings.database)
    try:
        upgrade(store.engine)
        return current_revision(store.engine) or "?"
    finally:
        store.close()


@click.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@click.option("--json", "as_json", is_flag=True, help='Print {"database", "schema"}.')
@click.pass_obj
def db_upgrade(app: App, as_json: bool) -> None:
    """Create the schema or bring it to this version."""
    from ..config import redact_url

    revision = _upgrade(app)
    if as_json:
        emit_json({"database": redact_url(app.settings.database), "schema": revision})
    else:
        click.echo(f"Database is at schema {revision}")


@db.command("current")
@click.option("--json", "as_json", is_flag=True, help='Print {"schema", "needs"}.')
@click.pass_obj
def db_current(app: App, as_json: bool) -> None:
    """Show the schema revision of the database."""
    from ..store import Store
    from ..store.migrate import current_revision, head_revision

    store = Store(app.settings.database)
    try:
        current = current_revision(store.engine)
    finally:
        store.close()
    if as_json:
        emit_json({"schema": current, "needs": head_revision()})
    else:
        click.echo(f"{current or 'none'} (this version needs {head_revision()})")
