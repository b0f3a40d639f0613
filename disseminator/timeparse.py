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
from dataclasses import dataclass

from channels.i18n import N_, _

from .errors import ScheduleError

#: A clock time reached less than this long ago means "now", which we ask the officer to
#: say with --now rather than quietly taking the next day.
GRACE = dt.timedelta(minutes=1)

_ZONES = {"wib": "Asia/Jakarta", "wita": "Asia/Makassar", "wit": "Asia/Jayapura", "utc": "UTC"}
_WEEKDAYS = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "sabtu": 5, "minggu": 6, "ahad": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}
#: Day and month abbreviations as times are shown to people (Monday first, as
#: ``date.weekday()`` counts), translated where shown: ``Sen``, ``Sel`` ... and ``Mei``,
#: ``Agu``, ``Okt``, ``Des`` in Indonesian.
DAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
MONTHS = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"), N_("Jul"), N_("Aug"), N_("Sep"),
          N_("Oct"), N_("Nov"), N_("Dec"))
_ID_DAYS = ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min")
#: Short day names, in either language, as :func:`show_time` writes them.
_SHOWN_DAYS = {name.lower(): day for names in (_ID_DAYS, DAYS) for day, name in enumerate(names)}
#: A short day name before a "day month" date, as :func:`show_time` writes it.
_SHOWN_DAY = re.compile(rf"(?P<day>{'|'.join(_SHOWN_DAYS)})\s+(?=\d{{1,2}}\s+[a-z])")
_DAY_NAMES = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
              N_("Sunday"))
_MONTH_NAMES = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"),
                N_("August"), N_("September"), N_("October"), N_("November"), N_("December"))
_MONTHS = {
    "januari": 1, "january": 1, "jan": 1, "februari": 2, "february": 2, "feb": 2, "peb": 2, "maret": 3,
    "march": 3, "mar": 3, "april": 4, "apr": 4, "mei": 5, "may": 5, "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7, "agustus": 8, "august": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nopember": 11, "nov": 11, "desember": 12, "december": 12, "des": 12, "dec": 12,
}
_DAY_WORDS = {"hari ini": 0, "today": 0, "nanti": 0, "besok": 1, "tomorrow": 1, "lusa": 2,
              "day after tomorrow": 2, "kemarin": -1, "yesterday": -1}

#: Parts of the day: the 12-hour clock hours each takes (to 24-hour) and the 24-hour hours
#: it allows as written.  "jam 7 malam" is 19:00; "jam 9 sore" fits no part and is refused.
_PARTS: dict[str, tuple[dict[int, int], range]] = {
    "pagi": ({h: h for h in range(1, 12)}, range(1, 12)),
    "siang": ({10: 10, 11: 11, 12: 12, 1: 13, 2: 14, 3: 15, 4: 16}, range(10, 17)),
    "sore": ({h: h + 12 for h in range(2, 8)}, range(14, 20)),
    "petang": ({h: h + 12 for h in range(5, 8)}, range(17, 20)),
    "malam": ({h: h + 12 for h in range(6, 12)}, range(18, 24)),
    "subuh": ({h: h for h in range(3, 7)}, range(3, 7)),
    "dini hari": ({h: h for h in range(1, 6)}, range(1, 6)),
}
#: The hour each part is usually given, for the example in a refusal ("besok sore jam 4").
_PART_EXAMPLE = {"pagi": 9, "siang": 1, "sore": 4, "petang": 6, "malam": 7, "subuh": 5, "dini hari": 3}
_PART_SPAN = {"pagi": "01.00-11.00", "siang": "10.00-16.00", "sore": "14.00-19.00", "petang": "17.00-19.00",
              "malam": "18.00-23.00", "subuh": "03.00-06.00", "dini hari": "01.00-05.00"}

_ALT = "|".join
_PART_RE = r"(?P<part>pagi|siang|sore|petang|malam|subuh|dini hari)"
_WEEKDAY_RE = rf"(?:(?P<next>next|this)\s+)?(?:hari\s+)?(?P<weekday>{_ALT(_WEEKDAYS)})\b" \
              r"(?:\s+(?P<depan>depan|minggu depan|pekan depan|next week|ini))?"
_UNIT = r"(menit|mnt|minutes?|mins?|jam|hours?|hrs?)"
_DURATION = re.compile(rf"(\d{{1,4}})\s*{_UNIT}(?:\s+(?:dan\s+|and\s+)?(\d{{1,4}})\s*(menit|mnt|minutes?|mins?))?")
_RELATIVE_PREFIX = re.compile(r"^(?:dalam|in)\s+")
_RELATIVE_SUFFIX = re.compile(r"\s+(?:lagi|dari sekarang|from now)$")
_NOW = {"sekarang", "sekarang juga", "now", "right now", "saat ini"}

