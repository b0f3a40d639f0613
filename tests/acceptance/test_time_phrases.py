"""Issue 9 point 1 as an officer meets it: ``schedule --at "jam 23.00"`` run as a process,
against the real clock, lands today in the configured zone, and says so."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path

from tests.helpers import article_file, run_proc, write_config

ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")  # WIB, WITA, WIT
ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
ID_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
AHEAD = dt.timedelta(minutes=90)


def _zone_where_today_has_room() -> str:
    """An Indonesian zone in which 90 minutes from now (and a margin) is still today.

    The three zones are an hour apart, so at any moment one of them is before 22:00.
    """
    for name in ZONES:
        local = dt.datetime.now(zoneinfo.ZoneInfo(name))
        if (local + AHEAD + dt.timedelta(minutes=20)).date() == local.date():
            return name
    raise AssertionError("no Indonesian zone has 90 minutes left today")  # cannot happen


def test_a_clock_time_soon_is_queued_today_and_shown_with_its_day_and_zone(tmp_path: Path) -> None:
    zone = _zone_where_today_has_room()
    tz = zoneinfo.ZoneInfo(zone)
    config = write_config(tmp_path, sandbox_url="http://127.0.0.1:9", database=f"sqlite:///{tmp_path / 'd.db'}")
    config.write_text(config.read_text(encoding="utf-8").replace('"Asia/Jakarta"', f'"{zone}"'), encoding="utf-8")
    cli = lambda *a: run_proc(["--config", str(config), *a], cwd=tmp_path)  # noqa: E731
    assert cli("init").code == 0

    target = (dt.datetime.now(tz) + AHEAD).replace(second=0, microsecond=0)
    today = target.date()
    phrases = [f"jam {target:%H.%M}", f"pukul {target:%H.%M}", f"{target:%H:%M}",
               f"{ID_DAYS[today.weekday()]} {target:%H.%M}"]  # "Senin 08.00" said on a Monday
    articles = [str(article_file(tmp_path, f"a{n}.md", title=f"Rilis jam {n}", url=f"https://humas.example.go.id/{n}"))
                for n in range(len(phrases))]  # one article each: the same text twice is refused
    assert cli("article", "add", *articles).code == 0
    for n, phrase in enumerate(phrases, start=1):
        result = cli("schedule", str(n), "--account", "sandbox_x", "--at", phrase)
        assert result.code == 0, (phrase, result.err)
        # Shown back with its day and zone, so "Senin 08.00" meaning today is visible.
        line = result.out.strip()
        assert re.search(rf"\b({ID_DAYS[today.weekday()][:3]}|{EN_DAYS[today.weekday()][:3]})\w* {today.day}\b", line), line
        assert re.search(rf"\b{ABBREVIATIONS[zone]}\b", line) and f"{target:%H}" in line, line

    queued = cli("queue", "--json").json()
    assert len(queued) == len(phrases)
    for post in queued:
        when = dt.datetime.fromisoformat(post["scheduled_at"]).astimezone(tz)
        assert when == target, (post["scheduled_at"], target)  # today, not tomorrow
