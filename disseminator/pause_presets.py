"""Pause presets: a named reason and length for ``pause --preset`` (a day of national
mourning, an election's quiet days), so an officer types one word, not a reason and an end.

Built in: ``berkabung-1``, ``berkabung-3``, ``berkabung-7`` (national mourning of 1, 3 or
7 days from now) and ``hening-pemilu`` (an election's three quiet days); each lets urgent
posts through (a disaster warning must go out during mourning too).  ``[pause_presets.NAME]``
tables in the configuration add presets or change these::

    [pause_presets.berkabung-3]
    reason = "Hari berkabung nasional"
    days = 3              # and/or hours = 12; or until = "besok 06:00" (as --until reads it)
    allow_urgent = true   # urgent posts (schedule --urgent) pass this pause

A preset is only a way to fill ``pause``'s reason and end: the pause it makes is the one
pause mechanism (:mod:`disseminator.pauses`, a hold), ended by ``resume`` or by its end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from channels.i18n import _, ngettext

from .errors import ConfigError, ScheduleError

#: The keys a ``[pause_presets.NAME]`` table may have.
KEYS = frozenset({"reason", "days", "hours", "until", "allow_urgent"})
#: How long a preset may last, in days and in hours (a year).
MAX_DAYS = 366
MAX_HOURS = MAX_DAYS * 24


@dataclass(frozen=True)
class Preset:
    """A pause's reason and length, by name."""

    name: str
    reason: str
    days: float = 0
    hours: float = 0
    #: An end as ``pause --until`` reads it ("besok 06:00"); instead of days and hours.
    until: str | None = None
    #: Urgent posts (``schedule --urgent``) pass the pause.
    allow_urgent: bool = True

    def end(self, now: dt.datetime, read: Callable[[str], dt.datetime]) -> dt.datetime | None:
        """When a pause placed at ``now`` with this preset ends (None: at ``resume``);
        ``read`` reads ``until`` as ``pause --until`` does."""
        if self.until:
            return read(self.until)
        length = dt.timedelta(days=self.days, hours=self.hours)
        return now + length if length else None

    def length(self) -> str:
        """``3 days``, ``1 day 12 hours``, ``until besok 06:00``, ``until resumed``, in the
        current language."""
        if self.until:
            return _("until {when}").format(when=self.until)
        parts = []
        if self.days:
            parts.append(ngettext("{n} day", "{n} days", int(self.days) if self.days == int(self.days) else 2)
                         .format(n=_number(self.days)))
        if self.hours:
            parts.append(ngettext("{n} hour", "{n} hours", int(self.hours) if self.hours == int(self.hours) else 2)
                         .format(n=_number(self.hours)))
        return " ".join(parts) or _("until resumed")


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


#: The presets every installation has (a ``[pause_presets.NAME]`` table of the same name
#: changes the keys it sets).  The reasons are what officers read in ``queue``: Indonesian.
BUILT_IN: Mapping[str, Preset] = {
    "berkabung-1": Preset("berkabung-1", "Hari berkabung nasional", days=1),
    "berkabung-3": Preset("berkabung-3", "Hari berkabung nasional", days=3),
    "berkabung-7": Preset("berkabung-7", "Hari berkabung nasional", days=7),
    "hening-pemilu": Preset("hening-pemilu", "Masa tenang pemilu", days=3),
}


def parse_presets(data: Mapping[str, Any], at: Callable[..., str]) -> dict[str, Preset]:
    """The built-in presets with the file's ``[pause_presets.NAME]`` tables over them.
    Raises :class:`ConfigError` naming the line for a bad table or value."""
    from .config_keys import _unknown_keys

    raw = data.get("pause_presets", {})
    if not isinstance(raw, dict) or not all(isinstance(t, dict) for t in raw.values()):
        raise ConfigError(_("{where}: pause_presets: expected tables such as [pause_presets.berkabung-3]").format(
            where=at("pause_presets")))
    presets = dict(BUILT_IN)
    for name, table in raw.items():
        _unknown_keys(table, ("pause_presets", name), KEYS, at, _("pause preset setting"))
        presets[name] = _preset(name, table, BUILT_IN.get(name), at)
    return presets


def _preset(name: str, table: Mapping[str, Any], base: Preset | None, at: Callable[..., str]) -> Preset:
    def where(key: str) -> str:
        return at("pause_presets", name, key)

    reason = table.get("reason", base.reason if base else None)
    if not isinstance(reason, str) or not reason.strip():
        raise ConfigError(_("{where}: pause_presets.{name}.reason: expected the text officers read, "
                            "e.g. \"Hari berkabung nasional\"").format(where=where("reason"), name=name))
    lengths = {}
    for key, most in (("days", MAX_DAYS), ("hours", MAX_HOURS)):
        value = table.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= most:
            raise ConfigError(_("{where}: pause_presets.{name}.{key}: expected a number from 0 to {most}").format(
                where=where(key), name=name, key=key, most=most))
        lengths[key] = float(value)
    until = table.get("until")
    if until is not None and (not isinstance(until, str) or not until.strip()):
        raise ConfigError(_("{where}: pause_presets.{name}.until: expected a time as --until reads it, "
                            "e.g. \"besok 06:00\"").format(where=where("until"), name=name))
    if until is not None and lengths:
        raise ConfigError(_("{where}: pause_presets.{name}: give days and hours, or until, not both").format(
            where=where("until"), name=name))
    allow = table.get("allow_urgent", base.allow_urgent if base else True)
    if not isinstance(allow, bool):
        raise ConfigError(_("{where}: pause_presets.{name}.allow_urgent: expected true or false").format(
            where=where("allow_urgent"), name=name))
    if base is not None and not lengths and until is None:  # keep the built-in length
        return replace(base, reason=reason.strip(), allow_urgent=allow)
    return Preset(name, reason.strip(), days=lengths.get("days", 0), hours=lengths.get("hours", 0),
                  until=until.strip() if until else None, allow_urgent=allow)


def find(presets: Mapping[str, Preset], name: str) -> Preset:
    """The preset called ``name``; else a :class:`ScheduleError` with the closest name."""
    from .config_keys import _closest

    if name in presets:
        return presets[name]
    close = _closest(name, list(presets))
    if close:
        raise ScheduleError(_("--preset: no preset {name!r}; did you mean {close!r}?").format(name=name, close=close))
    raise ScheduleError(_("--preset: no preset {name!r}; 'disseminator pause --list-presets' lists them").format(
        name=name))
