"""Knowing at once that the queue changed, without reading it: what wakes an idle daemon.

- PostgreSQL: ``LISTEN disseminator_queue``; a trigger (migration 0007) notifies on every
  statement that touches ``posts`` or ``account_holds``, from any process.
- SQLite: ``PRAGMA data_version`` on a connection of our own, which changes whenever
  another connection commits a change to the file; read every quarter second (a page of
  the file's header, no table is read).

:meth:`ChangeWatch.wait` blocks until a change or the timeout; a wrong answer only costs
a run that finds nothing, so a watch that cannot connect reports "changed" on each poll
rather than leave the daemon deaf (its next-due timer still bounds every wait).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from typing import Any, Protocol

log = logging.getLogger("disseminator.notify")

CHANNEL = "disseminator_queue"
#: How often SQLite's data version is read while waiting (seconds).
SQLITE_POLL = 0.25


class ChangeWatch(Protocol):
    def wait(self, timeout: float) -> bool:
        """Block until the queue may have changed (True) or ``timeout`` seconds pass (False)."""

    def close(self) -> None: ...


def watch(url: str, *, stop: threading.Event | None = None) -> ChangeWatch:
    """The watch for the database at ``url`` (a SQLAlchemy URL as the configuration has it)."""
    if url.startswith("sqlite"):
        return SqliteWatch(url.split("sqlite:///", 1)[-1].split("?", 1)[0], stop=stop)
    return PostgresWatch(url)


class SqliteWatch:
    def __init__(self, path: str, *, stop: threading.Event | None = None, poll: float = SQLITE_POLL) -> None:
        self._path = path
        self._poll = poll
        self._stop = stop or threading.Event()
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None

    def _read(self) -> int | None:
        try:
            if self._conn is None:
                self._conn = sqlite3.connect(self._path, timeout=1, check_same_thread=False)
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error as exc:
            log.debug("notify.sqlite_unreadable %s", exc)
            self.close()
            return None

    def wait(self, timeout: float) -> bool:
        if self._version is None:
            self._version = self._read()
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._stop.wait(min(self._poll, remaining)):
                return False
            version = self._read()
            if version is None or version != self._version:
                self._version = version
                return True

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class PostgresWatch:
    def __init__(self, url: str) -> None:
        self._url = url.replace("postgresql+psycopg://", "postgresql://").replace("postgres://", "postgresql://", 1)
        self._conn: Any = None
        self._schema: str | None = None

    def _connect(self) -> Any:
        if self._conn is None or self._conn.closed:
            import psycopg

            self._conn = psycopg.connect(self._url, autocommit=True, connect_timeout=10)
            self._conn.execute(f"LISTEN {CHANNEL}")
            self._schema = self._conn.execute("SELECT current_schema()").fetchone()[0]
        return self._conn

    def _ours(self, payload: str) -> bool:
        """A change to our tables: the notice names ``schema.table`` (migration 0016, which
        a database must have for the daemon to open it; a bare table name comes from a
        schema still before it, not ours).  The channel is the database's, so queues kept
        in other schemas of one database would otherwise wake us."""
        return payload.rpartition(".")[0] == self._schema

    def wait(self, timeout: float) -> bool:
        try:
            conn = self._connect()
            deadline = time.monotonic() + max(timeout, 0.0)
            while True:
                notes = list(conn.notifies(timeout=max(deadline - time.monotonic(), 0.0), stop_after=1))
                if not notes:
                    return False
                if self._ours(notes[0].payload):
                    for _more in conn.notifies(timeout=0.0):  # one wake for a burst of changes
                        pass
                    return True
        except Exception as exc:  # noqa: BLE001 - the database is down: let the timer decide
            log.debug("notify.postgres_unavailable %s", exc)
            self.close()
            time.sleep(min(max(timeout, 0.0), 1.0))
            return True

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001 - closing a broken connection
                pass
            self._conn = None
