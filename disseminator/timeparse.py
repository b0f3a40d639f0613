"""When to publish: ISO 8601 or human text in Indonesian or English."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from .errors import ScheduleError

#: How far in the past a time may be and still mean "now" (clock skew, typing time).
GRACE = dt.timedelta(minutes=1)


def parse_when(text: str, *, tz: zoneinfo.ZoneInfo, now: dt.datetime | None = None) -> dt.datetime:
    """The UTC instant ``text`` names, read in ``tz`` when it carries no offset.

    Accepts ``2026-12-01T09:00+07:00``, ``2026-12-01 09:00``, ``besok 09:00``,
    ``Senin 08.00``, ``tomorrow 9am``, ``dalam 2 jam``.  Raises :class:`ScheduleError`
    when the text cannot be read or names a time already past.
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    raw = text.strip()
    if not raw:
        raise ScheduleError("--at: empty time (expected e.g. '2026-12-01 09:00' or 'besok 09:00')")
    when: dt.datetime | None
    try:
        when = dt.datetime.fromisoformat(raw)
    except ValueError:
        when = _human(raw, tz, now)
    if when is None:
        raise ScheduleError(
            f"--at: cannot read {raw!r} as a time (expected ISO 8601 such as "
            "'2026-12-01 09:00', or a day and a time of day such as 'besok 09:00', "
            "'Senin pukul 08.00', 'tomorrow 9am')"
        )
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    when = when.astimezone(dt.timezone.utc)
    if when < now - GRACE:
        shown = when.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
        raise ScheduleError(f"--at: {raw!r} is in the past ({shown}); use --now to publish at once")
    return when


#: Indonesian parts of the day and how they move a 12-hour clock: "jam 1 siang" is 13:00.
_DAYPART = {"pagi": 0, "siang": 12, "sore": 12, "petang": 12, "malam": 12}
_ID_TIME = re.compile(
    r"\b(?:pukul|jam|pkl\.?)?\s*(\d{1,2})(?:[.:](\d{2}))?\s*(pagi|siang|sore|petang|malam)\b"
    r"|\b(?:pukul|jam|pkl\.?)\s*(\d{1,2})(?:[.:](\d{2}))?\b",
    re.I,
)
_CLOCK = re.compile(r"\b(\d{1,2}):(\d{2})\b")
#: "09.00" (the Indonesian way) as a clock time, but not "1.12.2026" (a date).
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{2})(?![\d.])")
_LUSA = re.compile(r"\blusa\b", re.I)


def _normalise(text: str) -> str:
    """Indonesian clock phrases as HH:MM: "pukul 09.00" -> "09:00", "jam 7 malam" -> "19:00"."""

    def clock(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            hour, minute, part = int(match.group(1)), int(match.group(2) or 0), match.group(3).lower()
            if part == "malam" and hour == 12:
                hour = 0
            elif part != "pagi" and hour < 12 and not (part == "siang" and hour >= 11):
                hour += _DAYPART[part]
            elif part == "pagi" and hour == 12:
                hour = 0
        else:
            hour, minute = int(match.group(4)), int(match.group(5) or 0)
        return f" {hour:02d}:{minute:02d} "

    text = _DOTTED.sub(r"\1:\2", text)
    return " ".join(_ID_TIME.sub(clock, text).split())


def _human(raw: str, tz: zoneinfo.ZoneInfo, now: dt.datetime) -> dt.datetime | None:
    import dateparser  # deferred: ~0.2 s to import, needed only here

    settings = {
        "TIMEZONE": str(tz),
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": now.astimezone(tz).replace(tzinfo=None),
        "DATE_ORDER": "DMY",  # 05/01/2027 is 5 January here, as officers write it
    }
    if not re.search(r"\d", raw):
        return None  # "besok" alone has no time of day; we do not pick one for the officer
    text = _normalise(raw)
    # "lusa" (the day after tomorrow) is not in the parser's Indonesian; name the date.
    text = _LUSA.sub((now.astimezone(tz) + dt.timedelta(days=2)).strftime("%Y-%m-%d"), text)
    when = dateparser.parse(text, languages=["id", "en"], settings=settings)  # type: ignore[arg-type]
    clock = _CLOCK.search(text)
    if when is not None and clock and (when.hour, when.minute) != (int(clock.group(1)), int(clock.group(2))):
        # The text names a time of day the parser did not take: refuse rather than guess.
        return None
    return when


def show(when: dt.datetime | None, tz: zoneinfo.ZoneInfo) -> str:
    """A stored time in the configured zone, ISO 8601 with its offset."""
    return when.astimezone(tz).isoformat(timespec="seconds") if when else ""
