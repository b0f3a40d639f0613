"""Durations as the configuration writes them: ``"5m"``, ``"90s"``, ``"1h30m"`` or seconds.

One reader for every setting that takes a duration (a plan's stagger, an account's
``min_interval``); it imports nothing of the package, so the settings' checks can use it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*$")


def parse_duration(value: Any) -> dt.timedelta | None:
    """``"5m"``, ``"90s"``, ``"1h30m"``, ``"0"`` or a number of seconds; None when unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return dt.timedelta(seconds=value) if value >= 0 else None
    if not isinstance(value, str):
        return None
    if value.strip() == "0":
        return dt.timedelta(0)
    m = _DURATION.match(value.lower())
    if not m or not any(m.groups()):
        return None
    h, mi, s = (int(g or 0) for g in m.groups())
    return dt.timedelta(hours=h, minutes=mi, seconds=s)
