"""Reading a time field of an article (``published``, ``embargo``): ISO 8601 text, or a
YAML date or time, as a :class:`datetime.datetime`.

One reading for every such field; each caller says what to raise, so its messages (which
name the field) stay its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

#: The years a time field may name.
YEARS = range(1900, 3000)


def field_time(value: Any, *, not_iso: Callable[[str], Exception], not_time: Callable[[type], Exception],
               out_of_range: Callable[[int], Exception]) -> dt.datetime | None:
    """``value`` as a time (naive when it carries no offset; a date is its midnight), or
    None when empty.  Raises ``not_iso(text)`` for text that is not ISO 8601,
    ``not_time(type)`` for a value of another type and ``out_of_range(year)`` for a year
    outside :data:`YEARS`."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, dt.date):
        when = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            when = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise not_iso(value) from None
    else:
        raise not_time(type(value))
    if when.year not in YEARS:
        raise out_of_range(when.year)
    return when
