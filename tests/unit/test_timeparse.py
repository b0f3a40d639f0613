"""Reading WHEN: ISO 8601, and the way officers say times in Indonesian and English.

Issue 9 point 1: a clock time alone is the next time the clock reads it, in the configured
zone; a weekday is the next such day, today included while the time is ahead; relative
times, "Senin depan", "lusa" and parts of the day with an hour are read; every refusal is
one line that names phrases that do work.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channels import i18n
from disseminator.errors import ScheduleError
from disseminator.timeparse import parse_when



WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
WITA = zoneinfo.ZoneInfo("Asia/Makassar")
WIT = zoneinfo.ZoneInfo("Asia/Jayapura")
ZONES = (WIB, WITA, WIT)


def at(tz: zoneinfo.ZoneInfo, year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> dt.datetime:
    """A moment on the wall clock of ``tz``, as the UTC instant the CLI passes."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=tz).astimezone(dt.timezone.utc)


# Frozen moments across the week (November 2026: the 23rd is a Monday).
SUN_2024 = at(WIB, 2026, 11, 29, 20, 24)  # the moment of issue 9
MON_0715 = at(WIB, 2026, 11, 30, 7, 15)
FRI_1000 = at(WIB, 2026, 11, 27, 10, 0)
SAT_LATE = at(WIB, 2026, 11, 28, 23, 59, 30)
WED_MIDNIGHT = at(WIB, 2026, 11, 25, 0, 0)
TUE_WITA = at(WITA, 2026, 12, 1, 6, 30)
THU_WIT = at(WIT, 2026, 12, 3, 22, 10)

