"""Setting up: the starter configuration file and the database schema (``init``, ``db``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import UsageError


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
        raise UsageError(f"--sandbox: {sandbox_url!r} is not an http(s) URL")
    # A named path that does not exist yet is where to write.
    named = Path(config_path) if config_path else None
    existing = named if named and named.is_file() else (None if named else find_config(None))
    target = named or existing or Path(LOCAL_FILE)
    if existing is None and not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(starter_config(sandbox_url), encoding="utf-8")
        return ConfigFile(target, True)
    return ConfigFile(target, False)


def initialise(config_path: str | None, *, sandbox_url: str | None = None) -> dict[str, Any]:
    """``init``: a starter config where none exists (:func:`write_starter_config`), then
    the database created or upgraded.

    Returns ``{"config", "config_written", "database", "schema", "accounts"}``.
    """
    from .config import load_settings

    config = write_starter_config(config_path, sandbox_url=sandbox_url)
    settings = load_settings(str(config.path) if config.written else config_path)
    return {"config": str(config.path), "config_written": config.written, **upgrade_database(settings.database),
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
