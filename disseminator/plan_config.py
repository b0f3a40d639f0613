"""``[plans.NAME]``, ``default_plan`` and each account's ``plan``: reading the posting plans
from the configuration into :class:`~disseminator.plans.Plan` records, each value checked
(slots such as ``Mon-Fri 08:00``, blackout windows, a stagger per channel, time zones).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable, Collection, Mapping
from typing import Any

from channels.i18n import _

from .durations import parse_duration
from .errors import ConfigError
from .plans import Plan, Slot, Window, wall

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