TABLE = [
    # A clock time alone: the next time the clock reads it.
    (SUN_2024, WIB, "jam 23.00", (2026, 11, 29, 23, 0)),
    (SUN_2024, WIB, "pukul 22.30", (2026, 11, 29, 22, 30)),
    (SUN_2024, WIB, "23:00", (2026, 11, 29, 23, 0)),
    (SUN_2024, WIB, "20.25", (2026, 11, 29, 20, 25)),
    (SUN_2024, WIB, "jam 8", (2026, 11, 30, 8, 0)),
    (SUN_2024, WIB, "jam 20.00", (2026, 11, 30, 20, 0)),
    (SUN_2024, WIB, "jam 9 malam", (2026, 11, 29, 21, 0)),
    (SUN_2024, WIB, "jam 7 malam", (2026, 11, 30, 19, 0)),
    (SUN_2024, WIB, "11pm", (2026, 11, 29, 23, 0)),
    (SAT_LATE, WIB, "jam 00.00", (2026, 11, 29, 0, 0)),
    (WED_MIDNIGHT, WIB, "jam 00.01", (2026, 11, 25, 0, 1)),
    (TUE_WITA, WITA, "jam 7 pagi", (2026, 12, 1, 7, 0)),
    (THU_WIT, WIT, "jam 23.00", (2026, 12, 3, 23, 0)),
    (THU_WIT, WIT, "jam 10 malam", (2026, 12, 4, 22, 0)),
    # Relative times, and now.
    (SUN_2024, WIB, "2 jam lagi", (2026, 11, 29, 22, 24)),
    (SUN_2024, WIB, "30 menit lagi", (2026, 11, 29, 20, 54)),
    (SUN_2024, WIB, "1 jam 30 menit lagi", (2026, 11, 29, 21, 54)),
    (SUN_2024, WIB, "dalam 2 jam", (2026, 11, 29, 22, 24)),
    (SUN_2024, WIB, "dalam 90 menit", (2026, 11, 29, 21, 54)),
    (SUN_2024, WIB, "in 45 minutes", (2026, 11, 29, 21, 9)),
    (SUN_2024, WIB, "2 hours from now", (2026, 11, 29, 22, 24)),
    (SUN_2024, WIB, "sekarang", (2026, 11, 29, 20, 24)),
    (SUN_2024, WIB, "now", (2026, 11, 29, 20, 24)),
    # Weekdays: the next such day, today included while the time is ahead.
    (MON_0715, WIB, "Senin 08.00", (2026, 11, 30, 8, 0)),
    (MON_0715, WIB, "senin pukul 08.00", (2026, 11, 30, 8, 0)),
    (MON_0715, WIB, "Senin 07.00", (2026, 12, 7, 7, 0)),
    (MON_0715, WIB, "Jumat 09.00", (2026, 12, 4, 9, 0)),
    (MON_0715, WIB, "Jum'at 09.00", (2026, 12, 4, 9, 0)),
    (MON_0715, WIB, "hari Selasa jam 10", (2026, 12, 1, 10, 0)),
    (MON_0715, WIB, "Monday 8:00", (2026, 11, 30, 8, 0)),
    (SUN_2024, WIB, "Minggu 22.00", (2026, 11, 29, 22, 0)),
    (SUN_2024, WIB, "Minggu 20.00", (2026, 12, 6, 20, 0)),
    (SAT_LATE, WIB, "Minggu 08.00", (2026, 11, 29, 8, 0)),
    (SAT_LATE, WIB, "Sabtu 08.00", (2026, 12, 5, 8, 0)),
    (TUE_WITA, WITA, "Selasa 06.00", (2026, 12, 8, 6, 0)),
    (THU_WIT, WIT, "Jumat 08.00", (2026, 12, 4, 8, 0)),
    # "depan" / "next": that day of next week (weeks begin on Monday).
    (MON_0715, WIB, "Senin depan 08.00", (2026, 12, 7, 8, 0)),
    (MON_0715, WIB, "Senin minggu depan 08.00", (2026, 12, 7, 8, 0)),
    (MON_0715, WIB, "Jumat depan 09.00", (2026, 12, 11, 9, 0)),
    (SUN_2024, WIB, "Senin depan 08.00", (2026, 11, 30, 8, 0)),
    (SUN_2024, WIB, "next Monday 8am", (2026, 11, 30, 8, 0)),
    # Day words.
    (SUN_2024, WIB, "besok sore jam 4", (2026, 11, 30, 16, 0)),
    (SUN_2024, WIB, "besok pagi jam 6", (2026, 11, 30, 6, 0)),
    (SUN_2024, WIB, "besok Senin 08.00", (2026, 11, 30, 8, 0)),
    (SUN_2024, WIB, "tomorrow 9am", (2026, 11, 30, 9, 0)),
    (SUN_2024, WIB, "hari ini 23:59", (2026, 11, 29, 23, 59)),
    (SUN_2024, WIB, "nanti malam jam 10", (2026, 11, 29, 22, 0)),
    (SUN_2024, WIB, "lusa 10:00", (2026, 12, 1, 10, 0)),
    (SUN_2024, WIB, "3 hari lagi pukul 09.00", (2026, 12, 2, 9, 0)),
    (SAT_LATE, WIB, "besok 00.00", (2026, 11, 29, 0, 0)),
    (SAT_LATE, WIB, "lusa jam 9 pagi", (2026, 11, 30, 9, 0)),
    (SUN_2024, WIB, "besok 09.00 WITA", (2026, 11, 30, 8, 0)),  # a zone named wins
    (TUE_WITA, WITA, "besok 09.00 WIB", (2026, 12, 2, 10, 0)),
    # Parts of the day with the hour.
    (FRI_1000, WIB, "besok jam 9 pagi", (2026, 11, 28, 9, 0)),
    (FRI_1000, WIB, "besok jam 1 siang", (2026, 11, 28, 13, 0)),
    (FRI_1000, WIB, "besok jam 12 siang", (2026, 11, 28, 12, 0)),
    (FRI_1000, WIB, "besok 3 sore", (2026, 11, 28, 15, 0)),
    (FRI_1000, WIB, "pukul 3 sore", (2026, 11, 27, 15, 0)),
    (FRI_1000, WIB, "jam 15.30 sore", (2026, 11, 27, 15, 30)),
    (FRI_1000, WIB, "besok jam 7 malam", (2026, 11, 28, 19, 0)),
    (FRI_1000, WIB, "besok 9 pagi", (2026, 11, 28, 9, 0)),
    (FRI_1000, WIB, "besok jam 9", (2026, 11, 28, 9, 0)),
    (FRI_1000, WIB, "besok pukul 09.00", (2026, 11, 28, 9, 0)),
    # Dates: ISO and day first, read as the officer's zone.
    (FRI_1000, WIB, "2026-12-01 09:00", (2026, 12, 1, 9, 0)),
    (FRI_1000, WIB, "2026-12-01T09:00:00+00:00", (2026, 12, 1, 16, 0)),
    (FRI_1000, WIB, "2026-12-01 pukul 9.00", (2026, 12, 1, 9, 0)),
    (FRI_1000, WIB, "1 Desember 2026 pukul 09.00", (2026, 12, 1, 9, 0)),
    (FRI_1000, WIB, "Selasa, 1 Desember 2026 pukul 09.00", (2026, 12, 1, 9, 0)),
    (FRI_1000, WIB, "1 Des 09.00", (2026, 12, 1, 9, 0)),
    (FRI_1000, WIB, "December 1, 2026 9am", (2026, 12, 1, 9, 0)),
    (FRI_1000, WIB, "05/01/2027 09:00", (2027, 1, 5, 9, 0)),
    (FRI_1000, WIB, "1.12.2026 09.00", (2026, 12, 1, 9, 0)),
    (FRI_1000, WIB, "1-12-2026 jam 9", (2026, 12, 1, 9, 0)),
    (FRI_1000, WIB, "27 November 09.00", (2027, 11, 27, 9, 0)),  # no year, passed: the next one
]