_PIECES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("zone", re.compile(rf"\b(?P<zone>{_ALT(_ZONES)})\b")),
    ("iso_date", re.compile(r"(?<![\d./-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d./-])")),
    ("dmy_date", re.compile(r"(?<![\d./:-])(?P<d>\d{1,2})(?P<sep>[./-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?![\d./:-])")),
    ("named_date", re.compile(rf"(?<![\d.:])(?P<d>\d{{1,2}})\s+(?P<month>{_ALT(_MONTHS)})\b\.?(?:\s+(?P<y>\d{{4}})\b)?")),
    ("named_date", re.compile(rf"\b(?P<month>{_ALT(_MONTHS)})\b\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*[.:]\d)"
                              r"(?:\s*,?\s*(?P<y>\d{4})\b)?")),
    ("days_ahead", re.compile(r"\b(?:(?P<n>\d{1,2})\s+hari\s+lagi|(?:dalam|in)\s+(?P<n2>\d{1,2})\s+(?:hari|days?))\b")),
    ("day_word", re.compile(rf"\b(?P<word>{_ALT(sorted(_DAY_WORDS, key=len, reverse=True))})\b")),
    ("weekday", re.compile(rf"\b{_WEEKDAY_RE}\b")),
    ("next_week", re.compile(r"\b(?:minggu depan|pekan depan|next week)\b")),
    ("clock", re.compile(
        r"(?<![\w.:/-])(?:(?P<mark>pukul|pkl\.?|jam|at|@)\s*)?(?P<h>\d{1,2})(?:[.:](?P<min>\d{2}))?"
        rf"(?:\s*(?P<ampm>[ap]\.?m\.?)(?!\w))?(?![\w.:/-])(?:\s+{_PART_RE}\b)?")),
    ("part", re.compile(rf"\b{_PART_RE}\b|\b(?P<tonight>tonight)\b")),
)
#: Words that may stand between the pieces and mean nothing more.
_FILLER = {"pada", "on", "at", "the", "hari", "tanggal", "tgl", "tgl.", "pukul", "pkl", "pkl.", "jam", ",", "-"}


@dataclass
class _Read:
    """The pieces found in a phrase, before they are resolved against now."""

    zone: str | None = None
    date: tuple[int | None, int, int] | None = None  # (year or None, month, day)
    days_ahead: int | None = None
    weekday: int | None = None
    next_week: bool = False
    hour: int | None = None
    minute: int = 0
    clock_text: str = ""
    part: str | None = None


class _Refusal(Exception):
    """A phrase we will not read: ``reason`` and the examples closest to what was typed."""

    def __init__(self, reason: str, *examples: str, whole: bool = False) -> None:
        super().__init__(reason)
        #: ``whole``: the reason names the text itself ("... is in the past").
        self.reason, self.examples, self.whole = reason, examples, whole


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
            raise _Refusal(_("empty time"), whole=True)
        try:
            return _resolve(shown, tz, now)
        except OverflowError:  # year 1 or 9999 moved across a zone
            raise _Refusal(_("that date is out of range"), "besok 09.00") from None
    except _Refusal as refusal:
        reason = refusal.reason if refusal.whole else \
            _('cannot read "{text}" as a time: {reason}').format(text=shown, reason=refusal.reason)
        examples = ", ".join(f'"{e}"' for e in _working(refusal.examples, tz, now))
        raise ScheduleError(_("{reason}, e.g. {examples}").format(reason=reason, examples=examples)) from None


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
    Both languages' forms are read back by :func:`parse_when`."""
    weekday, month = _(DAYS[local.weekday()]), _(MONTHS[local.month - 1])
    if year:
        return _("{weekday} {local.day} {month} {local.year} {local.hour:02d}:{local.minute:02d} {zone}").format(
            weekday=weekday, month=month, local=local, zone=zone)
    return _("{weekday} {local.day} {month} {local.hour:02d}:{local.minute:02d} {zone}").format(
        weekday=weekday, month=month, local=local, zone=zone)


def show_clock(local: dt.datetime) -> str:
    """The time of day alone, in the current language: ``09:14`` (``09.14`` in Indonesian)."""
    return _("{local.hour:02d}:{local.minute:02d}").format(local=local)


