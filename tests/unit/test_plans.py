"""Posting plans as pure functions of a time: slots, stagger, blackout windows, cron,
including a zone with daylight saving time (Europe/Amsterdam: +01:00 in winter, +02:00
from the last Sunday of March, 02:00 skipped; back on the last Sunday of October)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import partial
from typing import Any

import pytest

from disseminator.cron import next_fire
from disseminator.durations import parse_duration
from disseminator.errors import ConfigError
from disseminator.plan_config import assign, parse_plan, parse_slot, parse_window
from disseminator.plans import Plan, blackout_end, next_slot, wall

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
JKT = zoneinfo.ZoneInfo("Asia/Jakarta")
UTC = dt.timezone.utc
CHANNELS = ("twitter", "facebook", "instagram")


def at(*key: str) -> str:
    return "f.toml:" + ".".join(key)


def plan(zone: str = "Europe/Amsterdam", **table: Any) -> Plan:
    return parse_plan("office", {"timezone": zone, **table}, default_zone="Asia/Jakarta", channels=CHANNELS,
                      at=partial(at, "plans", "office"))


def local(text: str, zone: zoneinfo.ZoneInfo = AMS) -> dt.datetime:
    """'2026-03-27 10:00' on the clocks of ``zone``, as UTC."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=zone).astimezone(UTC)


def shown(when: dt.datetime | None, zone: zoneinfo.ZoneInfo = AMS) -> str:
    assert when is not None
    return when.astimezone(zone).strftime("%a %Y-%m-%d %H:%M %z")


# ------------------------------------------------------------------ slots


def test_next_slot_on_weekdays_and_saturday() -> None:
    p = plan(slots=["Mon-Fri 08:00", "Mon-Fri 12:30", "Sat 09:00"])
    assert shown(next_slot(p, local("2026-11-27 07:59"))) == "Fri 2026-11-27 08:00 +0100"
    assert shown(next_slot(p, local("2026-11-27 08:00"))) == "Fri 2026-11-27 08:00 +0100"  # at the slot: it
    assert shown(next_slot(p, local("2026-11-27 08:01"))) == "Fri 2026-11-27 12:30 +0100"
    assert shown(next_slot(p, local("2026-11-27 13:00"))) == "Sat 2026-11-28 09:00 +0100"
    assert shown(next_slot(p, local("2026-11-28 10:00"))) == "Mon 2026-11-30 08:00 +0100"


def test_a_taken_slot_is_skipped() -> None:
    p = plan(slots=["Mon-Fri 08:00", "Mon-Fri 12:30"])
    taken = {local("2026-11-30 08:00"), local("2026-11-30 12:30")}
    assert shown(next_slot(p, local("2026-11-29 20:00"), taken=taken.__contains__)) == "Tue 2026-12-01 08:00 +0100"


def test_slots_keep_the_wall_clock_across_daylight_saving_time() -> None:
    p = plan(slots=["Mon-Fri 08:00"])
    before = next_slot(p, local("2026-03-27 09:00"))  # Friday, winter time; next: Monday after the change
    assert shown(before) == "Mon 2026-03-30 08:00 +0200"
    assert before == dt.datetime(2026, 3, 30, 6, 0, tzinfo=UTC)  # 08:00 is 06:00 UTC in summer
    assert next_slot(p, local("2026-03-26 09:00")) == dt.datetime(2026, 3, 27, 7, 0, tzinfo=UTC)  # winter: 07:00 UTC
    autumn = next_slot(p, local("2026-10-23 09:00"))
    assert shown(autumn) == "Mon 2026-10-26 08:00 +0100"