@pytest.mark.parametrize(("now", "tz", "text", "expected"), TABLE, ids=[f"{t[2]}@{t[0].astimezone(t[1]):%a%H%M}" for t in TABLE])
def test_times_officers_say(now: dt.datetime, tz: zoneinfo.ZoneInfo, text: str,
                            expected: tuple[int, int, int, int, int]) -> None:
    when = parse_when(text, tz=tz, now=now).astimezone(tz)
    assert (when.year, when.month, when.day, when.hour, when.minute) == expected


REFUSED = [
    ("besok sore", ["say the hour too", '"besok sore jam 4"']),
    ("sore", ["say the hour too", '"sore jam 4"']),
    ("Senin pagi", ["say the hour too", '"Senin pagi jam 9"']),
    ("besok", ["say the time of day too", '"besok 09.00"']),
    ("Senin depan", ["say the time of day too", '"Senin depan 09.00"']),
    ("3 hari lagi", ["say the time of day too"]),
    ("1 Desember 2026", ["say the time of day too"]),
    ("2026-12-01", ["say the time of day too"]),
    ("besok jam sembilan pagi", ["cannot read"]),  # words for numbers: refuse, never guess
    ("besok 25:00", ["cannot read", "no such time"]),
    ("jam 9 sore", ["not an hour of the sore"]),
    ("jam 12 malam", ["00.00"]),
    ("minggu depan", ["next week", "Ahad depan"]),
    ("Rabu, 1 Desember 2026 09.00", ["Tuesday"]),
    ("31 Februari 2027 09.00", ["no such date"]),
    ("besok 09.00 10.00", ["two times"]),
    ("kapan-kapan", ["cannot read"]),
    ("besok 9", ["alone is not a time", '"jam 9"']),
    ("0001-01-01 00:00", ["out of range"]),
    ("9999-12-31T23:59-12:00", ["out of range"]),
    ("kemarin 09:00", ["is in the past"]),
    ("2026-11-27 09:00", ["is in the past"]),
    ("hari ini 09.00", ["is in the past"]),
    ("jam 10.00", ["is now", "--now"]),  # it is 10:00 exactly: not tomorrow without a word
    ("", ["empty"]),
]


@pytest.mark.parametrize(("text", "needles"), REFUSED, ids=[r[0] or "empty" for r in REFUSED])
def test_refusals_are_one_line_with_examples_that_work(text: str, needles: list[str]) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_when(text, tz=WIB, now=FRI_1000)
    message = str(caught.value)
    assert "\n" not in message
    for needle in needles:
        assert needle in message, message
    examples = re.findall(r'"([^"]+)"', message.split("e.g.", 1)[1]) if "e.g." in message else []
    assert len(examples) >= 2, message
    for example in examples:  # an example that is itself refused would mislead
        assert parse_when(example, tz=WIB, now=FRI_1000) > FRI_1000 - dt.timedelta(seconds=1)


