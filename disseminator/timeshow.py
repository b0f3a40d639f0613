"""How a time is shown to people: ISO 8601 in the configured zone for programs and
tables, and ``Mon 30 Nov 09:00 WIB`` (``Sen 30 Nov 09.00 WIB`` in Indonesian) for people,
in the current language.  :func:`disseminator.timeparse.parse_when` reads both back.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from channels.i18n import N_, _

#: Day and month abbreviations as times are shown to people (Monday first, as
#: ``date.weekday()`` counts), translated where shown: ``Sen``, ``Sel`` ... and ``Mei``,
#: ``Agu``, ``Okt``, ``Des`` in Indonesian.
DAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
MONTHS = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"), N_("Jul"), N_("Aug"), N_("Sep"),
          N_("Oct"), N_("Nov"), N_("Dec"))


def show(when: dt.datetime | None, tz: zoneinfo.ZoneInfo) -> str:
    """A stored time in the configured zone, ISO 8601 with its offset."""
    return when.astimezone(tz).isoformat(timespec="seconds") if when else ""


# The formats below name ``local`` twice: a message whose placeholders repeat is never taken
# for the pattern of a stored English text (:func:`channels.i18n.stored`), which a format
# made of placeholders alone would match in almost any text.

def show_time(local: dt.datetime, zone: str, *, year: bool) -> str:
    """A local time as people read it, in the current language: ``Mon 30 Nov 09:00 WIB``
    (``Sen 30 Nov 09.00 WIB`` in Indonesian), with the year when ``year``:
    ``Mon 30 Nov 2026 09:00 WIB``.  ``zone`` is the name or offset shown at the end.
    Both languages' forms are read back by :func:`disseminator.timeparse.parse_when`."""
    weekday, month = _(DAYS[local.weekday()]), _(MONTHS[local.month - 1])
    if year:
        return _("{weekday} {local.day} {month} {local.year} {local.hour:02d}:{local.minute:02d} {zone}").format(
            weekday=weekday, month=month, local=local, zone=zone)
    return _("{weekday} {local.day} {month} {local.hour:02d}:{local.minute:02d} {zone}").format(
        weekday=weekday, month=month, local=local, zone=zone)


def show_clock(local: dt.datetime) -> str:
    """The time of day alone, in the current language: ``09:14`` (``09.14`` in Indonesian)."""
    return _("{local.hour:02d}:{local.minute:02d}").format(local=local)


ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Ujung_Pandang": "WITA",
              "Asia/Jayapura": "WIT"}


def zone_name(when: dt.datetime, tz: zoneinfo.ZoneInfo) -> str:
    """WIB, WITA or WIT for Indonesia's zones, else the offset (``+09:00``)."""
    name = ZONE_NAMES.get(tz.key)
    if name:
        return name
    offset = when.astimezone(tz).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def show_human(when: dt.datetime | str | None, tz: zoneinfo.ZoneInfo, *, now: dt.datetime | None = None) -> str:
    """A time as an officer reads it, in the current language: ``Mon 30 Nov 09:00 WIB``,
    ``Sen 30 Nov 09.00 WIB`` in Indonesian (the year is added when it is not ``now``'s:
    ``Mon 30 Nov 2026 09:00 WIB``).  Takes a datetime or the ISO 8601 text of the JSON
    shapes; ``""`` for none.  ``--json`` and ``--csv`` keep ISO 8601 (:func:`show`)."""
    if not when:
        return ""
    if isinstance(when, str):
        when = dt.datetime.fromisoformat(when)
    local = when.astimezone(tz)
    this_year = (now or dt.datetime.now(dt.timezone.utc)).astimezone(tz).year
    return show_time(local, zone_name(local, tz), year=local.year != this_year)