def _resolve(shown: str, tz: zoneinfo.ZoneInfo, now: dt.datetime) -> dt.datetime:
    text = shown.lower().replace("jum'at", "jumat").replace("jum\u2019at", "jumat")
    # Our own way of showing a time ("Tue 1 Dec 09:00 WIB", "Sel 1 Des 09.00 WIB") reads
    # back: the short day name before a date is only a check on that date.
    shown_day = _SHOWN_DAY.match(text)
    if shown_day:
        text = text[shown_day.end():]
    if text in _NOW:
        return now
    relative = _relative(text)
    if relative is not None:
        return now + relative
    iso = _iso(shown)
    if iso is not None:
        when = iso if iso.tzinfo else iso.replace(tzinfo=tz)
        return _not_past(shown, when.astimezone(dt.timezone.utc), tz, now)
    read = _pieces(text)
    zone = zoneinfo.ZoneInfo(_ZONES[read.zone]) if read.zone else tz
    when = _not_past(shown, _on_day(read, shown, zone, now), zone, now)
    local = when.astimezone(zone)
    if shown_day and _SHOWN_DAYS[shown_day.group("day")] != local.weekday():
        written = shown_day.group("day")
        short = (_ID_DAYS if written in (d.lower() for d in _ID_DAYS) else DAYS)[local.weekday()]  # as written
        raise _Refusal(_("{date} is {short} ({weekday}), not {written}").format(
            date=f"{local.day} {_(MONTHS[local.month - 1])} {local.year}", short=short,
            weekday=_(_DAY_NAMES[local.weekday()]), written=written.title()), "besok 09.00")
    return when


def _relative(text: str) -> dt.timedelta | None:
    """``2 jam lagi``, ``dalam 30 menit``, ``in 45 minutes``: how long from now, or None."""
    core, prefix = _RELATIVE_PREFIX.subn("", text)
    core, suffix = _RELATIVE_SUFFIX.subn("", core)
    match = _DURATION.fullmatch(core) if prefix or suffix else None
    if match is None:
        return None
    amount = dt.timedelta()
    for number, unit in ((match.group(1), match.group(2)), (match.group(3), match.group(4))):
        if number is not None:
            minutes = unit.startswith(("men", "mn", "min"))
            amount += dt.timedelta(minutes=int(number)) if minutes else dt.timedelta(hours=int(number))
    return amount


def _iso(shown: str) -> dt.datetime | None:
    """ISO 8601 with a time of day (a bare date has none: the pieces refuse it with a hint)."""
    if not re.search(r"\d[T ]\d", shown):
        return None
    try:
        return dt.datetime.fromisoformat(shown)
    except ValueError:
        return None


def _pieces(text: str) -> _Read:
    read = _Read()
    rest = text
    for kind, pattern in _PIECES:
        kept, end = [], 0
        for match in pattern.finditer(rest):
            if kind == "clock" and not _is_clock(match):
                continue  # a bare number stays, and is refused below
            _take(read, kind, match)
            kept.append(rest[end:match.start()])
            end = match.end()
        rest = " ".join([*kept, rest[end:]])  # each piece is read once
    left = [w for w in rest.replace(",", " ").split() if w not in _FILLER]
    number = next((w for w in left if w.isdecimal()), None)  # not "²": isdigit() takes it, int() does not
    if number is not None:
        raise _Refusal(_('"{number}" alone is not a time of day: write "jam {number}" or "{hour:02d}.00"').format(
            number=number, hour=int(number)), f"jam {number}", "besok 09.00")
    if left:
        raise _Refusal(_('"{words}" is not a day or a time we read').format(words=" ".join(left)),
                       "besok 09.00", "jam 14.00")
    return read


def _is_clock(match: re.Match[str]) -> bool:
    """A number is a time of day only with a mark: "jam 9", "09.00", "9am", "9 pagi"."""
    return bool(match.group("mark") or match.group("min") or match.group("ampm") or match.group("part"))


def _take(read: _Read, kind: str, match: re.Match[str]) -> None:
    """Record one piece; a second piece of the same kind is refused, never picked from."""
    groups = match.groupdict()
    if kind == "zone":
        _once(read.zone, N_("it names two zones"))
        read.zone = groups["zone"]
    elif kind in ("iso_date", "dmy_date", "named_date"):
        _once(read.date, N_("it names two dates"))
        month = int(groups["m"]) if kind != "named_date" else _MONTHS[groups["month"]]
        read.date = (int(groups["y"]) if groups["y"] else None, month, int(groups["d"]))
    elif kind == "days_ahead":
        _once(read.days_ahead, N_("it names two days"))
        read.days_ahead = int(groups["n"] or groups["n2"])
    elif kind == "day_word":
        _once(read.days_ahead, N_("it names two days"))
        read.days_ahead = _DAY_WORDS[groups["word"]]
    elif kind == "weekday":
        _once(read.weekday, N_("it names two weekdays"))
        if groups["weekday"] == "minggu" and groups["depan"] == "depan":
            raise _Refusal(_('"minggu depan" may mean next week or next Sunday: name the day, or say Sunday '
                             'as "Ahad depan"'), "Senin depan 08.00", "Ahad depan 08.00")
        read.weekday = _WEEKDAYS[groups["weekday"]]
        read.next_week = groups["next"] == "next" or (groups["depan"] or "ini") != "ini"
    elif kind == "next_week":
        raise _Refusal(_('"{text}" names no day: say which').format(text=match.group(0)),
                       "Senin depan 08.00", "Jumat depan 14.00")
    elif kind == "clock":
        if read.hour is not None:
            raise _Refusal(_("it names two times of day"), "besok 09.00", "jam 14.00")
        read.hour, read.minute = int(groups["h"]), int(groups["min"] or 0)
        read.clock_text = match.group(0).strip()
        ampm = (groups["ampm"] or "").replace(".", "")
        if ampm:
            if not 1 <= read.hour <= 12 or groups["part"]:
                raise _Refusal(_('"{clock}" is no such time').format(clock=read.clock_text), "9am", "9:30 pm")
            read.hour = read.hour % 12 + (12 if ampm == "pm" else 0)
        if groups["part"]:
            _set_part(read, groups["part"])
    elif kind == "part":
        _set_part(read, "malam" if groups["tonight"] else groups["part"])
        if groups["tonight"]:
            read.days_ahead = 0 if read.days_ahead is None else read.days_ahead