def test_a_clock_time_that_just_passed_is_not_silently_tomorrow() -> None:
    # 23:59:30: "jam 23.59" was half a minute ago; tomorrow would be a surprise.
    with pytest.raises(ScheduleError, match="is now"):
        parse_when("jam 23.59", tz=WIB, now=SAT_LATE)


def test_a_refusal_shows_the_day_and_zone_it_read() -> None:
    with pytest.raises(ScheduleError, match=r"is in the past \(Fri 27 Nov 2026 09:00 WIB\)"):
        parse_when("hari ini 09.00", tz=WIB, now=FRI_1000)
    with pytest.raises(ScheduleError, match=r"is now \(Sat 28 Nov 2026 23:59 WIB\)"):
        parse_when("jam 23.59", tz=WIB, now=SAT_LATE)


def test_refusals_in_indonesian_keep_their_examples(indonesian: None) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_when("hari ini 09.00", tz=WIB, now=FRI_1000)
    assert str(caught.value) == ('"hari ini 09.00" sudah lewat (Jum 27 Nov 2026 09.00 WIB): gunakan --now untuk langsung '
                                 'menerbitkan, atau waktu yang lebih lambat, mis. "sekarang", "2 jam lagi", "besok 09.00", '
                                 '"Senin 08.00"')
    with pytest.raises(ScheduleError, match=r'^tidak dapat membaca "besok sore" sebagai waktu: sebutkan juga jamnya, '
                                            r'mis\. "besok sore jam 4", "Senin 08\.00"'):
        parse_when("besok sore", tz=WIB, now=FRI_1000)
    with pytest.raises(ScheduleError, match=r"1 Desember 2026 adalah hari Selasa, bukan Rabu, mis\. \"Tuesday 1/12/2026"):
        parse_when("Rabu, 1 Desember 2026 09.00", tz=WIB, now=FRI_1000)
    with pytest.raises(ScheduleError,
                       match=r'^"jam 23\.59" adalah sekarang \(Sab 28 Nov 2026 23\.59 WIB\): gunakan --now atau "sekarang"'):
        parse_when("jam 23.59", tz=WIB, now=SAT_LATE)


# --- the property: accepted phrases land in the future, on the day they name -------------

WEEK_START = dt.datetime(2026, 11, 23)  # a Monday
ID_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@st.composite
def clocks(draw: st.DrawFn) -> tuple[str, int, int]:
    """A time of day as officers write it, with the hour and minute it means."""
    hour, minute = draw(st.integers(0, 23)), draw(st.sampled_from([0, 0, 15, 30, 59, draw(st.integers(0, 59))]))
    h12 = hour % 12 or 12
    forms = [f"{hour:02d}.{minute:02d}", f"{hour}:{minute:02d}", f"pukul {hour:02d}.{minute:02d}",
             f"jam {hour}.{minute:02d}", f"{h12}:{minute:02d} {'am' if hour < 12 else 'pm'}"]
    if minute == 0:
        forms += [f"jam {hour}", f"{h12}{'am' if hour < 12 else 'pm'}"]
        parts = {"pagi": range(1, 12), "siang": range(11, 17), "sore": range(14, 20), "malam": range(18, 24)}
        forms += [f"jam {hour if hour <= 12 else hour - 12} {p}" for p, hours in parts.items() if hour in hours]
    return draw(st.sampled_from(forms)), hour, minute


DAY_KINDS = ("none", "besok", "tomorrow", "lusa", "hari ini", "weekday", "weekday_en", "depan", "next_en")


