"""Times as an officer reads them: ``Mon 30 Nov 09:00 WIB``, in Indonesian ``Sen 30 Nov
09.00 WIB`` (issue 9 point 6); what happens next to a post, said in words."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from channels import i18n
from disseminator.views import show_day, show_human, show_soon, what_next

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=UTC)




SHOWN = [  # (when, zone, in English, in Indonesian)
    (dt.datetime(2026, 11, 30, 2, 0, tzinfo=UTC), "Asia/Jakarta", "Mon 30 Nov 09:00 WIB", "Sen 30 Nov 09.00 WIB"),
    (dt.datetime(2026, 12, 1, 2, 5, tzinfo=UTC), "Asia/Makassar", "Tue 1 Dec 10:05 WITA", "Sel 1 Des 10.05 WITA"),
    (dt.datetime(2026, 12, 2, 2, 0, tzinfo=UTC), "Asia/Jayapura", "Wed 2 Dec 11:00 WIT", "Rab 2 Des 11.00 WIT"),
    (dt.datetime(2026, 12, 3, 16, 59, tzinfo=UTC), "Asia/Jakarta", "Thu 3 Dec 23:59 WIB", "Kam 3 Des 23.59 WIB"),
    # the day of the zone, not UTC's
    (dt.datetime(2026, 12, 3, 17, 0, tzinfo=UTC), "Asia/Jakarta", "Fri 4 Dec 00:00 WIB", "Jum 4 Des 00.00 WIB"),
    (dt.datetime(2026, 8, 15, 0, 0, tzinfo=UTC), "Asia/Pontianak", "Sat 15 Aug 07:00 WIB", "Sab 15 Agu 07.00 WIB"),
    (dt.datetime(2026, 5, 17, 0, 0, tzinfo=UTC), "Asia/Jakarta", "Sun 17 May 07:00 WIB", "Min 17 Mei 07.00 WIB"),
    (dt.datetime(2026, 10, 5, 0, 0, tzinfo=UTC), "Asia/Jakarta", "Mon 5 Oct 07:00 WIB", "Sen 5 Okt 07.00 WIB"),
    # another year: said
    (dt.datetime(2027, 1, 4, 2, 0, tzinfo=UTC), "Asia/Jakarta", "Mon 4 Jan 2027 09:00 WIB", "Sen 4 Jan 2027 09.00 WIB"),
    (dt.datetime(2026, 11, 30, 2, 0, tzinfo=UTC), "Europe/Amsterdam", "Mon 30 Nov 03:00 +01:00", "Sen 30 Nov 03.00 +01:00"),
    # summer time
    (dt.datetime(2026, 7, 1, 2, 0, tzinfo=UTC), "Europe/Amsterdam", "Wed 1 Jul 04:00 +02:00", "Rab 1 Jul 04.00 +02:00"),
    (dt.datetime(2026, 11, 30, 2, 0, tzinfo=UTC), "America/St_Johns", "Sun 29 Nov 22:30 -03:30", "Min 29 Nov 22.30 -03:30"),
    (dt.datetime(2026, 11, 30, 2, 0, tzinfo=UTC), "UTC", "Mon 30 Nov 02:00 +00:00", "Sen 30 Nov 02.00 +00:00"),
]


@pytest.mark.parametrize(("when", "zone", "shown"), [(w, z, en) for w, z, en, _id in SHOWN])
def test_show_human(when: dt.datetime, zone: str, shown: str) -> None:
    assert show_human(when, ZoneInfo(zone), now=NOW) == shown
    assert show_human(when.isoformat(), ZoneInfo(zone), now=NOW) == shown  # the JSON shapes' ISO text too


@pytest.mark.parametrize(("when", "zone", "shown"), [(w, z, id_) for w, z, _en, id_ in SHOWN])
def test_show_human_in_indonesian(indonesian: None, when: dt.datetime, zone: str, shown: str) -> None:
    assert show_human(when, ZoneInfo(zone), now=NOW) == shown
    assert show_human(when.isoformat(), ZoneInfo(zone), now=NOW) == shown


def test_every_day_and_month_in_both_languages(indonesian: None) -> None:
    months = [dt.date(2026, month, 1) for month in range(1, 13)]
    week = [dt.date(2026, 11, 30) + dt.timedelta(days=n) for n in range(7)]
    assert [show_day(d).split(" ")[2] for d in months] == \
        ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
    assert [show_day(d) for d in week] == \
        ["Sen 30 Nov", "Sel 1 Des", "Rab 2 Des", "Kam 3 Des", "Jum 4 Des", "Sab 5 Des", "Min 6 Des"]
    i18n.use("en")
    assert [show_day(d).split(" ")[2] for d in months] == \
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    assert [show_day(d) for d in week] == \
        ["Mon 30 Nov", "Tue 1 Dec", "Wed 2 Dec", "Thu 3 Dec", "Fri 4 Dec", "Sat 5 Dec", "Sun 6 Dec"]


def test_nothing_shows_as_nothing() -> None:
    assert show_human(None, ZoneInfo("Asia/Jakarta")) == "" and show_soon(None, ZoneInfo("Asia/Jakarta")) == ""


def test_show_soon_gives_the_clock_alone_today() -> None:
    jakarta = ZoneInfo("Asia/Jakarta")
    assert show_soon(dt.datetime(2026, 11, 29, 14, 14, tzinfo=UTC), jakarta, now=NOW) == "21:14"
    assert show_soon(dt.datetime(2026, 11, 29, 17, 14, tzinfo=UTC), jakarta, now=NOW) == "Mon 30 Nov 00:14 WIB"


def test_show_soon_in_indonesian(indonesian: None) -> None:
    jakarta = ZoneInfo("Asia/Jakarta")
    assert show_soon(dt.datetime(2026, 11, 29, 14, 14, tzinfo=UTC), jakarta, now=NOW) == "21.14"
    assert show_soon(dt.datetime(2026, 11, 29, 17, 14, tzinfo=UTC), jakarta, now=NOW) == "Sen 30 Nov 00.14 WIB"


def _post(**fields: object) -> dict[str, object]:
    return {"id": 1, "account": "humas_fb", "status": "scheduled", "error": None, "next_attempt_at": None, **fields}


@pytest.mark.parametrize(("fields", "said"), [
    ({"rate_limited_until": "2026-11-29T21:14:00+07:00", "next_attempt_at": "2026-11-29T21:14:00+07:00"},
     "rate limited: next try 21:14"),
    ({"waiting_for_account": "token expired"}, "account needs attention: waits for 'disseminator accounts check humas_fb'"),
    ({"paused": "berkabung"}, "account paused (berkabung): waits for 'disseminator accounts resume humas_fb'"),
    ({"in_doubt": True, "error": "connection dropped", "next_attempt_at": "2026-11-29T19:30:00+07:00"},
     "the last write may have landed: it is looked up on the network before the next try at 19:30"),
    ({"in_doubt": True, "error": "connection dropped", "next_attempt_at": "2026-11-29T18:00:00+07:00"},
     "the last write may have landed: it is looked up on the network before the next try"),
    ({"error": "HTTP 503", "next_attempt_at": "2026-11-30T09:14:00+07:00"}, "next try Mon 30 Nov 09:14 WIB: HTTP 503"),
    ({"next_attempt_at": "2026-11-29T18:00:00+07:00"}, "due: goes at the next run"),
    ({"next_attempt_at": "2026-12-29T18:00:00+07:00"}, ""),
    ({"status": "publishing"}, "being published now"),
    ({"status": "failed", "error": "refused"}, "refused"),
])
def test_what_next(fields: dict[str, object], said: str) -> None:
    assert what_next(_post(**fields), ZoneInfo("Asia/Jakarta"), now=NOW) == said


def test_what_next_in_indonesian(indonesian: None) -> None:
    jakarta = ZoneInfo("Asia/Jakarta")
    limited = _post(rate_limited_until="2026-11-29T21:14:00+07:00", next_attempt_at="2026-11-29T21:14:00+07:00")
    assert what_next(limited, jakarta, now=NOW) == "kena batas laju: dicoba lagi 21.14"
    retry = _post(error="HTTP 503", next_attempt_at="2026-11-30T09:14:00+07:00")
    assert what_next(retry, jakarta, now=NOW) == "dicoba lagi Sen 30 Nov 09.14 WIB: HTTP 503"
    assert what_next(_post(status="publishing"), jakarta, now=NOW) == "sedang diterbitkan"


def test_states_and_holds_are_said_in_the_language(indonesian: None) -> None:
    from disseminator import holds, states
    from disseminator.store import HoldKind

    assert [states.label(s) for s in ("scheduled", "published", "failed", "cancelled")] == \
        ["terjadwal", "terbit", "gagal", "dibatalkan"]
    assert states.label("mystery") == "mystery"  # a status this version does not know: as it is
    hold = holds.Hold("humas_fb", HoldKind.ATTENTION, "credentials refused: token expired", NOW, None)
    assert holds.describe(hold) == "perlu perhatian: kredensial ditolak: token expired"  # kept in English, shown translated
    assert "| `scheduled` | **claim** | `publishing` |" in states.diagram()  # the README's diagram keeps the codes
    i18n.use("en")
    assert states.label("failed") == "failed"
    assert holds.describe(hold) == "needs attention: credentials refused: token expired"
