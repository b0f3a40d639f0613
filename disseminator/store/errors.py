"""Database trouble as one line: what happened to which database, and what to do.

SQLAlchemy's errors carry the SQL, its parameters and a link; psycopg's carry several
lines.  An officer or an operator needs one line naming the database (password masked)
and the next step.  :func:`translated` turns the driver's failures into
:class:`DatabaseError` at the store's boundary (sessions, the clock, migrations), so every
command and the daemon see the same thing.  Constraint violations (``IntegrityError``) are
not trouble but answers, and pass through unchanged for the code that expects them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from channels.i18n import N_, _

from ..config import redact_url
from ..errors import UserError

#: What a failure means, the next step, and whether the setup is wrong (exit 2) rather
#: than a run meeting trouble (exit 1), by kind.  The words are translated where shown.
_MEANING: dict[str, tuple[str, str, bool]] = {
    "readonly": (N_("is read-only"), N_("give the user running disseminator write access to the file and its folder"), True),
    "cantopen": (N_("cannot be opened"), N_("check that the folder exists and is writable"), True),
    "full": (N_("has no room left: the disk is full"), N_("free some space; nothing already queued or recorded was lost"), False),
    "busy": (N_("is busy (locked by another process)"), N_("try again in a moment"), False),
    "auth": (N_("refused the user name or password"), N_("check the user and password in 'database'"), True),
    "missing": (N_("does not exist on the server"), N_("create it, or fix the name in 'database'"), True),
    "unreachable": (N_("cannot be reached"), N_("check that the server is running and the host and port in 'database'"), True),
}
#: SQLite's result codes (``sqlite3.Error.sqlite_errorname``) by kind.
_SQLITE = {"SQLITE_READONLY": "readonly", "SQLITE_CANTOPEN": "cantopen", "SQLITE_FULL": "full",
           "SQLITE_BUSY": "busy", "SQLITE_LOCKED": "busy", "SQLITE_IOERR": "full"}
#: PostgreSQL's SQLSTATE classes and codes (``psycopg.Error.sqlstate``) by kind.
_SQLSTATE = {"53100": "full", "28P01": "auth", "28000": "auth", "3D000": "missing", "57P01": "unreachable",
             "57P03": "unreachable", "08": "unreachable", "53": "full", "25006": "readonly"}
#: A connection that never opened has no code; psycopg says why in words only.
_CONNECT_WORDS = {"password authentication failed": "auth", 'role "': "auth", "does not exist": "missing"}


class DatabaseError(UserError):
    """The database failed."""

    default_message = N_("The database failed.")

    def __init__(self, message: str, *, configuration: bool) -> None:
        super().__init__(message)
        #: True when the setup is wrong (exit 2); False when a run met trouble (exit 1).
        self.configuration = configuration
        self.exit_code = 2 if configuration else 1


def describe(exc: BaseException, url: str) -> DatabaseError:
    """The one-line :class:`DatabaseError` for a driver failure on the database at ``url``."""
    orig = getattr(exc, "orig", None) or exc
    first = next((line.strip() for line in str(orig).splitlines() if line.strip()), type(orig).__name__)
    kind = _kind(orig)
    shown = redact_url(url)
    if kind is None:
        return DatabaseError(_("database {url} failed: {error}").format(url=shown, error=first[:200]), configuration=False)
    what, step, configuration = _MEANING[kind]
    return DatabaseError(_("database {url} {what}; {step}").format(url=shown, what=_(what), step=_(step)),
                         configuration=configuration)


def _kind(orig: BaseException) -> str | None:
    name = getattr(orig, "sqlite_errorname", None)
    if isinstance(name, str):
        return next((k for code, k in _SQLITE.items() if name.startswith(code)), None)
    state = getattr(orig, "sqlstate", None)
    if isinstance(state, str) and state:
        return _SQLSTATE.get(state) or _SQLSTATE.get(state[:2])
    if type(orig).__module__.startswith("psycopg"):  # no SQLSTATE: the connection never opened
        text = str(orig).lower()
        return next((k for words, k in _CONNECT_WORDS.items() if words in text), "unreachable")
    return None


@contextmanager
def translated(url: str) -> Iterator[None]:
    """Turn the driver's operational failures inside the block into :class:`DatabaseError`."""
    from sqlalchemy.exc import DataError, InterfaceError, OperationalError

    try:
        yield
    except (OperationalError, InterfaceError, DataError) as exc:
        raise describe(exc, url) from exc