@settings(max_examples=400, deadline=None)
@given(
    tz=st.sampled_from(ZONES),
    local_now=st.datetimes(min_value=WEEK_START, max_value=WEEK_START + dt.timedelta(days=7)),
    kind=st.sampled_from(DAY_KINDS),
    clock=clocks(),
    weekday=st.integers(0, 6),
)
def test_day_and_clock_phrases_land_in_the_future_on_the_day_they_name(
        tz: zoneinfo.ZoneInfo, local_now: dt.datetime, kind: str, clock: tuple[str, int, int], weekday: int) -> None:
    now = local_now.replace(tzinfo=tz).astimezone(dt.timezone.utc)
    today = local_now.date()
    text, hour, minute = clock
    day = {"none": "", "besok": "besok", "tomorrow": "tomorrow", "lusa": "lusa", "hari ini": "hari ini",
           "weekday": ID_DAYS[weekday], "weekday_en": EN_DAYS[weekday], "depan": f"{'Ahad' if weekday == 6 else ID_DAYS[weekday]} depan",  # "Minggu depan" is "next week"
           "next_en": f"next {EN_DAYS[weekday]}"}[kind]
    phrase = f"{day} {text}".strip()
    wall = dt.datetime.combine(today, dt.time(hour, minute), tzinfo=tz)  # that clock time today
    try:
        when = parse_when(phrase, tz=tz, now=now)
    except ScheduleError as exc:
        # Refused only when the time named is already past (or reached this very minute).
        just_passed = now - dt.timedelta(minutes=1) < wall <= now
        names_today = kind == "none" or (kind in ("weekday", "weekday_en") and weekday == today.weekday())
        assert (kind == "hari ini" and wall <= now) or (just_passed and names_today), (phrase, str(exc))
        return
    local = when.astimezone(tz)
    assert when > now, phrase
    assert (local.hour, local.minute) == (hour, minute), phrase
    if kind == "none":
        assert when <= now + dt.timedelta(hours=24), phrase
    elif kind in ("besok", "tomorrow"):
        assert local.date() == today + dt.timedelta(days=1), phrase
    elif kind == "lusa":
        assert local.date() == today + dt.timedelta(days=2), phrase
    elif kind == "hari ini":
        assert local.date() == today, phrase
    elif kind in ("weekday", "weekday_en"):
        assert local.weekday() == weekday and local.date() - today <= dt.timedelta(days=7), phrase
        assert when - dt.timedelta(days=7) <= now, phrase  # the next such day, not the one after
    else:  # that day of next week
        next_monday = today + dt.timedelta(days=7 - today.weekday())
        assert local.date() == next_monday + dt.timedelta(days=weekday), phrase


@settings(max_examples=200, deadline=None)
@given(
    tz=st.sampled_from(ZONES),
    local_now=st.datetimes(min_value=WEEK_START, max_value=WEEK_START + dt.timedelta(days=7)),
    amount=st.integers(1, 600),
    unit=st.sampled_from(["menit", "jam", "minutes", "hours"]),
    form=st.integers(0, 2),
)
def test_relative_phrases_are_that_long_from_now(tz: zoneinfo.ZoneInfo, local_now: dt.datetime, amount: int,
                                                 unit: str, form: int) -> None:
    now = local_now.replace(tzinfo=tz).astimezone(dt.timezone.utc)
    english = unit in ("minutes", "hours")
    phrase = ([f"in {amount} {unit}", f"{amount} {unit} from now", f"in {amount} {unit}"] if english
              else [f"{amount} {unit} lagi", f"dalam {amount} {unit}", f"{amount} {unit} dari sekarang"])[form]
    delta = dt.timedelta(minutes=amount) if unit in ("menit", "minutes") else dt.timedelta(hours=amount)
    assert parse_when(phrase, tz=tz, now=now) == now + delta
    for word in ("sekarang", "now", "Sekarang"):
        assert parse_when(word, tz=tz, now=now) == now


WORDS = ["besok", "lusa", "jam", "pukul", "pagi", "sore", "malam", "depan", "Senin", "Minggu", "lagi", "dalam",
         "menit", "next", "in", "hari", "ini", "WITA", "Desember", "pm", "am", ",", ".", ":", "/", "-", "'"]


