"""When to publish: ISO 8601, or the words an officer says, in Indonesian or English.

Read in the configured zone unless the text names one (``WIB``, ``WITA``, ``WIT``, ``UTC``):

- now: ``sekarang``, ``now``;
- after a while: ``2 jam lagi``, ``30 menit lagi``, ``1 jam 30 menit lagi``, ``dalam 2 jam``,
  ``in 45 minutes``, ``2 hours from now``;
- a clock time alone, the next time the clock reads it (today while it is ahead):
  ``jam 23.00``, ``pukul 22.30``, ``23:00``, ``jam 7 malam``, ``9pm``;
- a day and a clock time: ``hari ini``/``today``, ``nanti`` (today), ``besok``/``tomorrow``,
  ``lusa``, ``3 hari lagi``; a weekday, the next such day, today included while the time
  is ahead (``Senin 08.00``); ``Senin depan``/``next Monday``, that day of next week (weeks
  begin on Monday); a date (``1 Desember 2026``, ``1/12/2026``, ``1.12.2026``,
  ``2026-12-01``, ``December 1``; without a year, the next one);
- a part of the day with its hour: ``jam 9 pagi``, ``jam 1 siang``, ``besok sore jam 4``,
  ``jam 7 malam``; ``12`` and ``am``/``pm`` as in English.

Anything else is refused, never guessed: a day or a part of the day without an hour, words
for numbers, two times of day, a weekday that does not match the date.  Every refusal is
one line naming phrases that do work.  No third-party parser is used: the parsers tried
took a bare clock time or today's weekday to a later day.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable

from channels.i18n import _

from .errors import ScheduleError
from .timeshow import DAYS, MONTHS, show_time
from .timewords import (DAY_NAMES, ID_DAYS, MONTH_NAMES, NOW, PART_EXAMPLE, SHOWN_DAY, SHOWN_DAYS, ZONES, Read,
                        Refusal, clock_of, duration_ahead, read_pieces)

#: A clock time reached less than this long ago means "now", which we ask the officer to
#: say with --now rather than quietly taking the next day.
GRACE = dt.timedelta(minutes=1)


def parse_when(text: str, *, tz: zoneinfo.ZoneInfo, now: dt.datetime | None = None) -> dt.datetime:
    """The UTC instant ``text`` names (see the module docstring for the phrases).

    The result is after ``now``, except for ``sekarang``/``now``, which is ``now``.  Raises
    :class:`ScheduleError` (one line, with examples that work) when the text cannot be read
    for certain or names a time already past.
    """
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    shown = " ".join(text.split())  # one line, whatever was typed
    try:
        if not shown:
            raise Refusal(_("empty time"), whole=True)
        try:
            return _resolve(shown, tz, now)
        except OverflowError:  # year 1 or 9999 moved across a zone
            raise Refusal(_("that date is out of range"), "besok 09.00") from None
    except Refusal as refusal:
        reason = refusal.reason if refusal.whole else \
            _('cannot read "{text}" as a time: {reason}').format(text=shown, reason=refusal.reason)
        examples = ", ".join(f'"{e}"' for e in _working(refusal.examples, tz, now))
        raise ScheduleError(_("{reason}, e.g. {examples}").format(reason=reason, examples=examples)) from None


def _resolve(shown: str, tz: zoneinfo.ZoneInfo, now: dt.datetime) -> dt.datetime:
    text = shown.lower().replace("jum'at", "jumat").replace("jum\u2019at", "jumat")
    # Our own way of showing a time ("Tue 1 Dec 09:00 WIB", "Sel 1 Des 09.00 WIB") reads
    # back: the short day name before a date is only a check on that date.
    shown_day = SHOWN_DAY.match(text)
    if shown_day:
        text = text[shown_day.end():]
    if text in NOW:
        return now
    relative = duration_ahead(text)
    if relative is not None:
        return now + relative
    iso = _iso(shown)
    if iso is not None:
        when = iso if iso.tzinfo else iso.replace(tzinfo=tz)
        return _not_past(shown, when.astimezone(dt.timezone.utc), tz, now)
    read = read_pieces(text)
    zone = zoneinfo.ZoneInfo(ZONES[read.zone]) if read.zone else tz
    when = _not_past(shown, _on_day(read, shown, zone, now), zone, now)
    local = when.astimezone(zone)
    if shown_day and SHOWN_DAYS[shown_day.group("day")] != local.weekday():
        written = shown_day.group("day")
        short = (ID_DAYS if written in (d.lower() for d in ID_DAYS) else DAYS)[local.weekday()]  # as written
        raise Refusal(_("{date} is {short} ({weekday}), not {written}").format(
            date=f"{local.day} {_(MONTHS[local.month - 1])} {local.year}", short=short,
            weekday=_(DAY_NAMES[local.weekday()]), written=written.title()), "besok 09.00")
    return when


def _iso(shown: str) -> dt.datetime | None:
    """ISO 8601 with a time of day (a bare date has none: the pieces refuse it with a hint)."""
    if not re.search(r"\d[T ]\d", shown):
        return None
    try:
        return dt.datetime.fromisoformat(shown)
    except ValueError:
        return None


def _on_day(read: Read, shown: str, zone: zoneinfo.ZoneInfo, now: dt.datetime) -> dt.datetime:
    """The instant: the clock time on the day the phrase names (the next one when it names none)."""
    day_named = read.date is not None or read.days_ahead is not None or read.weekday is not None
    if read.hour is None:
        if read.part is not None:
            hour = PART_EXAMPLE[read.part]
            raise Refusal(_("say the hour too"), f"{shown} jam {hour}", "Senin 08.00", "2 jam lagi")
        if day_named:
            raise Refusal(_("say the time of day too"), f"{shown} 09.00", "Senin 08.00", "2 jam lagi")
        raise Refusal(_("it names no day or time we read"), "jam 14.00", "besok 09.00", "Senin 08.00", "2 jam lagi")
    clock = dt.time(*clock_of(read))
    today = now.astimezone(zone).date()

    def at(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, clock, tzinfo=zone).astimezone(dt.timezone.utc)

    if read.date is not None:
        year, month, day_of_month = read.date
        try:
            day = dt.date(year or today.year, month, day_of_month)
            if year is None and at(day) <= now:
                day = dt.date(today.year + 1, month, day_of_month)  # the next one
        except ValueError:
            raise Refusal(_("there is no such date ({day}/{month})").format(day=day_of_month, month=month),
                           "1 Desember 09.00") from None
        if read.days_ahead is not None:
            raise Refusal(_("it names a date and another day"), "1 Desember 09.00", "besok 09.00")
    elif read.days_ahead is not None:
        day = today + dt.timedelta(days=read.days_ahead)
    elif read.weekday is not None and read.next_week:
        day = today + dt.timedelta(days=7 - today.weekday() + read.weekday)
    elif read.weekday is not None:
        day = today + dt.timedelta(days=(read.weekday - today.weekday()) % 7)
        if at(day) <= now - GRACE:
            day += dt.timedelta(days=7)  # today's has passed: the next one
        return _not_now(shown, at(day), now, zone)
    else:
        day = today if at(today) > now - GRACE else today + dt.timedelta(days=1)
        return _not_now(shown, at(day), now, zone)
    if read.weekday is not None and day.weekday() != read.weekday:
        raise Refusal(_("{date} is a {weekday}, not a {named}").format(
            date=f"{day.day} {_(MONTH_NAMES[day.month - 1])} {day.year}", weekday=_(DAY_NAMES[day.weekday()]),
            named=_(DAY_NAMES[read.weekday])),
            f"{DAY_NAMES[day.weekday()]} {day.day}/{day.month}/{day.year} 09.00", "Senin 08.00")
    return at(day)


def _shown(when: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """``Fri 27 Nov 2026 09:00 WIB`` (``Jum 27 Nov 2026 09.00 WIB`` in Indonesian): the
    form ``queue`` and ``schedule`` show times in (:func:`show_time`), with the year."""
    local = when.astimezone(zone)
    name = local.strftime("%Z")
    name = name if name and name[0] not in "+-" else "UTC" + local.strftime("%z")
    return show_time(local, name, year=True)


def _not_now(shown: str, when: dt.datetime, now: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """A clock time reached within the last minute is refused, not moved to the next day."""
    if when <= now:
        raise Refusal(_('"{text}" is now ({when}): use --now or "sekarang" to publish at once, or a later '
                         'time').format(text=shown, when=_shown(when, zone)), "sekarang", "30 menit lagi", whole=True)
    return when


def _not_past(shown: str, when: dt.datetime, zone: zoneinfo.ZoneInfo, now: dt.datetime) -> dt.datetime:
    if when <= now:
        raise Refusal(_('"{text}" is in the past ({when}): use --now to publish at once, or a later '
                         'time').format(text=shown, when=_shown(when, zone)), "sekarang", "2 jam lagi", "besok 09.00",
                       whole=True)
    return when


def _working(examples: Iterable[str], tz: zoneinfo.ZoneInfo, now: dt.datetime) -> list[str]:
    """The examples that this clock reads (and a dated one, always ahead): never a misleading one."""
    dated = (now.astimezone(tz) + dt.timedelta(days=3)).strftime("%Y-%m-%d 09:00")
    good: list[str] = []
    for example in dict.fromkeys([*examples, "Senin 08.00", "2 jam lagi", dated]):
        try:
            _resolve(example, tz, now)
        except Refusal:
            continue
        good.append(example)
    return good[:4]
