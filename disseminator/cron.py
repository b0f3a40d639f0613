"""Cron expressions of recurring posts (``schedule --every``): when one fires next, on the
clocks of a zone, and whether cron reads it.  APScheduler's cron trigger does the reading,
imported only when a recurring post needs it; the weekday field is read as cron reads it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo


def next_fire(cron: str, after: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime | None:
    """The first time strictly after ``after`` that the crontab expression ``cron``
    (minute hour day month weekday) names on the clocks of ``zone``, in UTC.

    Raises :class:`ValueError` for an expression cron cannot read."""
    from apscheduler.triggers.cron import CronTrigger  # deferred: only recurring posts need it

    trigger = CronTrigger.from_crontab(_standard_weekdays(cron), timezone=zone)
    start = (after + dt.timedelta(seconds=1)).replace(microsecond=0)  # strictly after
    found = trigger.get_next_fire_time(None, start.astimezone(zone))
    return None if found is None else found.astimezone(dt.timezone.utc)


def check_cron(cron: str) -> str | None:
    """What is wrong with a crontab expression (None: cron reads it)."""
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(_standard_weekdays(cron), timezone="UTC")
    except ValueError as exc:
        return str(exc)
    return None


_CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _standard_weekdays(cron: str) -> str:
    """``cron`` with its weekday field as cron means it (0 and 7 Sunday, 1 Monday), written
    as names: APScheduler 3 reads the numbers with 0 as Monday.  Raises :class:`ValueError`."""
    fields = cron.split()
    if len(fields) != 5 or fields[4] == "*":
        return cron
    days: set[int] = set()
    for item in fields[4].lower().split(","):
        spec, _sep, step_text = item.partition("/")
        step = int(step_text) if step_text.isdigit() and int(step_text) > 0 else None
        if step_text and step is None:
            raise ValueError(f"weekday field {fields[4]!r}: bad step {step_text!r}")
        if spec == "*":
            first, last = 0, 6
        else:
            a, _sep, b = spec.partition("-")
            first = _cron_day(a)
            last = _cron_day(b) if b else (6 if step else first)
            if b == "7" or (b and last == 0 and a != "0"):
                last = 7  # "5-7", "fri-sun": up to Sunday
        if last < first:
            raise ValueError(f"weekday field {fields[4]!r}: range {spec!r} runs backwards")
        days.update(d % 7 for d in range(first, last + 1, step or 1))
    fields[4] = ",".join(_CRON_DAYS[d] for d in sorted(days))
    return " ".join(fields)


def _cron_day(text: str) -> int:
    if text.isdigit() and int(text) <= 7:
        return int(text)
    if text[:3] in _CRON_DAYS:
        return _CRON_DAYS.index(text[:3])
    raise ValueError(f"unknown weekday {text!r} (expected 0-7 or sun-sat)")
