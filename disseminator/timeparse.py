"""When to publish: ISO 8601 or human text in Indonesian or English."""

from __future__ import annotations

import datetime as dt
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
            "'2026-12-01 09:00', or text such as 'besok 09:00' / 'tomorrow 9am')"
        )
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    when = when.astimezone(dt.timezone.utc)
    if when < now - GRACE:
        shown = when.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
        raise ScheduleError(f"--at: {raw!r} is in the past ({shown}); use --now to publish at once")
    return when


def _human(raw: str, tz: zoneinfo.ZoneInfo, now: dt.datetime) -> dt.datetime | None:
    import dateparser  # deferred: ~0.2 s to import, needed only here

    settings = {
        "TIMEZONE": str(tz),
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": now.astimezone(tz).replace(tzinfo=None),
    }
    return dateparser.parse(raw, languages=["id", "en"], settings=settings)  # type: ignore[arg-type]


def show(when: dt.datetime | None, tz: zoneinfo.ZoneInfo) -> str:
    """A stored time in the configured zone, ISO 8601 with its offset."""
    return when.astimezone(tz).isoformat(timespec="seconds") if when else ""
