"""Engines and sessions: SQLite in WAL mode with a busy timeout, or PostgreSQL (psycopg 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from channels.i18n import _

from ..errors import ConfigError

BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    """An engine for ``url``.  ``postgresql://`` means psycopg 3.

    Raises :class:`ConfigError` for an unsupported URL or a missing driver.
    """
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[-1]
        if not path.split("?", 1)[0]:
            raise ConfigError(_("database: {url!r} names no file (expected sqlite:///path/to/disseminator.db)").format(url=url))
        if path and not path.startswith(":") and "?" not in path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql+"):
        try:
            return create_engine(url, pool_pre_ping=True)
        except ModuleNotFoundError as exc:
            raise ConfigError(
                _("database: PostgreSQL needs psycopg 3: pip install 'disseminator[postgres]'")
            ) from exc
    raise ConfigError(_("database: unsupported URL scheme {scheme!r} (expected sqlite:/// or postgresql://)").format(
        scheme=url.split(':', 1)[0]))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the daemon write while officers read; the busy timeout makes writers wait
    # for each other instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
