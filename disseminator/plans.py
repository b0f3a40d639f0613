"""Posting plans: slots, a stagger between channels, blackout windows, recurrence.

A plan is configuration (``[plans.NAME]``) read into a :class:`Plan`; everything here is a
pure function of a time, so the CLI (``schedule --next-slot``, ``--stagger``, ``--every``),
the worker (blackout holds) and the tests (a frozen clock) ask the same questions:

- :func:`next_slot`: the first slot at or after a time that is free and not blacked out;
- :meth:`Plan.offset`: a channel's stagger (X now, Facebook +5 min, Instagram +15 min);
- :func:`blackout_end`: when the blackout window holding a time ends (None: none holds it);
- :func:`disseminator.cron.next_fire`: a cron expression's next time after a time, in
  the plan's zone.

The tables are read and checked in :mod:`disseminator.plan_config`.

Times in and out are aware datetimes (UTC from the store); slots and weekly windows are
wall-clock times in the plan's zone, so "Mon-Fri 08:00" stays 08:00 across a change to or
from daylight saving time.  A wall-clock time that does not exist that day (the hour
skipped in spring) is taken as the same time after the jump (02:30 -> 03:30); one that
happens twice (autumn) as its first occurrence.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

#: How far ahead :func:`next_slot` looks before saying there is no free slot.
HORIZON = dt.timedelta(days=366)


@dataclass(frozen=True)
class Slot:
    """A time of day on some weekdays (``Mon-Fri 08:00``), in the plan's zone."""

    days: frozenset[int]
    time: dt.time
    text: str


@dataclass(frozen=True)
class Window:
    """A blackout window: weekly (``Fri 11:30-13:00``; an end at or before the start is
    the next day's) or dated (``2026-02-11 00:00 - 2026-02-14 00:00``), in the plan's zone."""

    text: str
    days: frozenset[int] = frozenset()
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None

    def holding(self, when: dt.datetime, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime] | None:
        """The (start, end) of this window's occurrence that holds ``when``, else None."""
        if self.start is not None and self.end is not None:
            return (self.start, self.end) if self.start <= when < self.end else None
        assert self.start_time is not None and self.end_time is not None
        local = when.astimezone(zone).date()
        for day in (local - dt.timedelta(days=1), local):  # yesterday's may run past midnight
            if day.weekday() not in self.days:
                continue
            start = wall(day, self.start_time, zone)
            end_day = day + dt.timedelta(days=1) if self.end_time <= self.start_time else day
            end = wall(end_day, self.end_time, zone)
            if start <= when < end:
                return start, end
        return None


@dataclass(frozen=True)
class Plan:
    """One ``[plans.NAME]`` table, read and checked."""

    name: str
    zone: zoneinfo.ZoneInfo
    slots: tuple[Slot, ...] = ()
    #: Channel -> how long after the plan's time that channel's post goes.
    stagger: Mapping[str, dt.timedelta] = field(default_factory=dict)
    blackouts: tuple[Window, ...] = ()
    #: Accounts this plan is for (a group), besides those naming it with ``plan = "NAME"``.
    accounts: tuple[str, ...] = ()

    def offset(self, channel: str) -> dt.timedelta:
        """How long after the plan's time a post of ``channel`` goes (0 when not staggered)."""
        return self.stagger.get(channel, dt.timedelta(0))


def wall(day: dt.date, time: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """``time`` on ``day`` on the clocks of ``zone``, in UTC.  A time skipped by a change
    to daylight saving time is the same time after the jump; a repeated one, the first."""
    # zoneinfo reads a skipped time with the offset before the jump (02:30 -> 03:30 after
    # it) and a repeated one as its first occurrence (fold 0): both as documented above.
    return dt.datetime.combine(day, time, tzinfo=zone).astimezone(dt.timezone.utc)


# ------------------------------------------------------------------ the questions


def next_slot(plan: Plan, after: dt.datetime, *, taken: Callable[[dt.datetime], bool] = lambda t: False,
              channel: str | None = None) -> dt.datetime | None:
    """The first slot time at or after ``after`` (plus ``channel``'s stagger) that
    ``taken`` does not claim and no blackout window holds; None when the plan has no slots
    or none is free within :data:`HORIZON`."""
    if not plan.slots:
        return None
    shift = plan.offset(channel) if channel else dt.timedelta(0)
    day = (after - shift).astimezone(plan.zone).date()
    last = day + dt.timedelta(days=HORIZON.days)
    while day <= last:
        times = sorted({wall(day, s.time, plan.zone) for s in plan.slots if day.weekday() in s.days})
        for base in times:
            when = base + shift
            if when >= after and not taken(when) and blackout_end(plan, when) is None:
                return when
        day += dt.timedelta(days=1)
    return None


def blackout_end(plan: Plan | None, when: dt.datetime) -> dt.datetime | None:
    """When the blackout windows holding ``when`` end (windows that touch or overlap are
    one wait), or None when no window holds it."""
    if plan is None or not plan.blackouts:
        return None
    end: dt.datetime | None = None
    probe = when
    for _step in range(100):  # windows chained end to start; a cap, not a loop forever
        found = [w.holding(probe, plan.zone) for w in plan.blackouts]
        ends = [span[1] for span in found if span is not None]
        if not ends:
            return end
        end = probe = max(ends)
    return end


def blackout_window(plan: Plan | None, when: dt.datetime) -> Window | None:
    """The window that holds ``when`` (the first written), or None."""
    if plan is None:
        return None
    return next((w for w in plan.blackouts if w.holding(when, plan.zone) is not None), None)
