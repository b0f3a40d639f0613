"""What every table shares: the declarative base, UTC times, and CHECK lists of enums.

Times are stored in UTC (naive on SQLite, ``timestamptz`` on PostgreSQL) and always come
back timezone-aware.  The tables themselves are in the ``*_models`` modules beside this
one, by family; :mod:`disseminator.store.schema` gathers them on one metadata.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import DateTime, TypeDecorator
from sqlalchemy.orm import DeclarativeBase


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A datetime stored as UTC and returned timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware UTC time")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


def utcnow() -> dt.datetime:
    """The machine's clock, for column defaults only; the core reads a :class:`Clock`."""
    return dt.datetime.now(dt.timezone.utc)


def check_in(column: str, values: type[enum.StrEnum]) -> str:
    """A CHECK constraint's text: ``column`` holds one of ``values``."""
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Base(DeclarativeBase):
    pass
