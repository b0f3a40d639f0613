"""Driver failures as one line each, classified by the driver's code, never its SQL."""

from __future__ import annotations

import sqlite3

import psycopg.errors
import pytest
from sqlalchemy.exc import OperationalError

from disseminator.store.errors import describe

URL = "postgresql://humas:rahasia@db.example.go.id/humas"


def _sqlite(name: str) -> sqlite3.Error:
    exc = sqlite3.OperationalError(f"some sqlite words for {name}")
    exc.sqlite_errorname = name  # type: ignore[attr-defined]
    return exc


@pytest.mark.parametrize("orig, words, code", [
    (_sqlite("SQLITE_FULL"), "disk is full; free some space; nothing already queued", 1),
    (_sqlite("SQLITE_READONLY_DBMOVED"), "is read-only", 2),
    (_sqlite("SQLITE_CANTOPEN"), "cannot be opened", 2),
    (_sqlite("SQLITE_BUSY"), "is busy", 1),
    (psycopg.errors.DiskFull("could not extend file"), "disk is full", 1),
    (psycopg.errors.InvalidPassword("password authentication failed"), "refused the user name or password", 2),
    (psycopg.errors.InvalidCatalogName('database "x" does not exist'), "does not exist on the server", 2),
    (psycopg.errors.AdminShutdown("terminating connection due to administrator command"), "cannot be reached", 2),
    (psycopg.OperationalError("connection failed: connection to server at \"10.0.0.1\", port 5432 failed: "
                              "Connection refused\n\tIs the server running on that host?"), "cannot be reached", 2),
    (psycopg.OperationalError('connection failed: FATAL:  password authentication failed for user "humas"'),
     "refused the user name or password", 2),
    (psycopg.OperationalError('connection failed: FATAL:  role "bob" does not exist'), "refused the user name or password", 2),
    (psycopg.OperationalError('connection failed: FATAL:  database "humas" does not exist'), "does not exist on the server", 2),
])
def test_each_failure_is_one_line_naming_the_database(orig: BaseException, words: str, code: int) -> None:
    wrapped = OperationalError("SELECT secret_sql FROM posts WHERE id = ?", {"id": 1}, orig)
    error = describe(wrapped, URL)
    assert error.message.startswith("database postgresql://humas:***@db.example.go.id/humas ")
    assert words in error.message and error.exit_code == code
    assert "\n" not in error.message and "rahasia" not in error.message and "secret_sql" not in error.message


def test_an_unknown_failure_keeps_only_the_drivers_first_line() -> None:
    error = describe(OperationalError("SELECT 1", {}, sqlite3.OperationalError("odd thing\nsecond line")), URL)
    assert error.message.endswith("failed: odd thing") and error.exit_code == 1


def test_a_sqlite_url_without_a_file_is_refused() -> None:
    from disseminator.errors import ConfigError
    from disseminator.store.engine import make_engine

    with pytest.raises(ConfigError, match="names no file"):
        make_engine("sqlite:///")
