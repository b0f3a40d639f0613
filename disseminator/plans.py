"""Posting plans: slots, a stagger between channels, blackout windows, recurrence.

A plan is configuration (``[plans.NAME]``) read into a :class:`Plan`; everything here is a
pure function of a time, so the CLI (``schedule --next-slot``, ``--stagger``, ``--every``),
the worker (blackout holds) and the tests (a frozen clock) ask the same questions:

- :func:`next_slot`: the first slot at or after a time that is free and not blacked out;
- :meth:`Plan.offset`: a channel's stagger (X now, Facebook +5 min, Instagram +15 min);
- :func:`blackout_end`: when the blackout window holding a time ends (None: none holds it);
- :func:`next_fire`: a cron expression's next time after a time, in the plan's zone.

Times in and out are aware datetimes (UTC from the store); slots and weekly windows are
wall-clock times in the plan's zone, so "Mon-Fri 08:00" stays 08:00 across a change to or
from daylight saving time.  A wall-clock time that does not exist that day (the hour
skipped in spring) is taken as the same time after the jump (02:30 -> 03:30); one that
happens twice (autumn) as its first occurrence.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from channels.i18n import _

from .durations import parse_duration as parse_duration  # one reader of "5m" for every setting
from .errors import ConfigError

#: Weekday names as a plan may write them (English and Indonesian), Monday = 0.
_DAY_NAMES: dict[str, int] = {}
for _i, _names in enumerate((("mon", "monday", "sen", "senin"), ("tue", "tuesday", "sel", "selasa"),
                             ("wed", "wednesday", "rab", "rabu"), ("thu", "thursday", "kam", "kamis"),
                             ("fri", "friday", "jum", "jumat", "jum'at"), ("sat", "saturday", "sab", "sabtu"),
                             ("sun", "sunday", "min", "minggu", "ahad"))):
    for _n in _names:
        _DAY_NAMES[_n] = _i
_EVERY_DAY = {"daily", "*", "every", "setiap", "tiap"}
_CLOCK = r"(\d{1,2})[:.](\d{2})"
_SLOT = re.compile(rf"^\s*(?:(?P<days>[^\d\s][^\s]*)\s+)?{_CLOCK}\s*$")
_WEEKLY = re.compile(rf"^\s*(?:(?P<days>[^\d\s][^\s]*)\s+)?{_CLOCK}\s*-\s*{_CLOCK}\s*$")
_DATED = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})(?:[ T]" + _CLOCK + r")?\s+-\s+(\d{4}-\d{2}-\d{2})(?:[ T]" + _CLOCK + r")?\s*$")
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


# ------------------------------------------------------------------ reading the configuration


def _days(text: str | None) -> frozenset[int] | None:
    """``Mon-Fri``, ``Mon,Wed,Fri``, ``Sen-Jum``, ``daily``; None (every day) when absent."""
    if text is None or text.lower() in _EVERY_DAY:
        return frozenset(range(7))
    found: set[int] = set()
    for piece in text.lower().split(","):
        if "-" in piece:
            a, _sep, b = piece.partition("-")
            if a not in _DAY_NAMES or b not in _DAY_NAMES:
                return None
            first, last = _DAY_NAMES[a], _DAY_NAMES[b]
            span = range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)]
            found.update(span)
        elif piece in _DAY_NAMES:
            found.add(_DAY_NAMES[piece])
        else:
            return None
    return frozenset(found)


def _time(h: str, m: str) -> dt.time | None:
    hour, minute = int(h), int(m)
    if hour == 24 and minute == 0:
        return dt.time(0, 0)
    return dt.time(hour, minute) if hour < 24 and minute < 60 else None


def parse_slot(text: str) -> Slot | None:
    m = _SLOT.match(text) if isinstance(text, str) else None
    if not m:
        return None
    days, time = _days(m.group("days")), _time(m.group(2), m.group(3))
    return Slot(days, time, text.strip()) if days and time is not None else None


def parse_window(text: str, zone: zoneinfo.ZoneInfo) -> Window | None:
    if not isinstance(text, str):
        return None
    if m := _DATED.match(text):
        try:
            d1, d2 = dt.date.fromisoformat(m.group(1)), dt.date.fromisoformat(m.group(4))
        except ValueError:
            return None
        t1 = _time(m.group(2), m.group(3)) if m.group(2) else dt.time(0, 0)
        t2 = _time(m.group(5), m.group(6)) if m.group(5) else dt.time(0, 0)
        if t1 is None or t2 is None:
            return None
        start, end = wall(d1, t1, zone), wall(d2, t2, zone)
        return Window(text.strip(), start=start, end=end) if end > start else None
    if m := _WEEKLY.match(text):
        days = _days(m.group("days"))
        t1, t2 = _time(m.group(2), m.group(3)), _time(m.group(4), m.group(5))
        if not days or t1 is None or t2 is None:
            return None
        return Window(text.strip(), days=days, start_time=t1, end_time=t2)
    return None


#: Every key a ``[plans.NAME]`` table may have.
PLAN_KEYS = frozenset({"slots", "timezone", "stagger", "blackout", "accounts"})


def parse_plan(name: str, table: Mapping[str, Any], *, default_zone: str, channels: Collection[str],
               at: Callable[..., str]) -> Plan:
    """Read ``[plans.NAME]``.  ``at(key)`` says where a key is written (``file:line``);
    ``channels`` are the channel names a stagger may name.  Raises :class:`ConfigError`
    for a value that cannot be read, naming the key and what was expected."""
    from .config_keys import _closest

    def bad(key: str, expected: str) -> ConfigError:
        return ConfigError(_("{where}: plans.{name}.{key}: expected {expected}").format(
            where=at(key), name=name, key=key, expected=expected))

    zone_name = table.get("timezone", default_zone)
    try:
        zone = zoneinfo.ZoneInfo(zone_name) if isinstance(zone_name, str) else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = None
    if zone is None:
        raise bad("timezone", _("an IANA time zone name such as Asia/Jakarta"))
    slots_raw = table.get("slots", [])
    slots = [parse_slot(s) for s in slots_raw] if isinstance(slots_raw, list) else [None]
    if any(s is None for s in slots):
        raise bad("slots", _('a list of weekdays and times such as ["Mon-Fri 08:00", "Sat 09:00"]'))
    windows_raw = table.get("blackout", [])
    windows = [parse_window(w, zone) for w in windows_raw] if isinstance(windows_raw, list) else [None]
    if any(w is None for w in windows):
        raise bad("blackout", _('a list of windows such as ["Fri 11:30-13:00", '
                                '"2026-02-11 00:00 - 2026-02-14 00:00"]'))
    stagger_raw = table.get("stagger", {})
    if not isinstance(stagger_raw, dict):
        raise bad("stagger", _('a table such as {{ twitter = "0m", facebook = "5m", instagram = "15m" }}').format())
    stagger: dict[str, dt.timedelta] = {}
    for channel, value in stagger_raw.items():
        if channel not in channels:
            close = _closest(channel, channels)
            hint = (_("did you mean {close!r}?").format(close=close) if close
                    else _("known: {names}").format(names=", ".join(sorted(channels))))
            raise ConfigError(_("{where}: plans.{name}.stagger.{channel}: unknown channel ({hint})").format(
                where=at("stagger"), name=name, channel=channel, hint=hint))
        offset = parse_duration(value)
        if offset is None:
            raise bad(f"stagger.{channel}", _('a duration such as "0m", "5m", "90s" or "1h"'))
        stagger[channel] = offset
    accounts = table.get("accounts", [])
    if not isinstance(accounts, list) or not all(isinstance(a, str) for a in accounts):
        raise bad("accounts", _('a list of account names such as ["humas_x", "humas_fb"]'))
    return Plan(name=name, zone=zone, slots=tuple(s for s in slots if s), stagger=stagger,
                blackouts=tuple(w for w in windows if w), accounts=tuple(accounts))


def assign(plans: Mapping[str, Plan], accounts: Mapping[str, Mapping[str, Any]], default: str | None,
           at: Callable[..., str]) -> dict[str, str]:
    """Which plan each account follows: its own ``plan = "NAME"``, else the plan whose
    ``accounts`` list it, else ``default_plan``.  Raises :class:`ConfigError` for a plan
    that does not exist, an account a plan lists that is not configured, or an account
    two plans claim."""
    from .config_keys import _closest

    def unknown(plan: str, where: str, key: str) -> ConfigError:
        close = _closest(plan, plans)
        hint = (_("did you mean {close!r}?").format(close=close) if close
                else _("plans: {names}").format(names=", ".join(sorted(plans)) or _("none")))
        return ConfigError(_("{where}: {key}: no plan {plan!r} ({hint})").format(where=where, key=key, plan=plan, hint=hint))

    if default is not None and default not in plans:
        raise unknown(default, at("default_plan"), "default_plan")
    chosen: dict[str, str] = {}
    for plan in plans.values():
        for account in plan.accounts:
            if account not in accounts:
                close = _closest(account, accounts)
                hint = _("did you mean {close!r}?").format(close=close) if close else _("no such account")
                raise ConfigError(_("{where}: plans.{plan}.accounts: unknown account {account!r} ({hint})").format(
                    where=at("plans", plan.name, "accounts"), plan=plan.name, account=account, hint=hint))
            if account in chosen:
                raise ConfigError(_("{where}: plans.{plan}.accounts: {account} is already in plan {other}; "
                                    "an account follows one plan").format(
                    where=at("plans", plan.name, "accounts"), plan=plan.name, account=account, other=chosen[account]))
            chosen[account] = plan.name
    for account, table in accounts.items():
        own = table.get("plan")
        if own is None:
            continue
        where = at("accounts", account, "plan")
        if not isinstance(own, str):
            raise ConfigError(_("{where}: accounts.{account}.plan: expected the name of a [plans.NAME] table").format(
                where=where, account=account))
        if own not in plans:
            raise unknown(own, where, f"accounts.{account}.plan")
        if chosen.get(account, own) != own:
            raise ConfigError(_("{where}: accounts.{account}.plan: {account} is also in plan {other}'s accounts; "
                                "an account follows one plan").format(where=where, account=account, other=chosen[account]))
        chosen[account] = own
    if default is not None:
        for account in accounts:
            chosen.setdefault(account, default)
    return chosen


def parse_plans(data: Mapping[str, Any], *, default_zone: str, at: Callable[..., str]) -> tuple[dict[str, Plan], dict[str, str]]:
    """``[plans.NAME]`` tables, ``default_plan`` and each account's ``plan``, checked:
    (plans by name, the plan each account follows).  Raises :class:`ConfigError`."""
    from functools import partial

    from .config_keys import _unknown_keys
    from .registry import channel_names

    raw = data.get("plans", {})
    if not isinstance(raw, dict) or not all(isinstance(t, dict) for t in raw.values()):
        raise ConfigError(_("{where}: plans: expected tables such as [plans.office]").format(where=at("plans")))
    channels = channel_names() if raw else []  # the entry points are read only for plans (startup)
    plans: dict[str, Plan] = {}
    for name, table in raw.items():
        _unknown_keys(table, ("plans", name), PLAN_KEYS, at, _("plan setting"))
        plans[name] = parse_plan(name, table, default_zone=default_zone, channels=channels,
                                 at=partial(at, "plans", name))
    default = data.get("default_plan")
    if default is not None and not isinstance(default, str):
        raise ConfigError(_("{where}: default_plan: expected the name of a [plans.NAME] table").format(
            where=at("default_plan")))
    accounts = data.get("accounts", {})
    return plans, assign(plans, accounts if isinstance(accounts, dict) else {}, default, at)
