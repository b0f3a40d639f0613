"""Setting up: the starter configuration file and the database schema (``init``, ``db``)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from channels.i18n import _

from .config import redact_url
from .errors import UsageError

#: The environment variable that overrides the configuration's database.
DATABASE_ENV = "DISSEMINATOR_DATABASE"


@dataclass(frozen=True)
class ConfigFile:
    """Where the configuration is, and whether it was just written."""

    path: Path
    written: bool


def write_starter_config(config_path: str | None, *, sandbox_url: str | None = None) -> ConfigFile:
    """Write a starter config where none exists; an existing file is never overwritten.

    The file is ``config_path`` (which may not exist yet), else the one found the usual
    way, else ``./disseminator.toml``.  Raises :class:`UsageError` for a sandbox URL that
    is not http(s).
    """
    from .config import LOCAL_FILE, find_config
    from .starter import starter_config

    if sandbox_url and not sandbox_url.startswith(("http://", "https://")):
        raise UsageError(_("--sandbox: {url!r} is not an http(s) URL").format(url=sandbox_url))
    # A named path that does not exist yet is where to write.
    named = Path(config_path) if config_path else None
    existing = named if named and named.is_file() else (None if named else find_config(None))
    target = named or existing or Path(LOCAL_FILE)
    if existing is None and not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_with_database(starter_config(sandbox_url), os.environ.get(DATABASE_ENV)), encoding="utf-8")
        return ConfigFile(target, True)
    return ConfigFile(target, False)


def _with_database(text: str, database: str | None) -> str:
    """The starter file naming the database ``DISSEMINATOR_DATABASE`` gave ``init``, so the
    next command finds the same one without the variable; one with a password stays in
    the environment (a comment says so), never in the file."""
    if not database:
        return text
    default = 'database = "sqlite:///disseminator.db"'
    if redact_url(database) != database:
        line = f"# database: read from {DATABASE_ENV} (it holds a password, so it is not written here)\n# {default}"
    else:
        line = f"database = {json.dumps(database)}                  # from {DATABASE_ENV} when init ran"
    return text.replace(default, line, 1)


def initialise(config_path: str | None, *, sandbox_url: str | None = None) -> dict[str, Any]:
    """``init``: a starter config where none exists (:func:`write_starter_config`), then
    the database created or upgraded.

    The database is the one ``DISSEMINATOR_DATABASE`` names when it is set (the
    environment overrides the file, as for every command), else the file's.
    Returns ``{"config", "config_written", "database", "database_from", "schema", "accounts"}``.
    """
    from .config import load_settings

    config = write_starter_config(config_path, sandbox_url=sandbox_url)
    settings = load_settings(str(config.path) if config.written else config_path)
    return {"config": str(config.path), "config_written": config.written, **upgrade_database(settings.database),
            "database_from": DATABASE_ENV if os.environ.get(DATABASE_ENV) else "config",
            "accounts": settings.account_names()}


def upgrade_database(database: str) -> dict[str, Any]:
    """Create the schema or bring it to this version: ``{"database", "schema"}``."""
    from .config import redact_url
    from .store import Store
    from .store.migrate import current_revision, upgrade

    store = Store(database)
    try:
        upgrade(store.engine)
        return {"database": redact_url(database), "schema": current_revision(store.engine) or "?"}
    finally:
        store.close()


def database_revision(database: str) -> dict[str, Any]:
    """The schema revision of the database, and the one this version needs: ``{"schema", "needs"}``."""
    from .store import Store
    from .store.migrate import current_revision, head_revision

    store = Store(database)
    try:
        return {"schema": current_revision(store.engine), "needs": head_revision()}
    finally:
        store.close()
