"""Reading WHEN: ISO 8601, and the way officers write times in Indonesian and English."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from disseminator.errors import ScheduleError
from disseminator.timeparse import parse_when

TZ = zoneinfo.ZoneInfo("Asia/Jakarta")
# Friday 27 November 2026, 10:00 in Jakarta.
NOW = dt.datetime(2026, 11, 27, 10, 0, tzinfo=TZ).astimezone(dt.timezone.utc)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01 09:00", (2026, 12, 1, 9, 0)),
        ("2026-12-01T09:00:00+00:00", (2026, 12, 1, 16, 0)),
        ("besok 09:00", (2026, 11, 28, 9, 0)),
        ("besok pukul 09.00", (2026, 11, 28, 9, 0)),
        ("besok jam 9 pagi", (2026, 11, 28, 9, 0)),
        ("besok jam 1 siang", (2026, 11, 28, 13, 0)),
        ("besok jam 12 siang", (2026, 11, 28, 12, 0)),
        ("besok 3 sore", (2026, 11, 28, 15, 0)),
        ("besok jam 7 malam", (2026, 11, 28, 19, 0)),
        ("Senin 08.00", (2026, 11, 30, 8, 0)),
        ("Senin pukul 08.00", (2026, 11, 30, 8, 0)),
        ("hari ini 23:59", (2026, 11, 27, 23, 59)),
        ("1 Desember 2026 pukul 09.00", (2026, 12, 1, 9, 0)),
        ("tomorrow 9am", (2026, 11, 28, 9, 0)),
        ("besok 09.00", (2026, 11, 28, 9, 0)),
        ("besok jam 9", (2026, 11, 28, 9, 0)),
        ("besok 9 pagi", (2026, 11, 28, 9, 0)),
        ("lusa 10:00", (2026, 11, 29, 10, 0)),
        ("lusa pukul 10.30", (2026, 11, 29, 10, 30)),
        ("05/01/2027 09:00", (2027, 1, 5, 9, 0)),
        ("1.12.2026 09.00", (2026, 12, 1, 9, 0)),
        ("dalam 2 jam", (2026, 11, 27, 12, 0)),
    ],
)
def test_times_officers_write(text: str, expected: tuple[int, int, int, int, int]) -> None:
    when = parse_when(text, tz=TZ, now=NOW).astimezone(TZ)
    assert (when.year, when.month, when.day, when.hour, when.minute) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("besok jam sembilan pagi", "cannot read"),  # words for numbers: refuse, never guess
        ("besok", "cannot read"),  # no time of day: refuse rather than pick the current one
        ("besok 25:00", "cannot read"),
        ("kapan-kapan", "cannot read"),
        ("kemarin 09:00", "in the past"),
        ("2026-11-27 09:00", "in the past"),
        ("", "empty time"),
    ],
)
def test_unreadable_or_past_times_are_refused(text: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        parse_when(text, tz=TZ, now=NOW)