def _once(value: object, message: str) -> None:
    """Refuses a second piece of a kind (``message``: an ``N_``-marked reason)."""
    if value is not None:
        raise _Refusal(_(message), "besok 09.00", "Senin 08.00")


def _set_part(read: _Read, part: str) -> None:
    if read.part is not None and read.part != part:
        raise _Refusal(_("it names two parts of the day"), "besok sore jam 4", "jam 7 malam")
    read.part = part


def _clock(read: _Read) -> tuple[int, int]:
    """The 24-hour time of day, the part of the day ("sore", "malam") applied."""
    hour, minute = read.hour, read.minute
    assert hour is not None
    if read.part is not None:
        twelve, written = _PARTS[read.part]
        if read.part == "malam" and hour in (12, 0, 1, 2, 3, 4, 5):
            raise _Refusal(_('"jam {hour} malam" is after midnight: which night? Write the day and a '
                             '24-hour time such as 00.00 or 01.00, or say 23.59').format(hour=hour),
                           "besok 00.00", "Sabtu 23.59")
        if hour in twelve and not (hour in written and hour >= 13):
            hour = twelve[hour]
        elif hour not in written:
            example = f"jam {_PART_EXAMPLE[read.part]} {read.part}"
            raise _Refusal(_("{hour} is not an hour of the {part} ({span})").format(
                hour=read.hour, part=read.part, span=_PART_SPAN[read.part]), example, "jam 16.00")
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise _Refusal(_('"{clock}" is no such time').format(clock=read.clock_text), "besok 09.00", "jam 23.30")
    return hour, minute


def _on_day(read: _Read, shown: str, zone: zoneinfo.ZoneInfo, now: dt.datetime) -> dt.datetime:
    """The instant: the clock time on the day the phrase names (the next one when it names none)."""
    day_named = read.date is not None or read.days_ahead is not None or read.weekday is not None
    if read.hour is None:
        if read.part is not None:
            hour = _PART_EXAMPLE[read.part]
            raise _Refusal(_("say the hour too"), f"{shown} jam {hour}", "Senin 08.00", "2 jam lagi")
        if day_named:
            raise _Refusal(_("say the time of day too"), f"{shown} 09.00", "Senin 08.00", "2 jam lagi")
        raise _Refusal(_("it names no day or time we read"), "jam 14.00", "besok 09.00", "Senin 08.00", "2 jam lagi")
    clock = dt.time(*_clock(read))
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
            raise _Refusal(_("there is no such date ({day}/{month})").format(day=day_of_month, month=month),
                           "1 Desember 09.00") from None
        if read.days_ahead is not None:
            raise _Refusal(_("it names a date and another day"), "1 Desember 09.00", "besok 09.00")
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
        raise _Refusal(_("{date} is a {weekday}, not a {named}").format(
            date=f"{day.day} {_(_MONTH_NAMES[day.month - 1])} {day.year}", weekday=_(_DAY_NAMES[day.weekday()]),
            named=_(_DAY_NAMES[read.weekday])),
            f"{_DAY_NAMES[day.weekday()]} {day.day}/{day.month}/{day.year} 09.00", "Senin 08.00")
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
        raise _Refusal(_('"{text}" is now ({when}): use --now or "sekarang" to publish at once, or a later '
                         'time').format(text=shown, when=_shown(when, zone)), "sekarang", "30 menit lagi", whole=True)
    return when


def _not_past(shown: str, when: dt.datetime, zone: zoneinfo.ZoneInfo, now: dt.datetime) -> dt.datetime:
    if when <= now:
        raise _Refusal(_('"{text}" is in the past ({when}): use --now to publish at once, or a later '
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
        except _Refusal:
            continue
        good.append(example)
    return good[:4]
