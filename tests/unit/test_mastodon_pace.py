"""What Mastodon's X-RateLimit-* headers on a status or an upload make the account wait for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from channels.base import Account, Context
from channels.clock import FakeClock
from channels.mastodon import MastodonChannel, idempotency_key
from channels.base import Draft, Media

NOW = dt.datetime(2026, 11, 29, 8, 0, tzinfo=dt.timezone.utc)


def channel(tmp_path: Path) -> MastodonChannel:
    account = Account("m", "mastodon", {"api_base_url": "https://mastodon.example", "access_token": "t"})
    return MastodonChannel(account, context=Context(base_dir=tmp_path, media_dir=tmp_path, clock=FakeClock(NOW)))


def test_nothing_said_nothing_known(tmp_path: Path) -> None:
    assert channel(tmp_path).pace() is None


def test_room_left_is_reported_not_waited_for(tmp_path: Path) -> None:
    m = channel(tmp_path)
    m._remember("statuses", {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "12",
                             "X-RateLimit-Reset": "2026-11-29T10:00:00.000Z"})
    pace = m.pace()
    assert pace is not None and pace.remaining == 12 and not pace.exhausted


def test_none_left_waits_for_the_reset_of_the_family_used_up(tmp_path: Path) -> None:
    m = channel(tmp_path)
    m._remember("statuses", {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "40",
                             "X-RateLimit-Reset": "2026-11-29T10:00:00.000Z"})
    m._remember("media", {"X-RateLimit-Limit": "30", "X-RateLimit-Remaining": "0",
                          "X-RateLimit-Reset": "2026-11-29T08:20:00.000Z"})
    pace = m.pace()
    assert pace is not None and pace.exhausted
    assert pace.until == dt.datetime(2026, 11, 29, 8, 20, tzinfo=dt.timezone.utc)
    assert pace.reason == "Mastodon's media upload limit (30 uploads) is used up"


def test_a_reset_not_said_waits_the_whole_window(tmp_path: Path) -> None:
    m = channel(tmp_path)
    m._remember("statuses", {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0"})
    pace = m.pace()
    assert pace is not None and pace.until == NOW + dt.timedelta(hours=3)


def test_the_idempotency_key_is_stable_per_post_part_and_text() -> None:
    base = Draft(parts=("Satu", "Dua"), media=(Media(url="u", sha256="abc"),), key="7.1700000000")
    key = idempotency_key("humas", base, 0)
    assert key == idempotency_key("humas", Draft(parts=("Satu", "Dua"), media=(Media(url="u", sha256="abc"),),
                                                 key="7.1700000000"), 0)
    others = {
        idempotency_key("humas", base, 1),  # another part
        idempotency_key("lain", base, 0),  # another account
        idempotency_key("humas", Draft(parts=("Satu!", "Dua"), key="7.1700000000"), 0),  # the text revised
        idempotency_key("humas", Draft(parts=("Satu", "Dua"), media=base.media, key="8.1700000001"), 0),  # another post
    }
    assert key not in others and len(others) == 4 and len(key) <= 64
