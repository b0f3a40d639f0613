"""The words of a time phrase, in Indonesian and English: the vocabulary (days, months,
parts of the day, zones), and reading a phrase into its pieces (a date, a day, a clock
time, a part of the day, a zone) without yet knowing what time it is now.

Each kind of piece is read once: a second one of a kind is a :class:`Refusal`, never picked
from.  :mod:`disseminator.timeparse` resolves the pieces against now.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from channels.i18n import N_, _

from .timeshow import DAYS

ZONES = {"wib": "Asia/Jakarta", "wita": "Asia/Makassar", "wit": "Asia/Jayapura", "utc": "UTC"}
_WEEKDAYS = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "sabtu": 5, "minggu": 6, "ahad": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}
ID_DAYS = ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min")
#: Short day names, in either language, as :func:`~disseminator.timeshow.show_time` writes them.
SHOWN_DAYS = {name.lower(): day for names in (ID_DAYS, DAYS) for day, name in enumerate(names)}
#: A short day name before a "day month" date, as :func:`~disseminator.timeshow.show_time` writes it.
SHOWN_DAY = re.compile(rf"(?P<day>{'|'.join(SHOWN_DAYS)})\s+(?=\d{{1,2}}\s+[a-z])")
DAY_NAMES = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
             N_("Sunday"))
MONTH_NAMES = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"),
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
PART_EXAMPLE = {"pagi": 9, "siang": 1, "sore": 4, "petang": 6, "malam": 7, "subuh": 5, "dini hari": 3}
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
NOW = {"sekarang", "sekarang juga", "now", "right now", "saat ini"}

_PIECES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("zone", re.compile(rf"\b(?P<zone>{_ALT(ZONES)})\b")),
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
class Read:
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


class Refusal(Exception):
    """A phrase we will not read: ``reason`` and the examples closest to what was typed."""

    def __init__(self, reason: str, *examples: str, whole: bool = False) -> None:
        super().__init__(reason)
        #: ``whole``: the reason names the text itself ("... is in the past").
        self.reason, self.examples, self.whole = reason, examples, whole


def duration_ahead(text: str) -> dt.timedelta | None:
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


def read_pieces(text: str) -> Read:
    read = Read()
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
        raise Refusal(_('"{number}" alone is not a time of day: write "jam {number}" or "{hour:02d}.00"').format(
            number=number, hour=int(number)), f"jam {number}", "besok 09.00")
    if left:
        raise Refusal(_('"{words}" is not a day or a time we read').format(words=" ".join(left)),
                       "besok 09.00", "jam 14.00")
    return read


def _is_clock(match: re.Match[str]) -> bool:
    """A number is a time of day only with a mark: "jam 9", "09.00", "9am", "9 pagi"."""
    return bool(match.group("mark") or match.group("min") or match.group("ampm") or match.group("part"))


def _take(read: Read, kind: str, match: re.Match[str]) -> None:
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
            raise Refusal(_('"minggu depan" may mean next week or next Sunday: name the day, or say Sunday '
                             'as "Ahad depan"'), "Senin depan 08.00", "Ahad depan 08.00")
        read.weekday = _WEEKDAYS[groups["weekday"]]
        read.next_week = groups["next"] == "next" or (groups["depan"] or "ini") != "ini"
    elif kind == "next_week":
        raise Refusal(_('"{text}" names no day: say which').format(text=match.group(0)),
                       "Senin depan 08.00", "Jumat depan 14.00")
    elif kind == "clock":
        if read.hour is not None:
            raise Refusal(_("it names two times of day"), "besok 09.00", "jam 14.00")
        read.hour, read.minute = int(groups["h"]), int(groups["min"] or 0)
        read.clock_text = match.group(0).strip()
        ampm = (groups["ampm"] or "").replace(".", "")
        if ampm:
            if not 1 <= read.hour <= 12 or groups["part"]:
                raise Refusal(_('"{clock}" is no such time').format(clock=read.clock_text), "9am", "9:30 pm")
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
        raise Refusal(_(message), "besok 09.00", "Senin 08.00")


def _set_part(read: Read, part: str) -> None:
    if read.part is not None and read.part != part:
        raise Refusal(_("it names two parts of the day"), "besok sore jam 4", "jam 7 malam")
    read.part = part


def clock_of(read: Read) -> tuple[int, int]:
    """The 24-hour time of day, the part of the day ("sore", "malam") applied."""
    hour, minute = read.hour, read.minute
    assert hour is not None
    if read.part is not None:
        twelve, written = _PARTS[read.part]
        if read.part == "malam" and hour in (12, 0, 1, 2, 3, 4, 5):
            raise Refusal(_('"jam {hour} malam" is after midnight: which night? Write the day and a '
                             '24-hour time such as 00.00 or 01.00, or say 23.59').format(hour=hour),
                           "besok 00.00", "Sabtu 23.59")
        if hour in twelve and not (hour in written and hour >= 13):
            hour = twelve[hour]
        elif hour not in written:
            example = f"jam {PART_EXAMPLE[read.part]} {read.part}"
            raise Refusal(_("{hour} is not an hour of the {part} ({span})").format(
                hour=read.hour, part=read.part, span=_PART_SPAN[read.part]), example, "jam 16.00")
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise Refusal(_('"{clock}" is no such time').format(clock=read.clock_text), "besok 09.00", "jam 23.30")
    return hour, minute