def test_a_slot_in_the_skipped_hour_goes_after_the_jump_and_a_repeated_one_at_its_first() -> None:
    p = plan(slots=["Sun 02:30"])
    assert shown(next_slot(p, local("2026-03-28 12:00"))) == "Sun 2026-03-29 03:30 +0200"
    assert next_slot(p, local("2026-10-24 12:00")) == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # +02:00, first
    assert wall(dt.date(2026, 10, 25), dt.time(2, 30), AMS) == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_indonesian_day_names_and_dotted_clock() -> None:
    slot = parse_slot("Sen-Jum 08.00")
    assert slot is not None and slot.days == frozenset(range(5)) and slot.time == dt.time(8, 0)
    assert parse_slot("daily 09:15") is not None and parse_slot("09:15") is not None
    for bad in ("Mon-Fry 08:00", "Mon 25:00", "Mon 8", ""):
        assert parse_slot(bad) is None, bad


def test_stagger_offsets_the_slot_per_channel() -> None:
    p = plan(slots=["Mon-Fri 08:00"], stagger={"twitter": "0m", "facebook": "5m", "instagram": "15m"})
    assert p.offset("facebook") == dt.timedelta(minutes=5)
    assert p.offset("instagram") == dt.timedelta(minutes=15)
    assert p.offset("twitter") == dt.timedelta(0)
    assert shown(next_slot(p, local("2026-11-30 07:00"), channel="instagram")) == "Mon 2026-11-30 08:15 +0100"


def test_durations() -> None:
    assert parse_duration("5m") == dt.timedelta(minutes=5)
    assert parse_duration("90s") == dt.timedelta(seconds=90)
    assert parse_duration("1h30m") == dt.timedelta(minutes=90)
    assert parse_duration("0") == dt.timedelta(0)
    assert parse_duration(30) == dt.timedelta(seconds=30)
    for bad in ("5x", "", "-5m", -1, True, None):
        assert parse_duration(bad) is None, bad


# ------------------------------------------------------------------ blackout windows


def test_weekly_blackout_window() -> None:
    p = plan(blackout=["Fri 11:30-13:00"])
    assert blackout_end(p, local("2026-11-27 11:29")) is None
    assert shown(blackout_end(p, local("2026-11-27 11:30"))) == "Fri 2026-11-27 13:00 +0100"
    assert shown(blackout_end(p, local("2026-11-27 12:59"))) == "Fri 2026-11-27 13:00 +0100"
    assert blackout_end(p, local("2026-11-27 13:00")) is None
    assert blackout_end(p, local("2026-11-26 12:00")) is None  # Thursday


def test_a_window_over_midnight_and_windows_that_touch_are_one_wait() -> None:
    p = plan(blackout=["Sat 22:00-06:00", "Sun 06:00-07:00"])
    assert shown(blackout_end(p, local("2026-11-28 23:00"))) == "Sun 2026-11-29 07:00 +0100"
    assert shown(blackout_end(p, local("2026-11-29 05:00"))) == "Sun 2026-11-29 07:00 +0100"


def test_dated_election_silence_window() -> None:
    p = plan("Asia/Jakarta", blackout=["2026-02-11 00:00 - 2026-02-14 00:00"])
    assert blackout_end(p, local("2026-02-10 23:59", JKT)) is None
    assert shown(blackout_end(p, local("2026-02-12 09:00", JKT)), JKT) == "Sat 2026-02-14 00:00 +0700"
    assert blackout_end(p, local("2026-02-14 00:00", JKT)) is None


def test_weekly_window_across_daylight_saving_time() -> None:
    p = plan(blackout=["Sun 01:30-03:30"])  # the night clocks jump from 02:00 to 03:00
    end = blackout_end(p, local("2026-03-29 01:45"))
    assert end is not None and shown(end) == "Sun 2026-03-29 03:30 +0200"
    assert end - local("2026-03-29 01:45") == dt.timedelta(minutes=45)  # one real hour less that night


def test_a_slot_inside_a_blackout_is_skipped() -> None:
    p = plan(slots=["Fri 12:00", "Fri 14:00"], blackout=["Fri 11:30-13:00"])
    assert shown(next_slot(p, local("2026-11-27 09:00"))) == "Fri 2026-11-27 14:00 +0100"