@settings(max_examples=300, deadline=None)
@given(tz=st.sampled_from(ZONES), local_now=st.datetimes(min_value=WEEK_START, max_value=WEEK_START + dt.timedelta(days=7)),
       text=st.one_of(st.text(max_size=40), st.lists(st.one_of(st.sampled_from(WORDS), st.integers(0, 2100).map(str)),
                                                      max_size=6).map(" ".join)))
def test_any_text_is_a_future_time_or_one_line_refusal(tz: zoneinfo.ZoneInfo, local_now: dt.datetime, text: str) -> None:
    now = local_now.replace(tzinfo=tz).astimezone(dt.timezone.utc)
    try:
        when = parse_when(text, tz=tz, now=now)
    except ScheduleError as exc:
        assert "\n" not in str(exc) and "e.g. " in str(exc)
        return
    assert when > now or (when == now and " ".join(text.split()).lower() in ("sekarang", "sekarang juga", "now",
                                                                           "right now", "saat ini"))


def _readme_phrases() -> list[str]:
    """Every phrase the README's Times table says is read."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Times: `--at WHEN`", 1)[1].split("\n#", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return [phrase for row in rows for phrase in re.findall(r"`([^`]+)`", row)]


@pytest.mark.parametrize("now", [WED_MIDNIGHT, MON_0715, FRI_1000, TUE_WITA])  # mornings: "hari ini 15.00" is ahead
def test_every_phrase_the_readme_lists_is_read(now: dt.datetime) -> None:
    phrases = _readme_phrases()
    assert len(phrases) > 30 and "jam 23.00" in phrases and "Senin depan 08.00" in phrases
    for phrase in phrases:
        assert parse_when(phrase, tz=WIB, now=now) >= now, phrase


@pytest.mark.parametrize("language", ["en", "id"])
def test_our_own_way_of_showing_a_time_reads_back(language: str) -> None:
    import zoneinfo

    from disseminator.views import show_human

    tz = zoneinfo.ZoneInfo("Asia/Jakarta")
    now = dt.datetime(2026, 11, 29, 16, 0, tzinfo=dt.timezone.utc)
    i18n.use(language)
    try:
        for when in (dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.timezone.utc),
                     dt.datetime(2027, 1, 3, 1, 30, tzinfo=dt.timezone.utc)):
            shown = show_human(when, tz, now=now)
            assert parse_when(shown, tz=tz, now=now) == when, shown
    finally:
        i18n.use("en")
    # Either language's form reads back, whichever language is spoken, with its day checked.
    assert parse_when("Sel 1 Des 09.00 WIB", tz=tz, now=now) == dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.timezone.utc)
    assert parse_when("Tue 1 Dec 09:00 WIB", tz=tz, now=now) == dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.timezone.utc)
    assert parse_when("Sun 3 Jan 2027 08:30 WIB", tz=tz, now=now) == dt.datetime(2027, 1, 3, 1, 30, tzinfo=dt.timezone.utc)
    with pytest.raises(ScheduleError, match="1 Dec 2026 is Sel .Tuesday., not Rab"):
        parse_when("Rab 1 Des 09.00", tz=tz, now=now)
    with pytest.raises(ScheduleError, match="1 Dec 2026 is Tue .Tuesday., not Wed"):
        parse_when("Wed 1 Dec 09:00 WIB", tz=tz, now=now)


def test_a_wrong_day_name_is_refused_in_indonesian(indonesian: None) -> None:
    tz = zoneinfo.ZoneInfo("Asia/Jakarta")
    now = dt.datetime(2026, 11, 29, 16, 0, tzinfo=dt.timezone.utc)
    with pytest.raises(ScheduleError, match=r'^tidak dapat membaca "Rab 1 Des 09\.00" sebagai waktu: 1 Des 2026 adalah '
                                            r'Sel \(Selasa\), bukan Rab, mis\. "besok 09\.00"'):
        parse_when("Rab 1 Des 09.00", tz=tz, now=now)
    with pytest.raises(ScheduleError, match=r"1 Des 2026 adalah Tue \(Selasa\), bukan Wed"):
        parse_when("Wed 1 Dec 09:00 WIB", tz=tz, now=now)
