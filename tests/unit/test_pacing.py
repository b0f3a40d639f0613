"""The pacing decisions as data: what each network's headers mean, how budgets count,
where a month begins in the configured zone, and X's 402."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from channels.base import Spent
from channels.graph import USAGE_REST, usage_pace
from channels.twitter import limits_pace
from channels.x_errors import x_error
from disseminator.pacing import Budget, _count_waits, _money, month_start, next_month
from disseminator.retry import Action, RetryStrategy
from disseminator.store import HoldKind
from disseminator.store.attempts import NOT_COUNTED

T0 = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.timezone.utc)
RESET = int((T0 + dt.timedelta(minutes=7)).timestamp())


def test_x_remaining_left_is_not_a_wait() -> None:
    pace = limits_pace({"x-rate-limit-limit": "100", "x-rate-limit-remaining": "3", "x-rate-limit-reset": str(RESET)})
    assert pace is not None and pace.remaining == 3 and not pace.exhausted


def test_x_remaining_zero_waits_for_the_reset() -> None:
    pace = limits_pace({"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(RESET)})
    assert pace is not None and pace.exhausted and pace.until == T0 + dt.timedelta(minutes=7)
    assert pace.reason == "X's posting limit (100 posts) is used up"


def test_x_the_latest_reset_of_the_exhausted_families_wins() -> None:
    day = int((T0 + dt.timedelta(hours=20)).timestamp())
    pace = limits_pace({"x-rate-limit-remaining": "40", "x-rate-limit-reset": str(RESET),
                        "x-user-limit-24hour-limit": "17", "x-user-limit-24hour-remaining": "0",
                        "x-user-limit-24hour-reset": str(day)})
    assert pace is not None and pace.exhausted and pace.until == T0 + dt.timedelta(hours=20)
    assert "24-hour" in pace.reason


def test_no_header_no_pace() -> None:
    assert limits_pace({}) is None


def test_graph_estimate_to_regain_access_is_a_wait() -> None:
    header = '{"1": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 12}]}'
    pace = usage_pace({"X-Business-Use-Case-Usage": header}, T0)
    assert pace is not None and pace.exhausted and pace.until == T0 + dt.timedelta(minutes=12)


def test_graph_usage_near_the_ceiling_rests_a_while() -> None:
    pace = usage_pace({"X-App-Usage": '{"call_count": 97, "total_time": 10, "total_cputime": 5}'}, T0)
    assert pace is not None and pace.until == T0 + USAGE_REST and pace.reason == "97% of Meta's hourly call budget used"
    assert usage_pace({"X-App-Usage": '{"call_count": 50}'}, T0) is None
    assert usage_pace({}, T0) is None


def _times(*minutes_ago: float) -> list[dt.datetime]:
    return sorted(T0 - dt.timedelta(minutes=m) for m in minutes_ago)


def test_max_per_hour_frees_when_the_oldest_leaves_the_hour() -> None:
    [wait] = _count_waits(Budget(max_per_hour=3), _times(50, 20, 5), units=1, now=T0)
    assert wait.kind is HoldKind.BUDGET and wait.until == T0 + dt.timedelta(minutes=10)
    assert wait.reason == "at most 3 an hour"
    assert _count_waits(Budget(max_per_hour=3), _times(70, 20, 5), units=1, now=T0) == []


def test_a_thread_needs_room_for_every_tweet_but_an_empty_hour_takes_any() -> None:
    # Two of three used; a thread of three tweets waits until two have left the hour.
    [wait] = _count_waits(Budget(max_per_hour=3), _times(50, 20), units=3, now=T0)
    assert wait.until == T0 + dt.timedelta(minutes=40)
    assert _count_waits(Budget(max_per_hour=3), [], units=5, now=T0) == []


def test_min_interval_and_max_per_day() -> None:
    waits = _count_waits(Budget(max_per_day=2, min_interval=90), _times(600, 1), units=1, now=T0)
    assert {w.reason: w.until for w in waits} == {
        "at least 90 seconds between posts": T0 + dt.timedelta(seconds=30),
        "at most 2 a day": T0 - dt.timedelta(minutes=600) + dt.timedelta(days=1),
    }


@pytest.mark.parametrize(("now", "zone", "start", "following"), [
    # 20:00 on 30 November in New York is 1 December in UTC: still November there.
    (dt.datetime(2026, 12, 1, 1, 0), "America/New_York", dt.datetime(2026, 11, 1, 4, 0), dt.datetime(2026, 12, 1, 5, 0)),
    # Across the change to daylight saving time (8 March 2026): the 1st of April is at 04:00 UTC.
    (dt.datetime(2026, 3, 15, 12, 0), "America/New_York", dt.datetime(2026, 3, 1, 5, 0), dt.datetime(2026, 4, 1, 4, 0)),
    # 06:00 on 1 January in Jakarta is still 31 December in UTC.
    (dt.datetime(2025, 12, 31, 23, 0), "Asia/Jakarta", dt.datetime(2025, 12, 31, 17, 0), dt.datetime(2026, 1, 31, 17, 0)),
])
def test_months_begin_in_the_configured_zone(now: dt.datetime, zone: str, start: dt.datetime, following: dt.datetime) -> None:
    utc = dt.timezone.utc
    assert month_start(now.replace(tzinfo=utc), ZoneInfo(zone)) == start.replace(tzinfo=utc)
    assert next_month(now.replace(tzinfo=utc), ZoneInfo(zone)) == following.replace(tzinfo=utc)


def test_money_is_shown_with_cents() -> None:
    from decimal import Decimal

    assert [_money(Decimal(v)) for v in ("0.2", "0.215", "3", "0.015")] == ["0.20", "0.215", "3.00", "0.015"]


def _answer(status: int, body: bytes) -> requests.Response:
    response = requests.Response()
    response.status_code, response._content = status, body
    response.headers["Content-Type"] = "application/problem+json"
    return response


def test_x_402_holds_the_account_and_is_not_a_counted_try() -> None:
    error = x_error(_answer(402, b'{"title": "Payment Required", "detail": "No credits", "status": 402}'), write=True)
    assert isinstance(error, Spent) and error.kind in NOT_COUNTED and "credits are used up" in error.message
    decision = RetryStrategy().decide(error, failures=0, now=T0)
    assert decision.action is Action.RETRY and decision.hold is HoldKind.BUDGET and decision.hold_until is None


def test_a_rolling_quota_frees_when_its_oldest_post_leaves_and_then_is_out_of_date(tmp_path: Any) -> None:
    """Instagram said 0 of 2 left at T0 (its two posts: 23 and 2 hours ago): the account
    waits until the older leaves the 24 hours; past that, the same old answer holds nothing."""
    from sqlalchemy import insert

    from channels.base import Account, Channel, Pace
    from disseminator.pacing import network_wait
    from disseminator.store import ArticleRow, PartRow, PostRow, Store
    from disseminator.store.migrate import upgrade

    store = Store(f"sqlite:///{tmp_path / 'q.db'}")
    upgrade(store.engine)
    with store.session() as s:
        s.execute(insert(ArticleRow), [{"id": 1, "title": "t", "body": "", "tags": [], "content_hash": "h"}])
        for i, hours in ((1, 23), (2, 2)):
            at = T0 - dt.timedelta(hours=hours)
            s.execute(insert(PostRow), [{"id": i, "article_id": 1, "account": "ig", "channel": "instagram",
                                         "variant": str(i), "media": [], "warnings": [], "status": "published",
                                         "scheduled_at": at, "next_attempt_at": at, "published_at": at,
                                         "created_at": at, "updated_at": at}])
            s.execute(insert(PartRow), [{"post_id": i, "index": 0, "text": f"p{i}", "text_hash": str(i),
                                         "state": "published", "remote_id": str(i), "published_at": at}])

    class Said(Channel):
        name = "said"

        def pace(self) -> Pace | None:
            return Pace(remaining=0, window=dt.timedelta(hours=24), said_at=T0, reason="Instagram allows 2 posts per 24 hours")

        render = validate = publish_part = find_published = check = None  # type: ignore[assignment]

    channel = Said(Account("ig", "said"))
    wait = network_wait(store, channel, account="ig", now=T0)
    assert wait is not None and wait.until == T0 + dt.timedelta(hours=1) and wait.kind is HoldKind.RATE_LIMIT
    assert network_wait(store, channel, account="ig", now=T0 + dt.timedelta(hours=1, seconds=1)) is None
    assert network_wait(store, channel, account="ig", now=T0 + dt.timedelta(hours=3)) is None