def test_bad_windows() -> None:
    for bad in ("Fri 11:30", "Fry 11:30-13:00", "2026-02-14 00:00 - 2026-02-11 00:00", "2026-02-30 - 2026-03-01"):
        assert parse_window(bad, AMS) is None, bad


# ------------------------------------------------------------------ cron


def test_cron_weekdays_are_cron_s_own_and_in_the_plan_zone() -> None:
    # APScheduler 3 reads weekday 1 as Tuesday; cron (and we) as Monday.
    monday = next_fire("0 8 * * 1", local("2026-11-27 12:00"), AMS)
    assert shown(monday) == "Mon 2026-11-30 08:00 +0100"
    assert shown(next_fire("0 8 * * 0", local("2026-11-27 12:00"), AMS)) == "Sun 2026-11-29 08:00 +0100"
    assert shown(next_fire("0 8 * * 7", local("2026-11-27 12:00"), AMS)) == "Sun 2026-11-29 08:00 +0100"
    assert shown(next_fire("0 8 * * 1-5", local("2026-11-28 12:00"), AMS)) == "Mon 2026-11-30 08:00 +0100"


def test_cron_keeps_the_wall_clock_across_daylight_saving_time() -> None:
    first = next_fire("0 8 * * *", local("2026-03-28 09:00"), AMS)
    assert first is not None
    second = next_fire("0 8 * * *", first, AMS)
    assert shown(first) == "Sun 2026-03-29 08:00 +0200" and shown(second) == "Mon 2026-03-30 08:00 +0200"
    assert first - local("2026-03-28 08:00") == dt.timedelta(hours=23)  # a short day
    assert next_fire("0 8 * * *", first, AMS) != first  # strictly after


# ------------------------------------------------------------------ the configuration


def test_bad_plan_values_name_the_key_and_what_was_expected() -> None:
    with pytest.raises(ConfigError, match=r"f.toml:plans.office.slots: plans.office.slots: expected a list"):
        plan(slots=["Mon-Fri 8 o'clock"])
    with pytest.raises(ConfigError, match="stagger.facebok: unknown channel \\(did you mean 'facebook'\\?\\)"):
        plan(stagger={"facebok": "5m"})
    with pytest.raises(ConfigError, match="expected a duration"):
        plan(stagger={"facebook": "soon"})
    with pytest.raises(ConfigError, match="expected an IANA time zone"):
        plan("Mars/Olympus")
    with pytest.raises(ConfigError, match="expected a list of windows"):
        plan(blackout="Fri 11:30-13:00")


def test_which_plan_an_account_follows() -> None:
    plans = {"office": plan(accounts=["humas_fb"]), "weekend": plan()}
    accounts: dict[str, dict[str, Any]] = {"humas_x": {"plan": "weekend"}, "humas_fb": {}, "humas_ig": {}}
    assert assign(plans, accounts, "weekend", at) == {"humas_x": "weekend", "humas_fb": "office", "humas_ig": "weekend"}
    assert assign(plans, accounts, None, at) == {"humas_x": "weekend", "humas_fb": "office"}
    with pytest.raises(ConfigError, match="no plan 'ofice' \\(did you mean 'office'\\?\\)"):
        assign({"office": plan()}, {"humas_x": {"plan": "ofice"}}, None, at)
    with pytest.raises(ConfigError, match="humas_fb is also in plan office's accounts"):
        assign(plans, {"humas_fb": {"plan": "weekend"}}, None, at)
    with pytest.raises(ConfigError, match="default_plan: no plan 'nightly'"):
        assign(plans, accounts, "nightly", at)
    with pytest.raises(ConfigError, match="unknown account 'humas_tw'"):
        assign({"office": plan(accounts=["humas_tw"])}, {"humas_x": {}}, None, at)
