"""Times as an officer reads them: ``Sen 30 Nov 09.00 WIB`` (issue 9 point 6)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from disseminator.views import show_human, show_soon, what_next

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("when", "zone", "shown"), [
    (dt.datetime(2026, 11, 30, 2, 0, tzinfo=UTC), "Asia/Jakarta", "Sen 30 Nov 09.00 WIB"),
    (dt.datetime(2026, 12, 1, 2, 5, tzinfo=UTC), "Asia/Makassar", "Sel 1 Des 10.05 WITA"),
    (dt.datetime(2026, 12, 2, 2, 0, tzinfo=UTC), "Asia/Jayapura", "Rab 2 Des 11.00 WIT"),
    (dt.datetime(2026, 12, 3, 16, 59, tzinfo=UTC), "Asia/Jakarta", "Kam 3 Des 23.59 WIB"),
    (dt.datetime(2026, 12, 3, 17, 0, tzinfo=UTC), "Asia/Jakarta", "Jum 4 Des 00.00 WIB"),  # the day of the zone, not UTC's
    (dt.datetime(2026, 8, 15, 0, 0, tzinfo=UTC), "Asia/Pontianak", "Sab 15 Agu 07.00 WIB"),
    (dt.datetime(2026, 5, 17, 0, 0, tzinfo=UTC), "Asia/Jakarta", "Min 17 Mei 07.00 WIB"),
    (dt.datetime(2026, 10, 5, 0, 0, tzinfo=UTC), "Asia/Jakarta", "Sen 5 Okt 07.00 WIB"),
    (dt.datetime(2027, 1, 4, 2, 0, tzinfo=UTC), "Asia/Jakarta", "Sen 4 Jan 2027 09.00 WIB"),  # another year: said
    (dt.datetime(2026, 11, 30, 2, 0, tzinfo=UTC), "Europe/Amsterdam", "Sen 30 Nov 03.00 +01:00"),
    (dt.datetime(2026, 7, 1, 2, 0, tzinfo=UTC), "Europe/Amsterdam", "Rab 1 Jul 04.00 +02:00"),  # summer time
    (dt.datetime(2026, 11, 30, 2, 0, tzinfo=UTC), "America/St_Johns", "Min 29 Nov 22.30 -03:30"),
    (dt.datetime(2026, 11, 30, 2, 0, tzinfo=UTC), "UTC", "Sen 30 Nov 02.00 +00:00"),
])
def test_show_human(when: dt.datetime, zone: str, shown: str) -> None:
    assert show_human(when, ZoneInfo(zone), now=NOW) == shown
    assert show_human(when.isoformat(), ZoneInfo(zone), now=NOW) == shown  # the JSON shapes' ISO text too


def test_nothing_shows_as_nothing() -> None:
    assert show_human(None, ZoneInfo("Asia/Jakarta")) == "" and show_soon(None, ZoneInfo("Asia/Jakarta")) == ""


def test_show_soon_gives_the_clock_alone_today() -> None:
    jakarta = ZoneInfo("Asia/Jakarta")
    assert show_soon(dt.datetime(2026, 11, 29, 14, 14, tzinfo=UTC), jakarta, now=NOW) == "21.14"
    assert show_soon(dt.datetime(2026, 11, 29, 17, 14, tzinfo=UTC), jakarta, now=NOW) == "Sen 30 Nov 00.14 WIB"


def _post(**fields: object) -> dict[str, object]:
    return {"id": 1, "account": "humas_fb", "status": "scheduled", "error": None, "next_attempt_at": None, **fields}


@pytest.mark.parametrize(("fields", "said"), [
    ({"rate_limited_until": "2026-11-29T21:14:00+07:00", "next_attempt_at": "2026-11-29T21:14:00+07:00"},
     "rate limited: next try 21.14"),
    ({"waiting_for_account": "token expired"}, "account needs attention: waits for 'disseminator accounts check humas_fb'"),
    ({"paused": "berkabung"}, "account paused (berkabung): waits for 'disseminator accounts resume humas_fb'"),
    ({"in_doubt": True, "error": "connection dropped", "next_attempt_at": "2026-11-29T19:30:00+07:00"},
     "the last write may have landed: it is looked up on the network before the next try at 19.30"),
    ({"in_doubt": True, "error": "connection dropped", "next_attempt_at": "2026-11-29T18:00:00+07:00"},
     "the last write may have landed: it is looked up on the network before the next try"),
    ({"error": "HTTP 503", "next_attempt_at": "2026-11-30T09:14:00+07:00"}, "next try Sen 30 Nov 09.14 WIB: HTTP 503"),
    ({"next_attempt_at": "2026-11-29T18:00:00+07:00"}, "due: goes at the next run"),
    ({"next_attempt_at": "2026-12-29T18:00:00+07:00"}, ""),
    ({"status": "publishing"}, "being published now"),
    ({"status": "failed", "error": "refused"}, "refused"),
])
def test_what_next(fields: dict[str, object], said: str) -> None:
    assert what_next(_post(**fields), ZoneInfo("Asia/Jakarta"), now=NOW) == said
