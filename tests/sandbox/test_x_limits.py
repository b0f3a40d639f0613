"""X rate-limit headers, 429s (v2 and legacy shapes), 24-hour headers and the rate_limit fault."""

from __future__ import annotations

import time

import pytest
import tweepy

from disseminator.sandbox.ratelimit import PROFILES
from tests.sandbox.conftest import x_client


def test_headers_count_down_per_endpoint(sandbox) -> None:
    client = x_client(sandbox.url)
    first = client.request("POST", "/2/tweets", json={"text": "satu"}, user_auth=True)
    second = client.request("POST", "/2/tweets", json={"text": "dua"}, user_auth=True)
    me = client.request("GET", "/2/users/me", user_auth=True)
    assert first.headers["x-rate-limit-limit"] == "100"
    assert int(first.headers["x-rate-limit-remaining"]) - 1 == int(second.headers["x-rate-limit-remaining"])
    assert int(first.headers["x-rate-limit-reset"]) > time.time()
    assert me.headers["x-rate-limit-limit"] == "75" and me.headers["x-rate-limit-remaining"] == "74"
    assert "x-user-limit-24hour-limit" not in first.headers  # pay-per-use sends none


def test_exhausted_window_gives_429_with_reset(make_sandbox) -> None:
    sandbox = make_sandbox(rate_limit_profile="free_legacy")
    client = x_client(sandbox.url)
    for i in range(PROFILES["free_legacy"]["create_tweet"].limit):
        response = client.request("POST", "/2/tweets", json={"text": f"post {i}"}, user_auth=True)
    assert response.headers["x-user-limit-24hour-remaining"] == "0"
    with pytest.raises(tweepy.TooManyRequests) as err:
        client.create_tweet(text="one too many")
    assert err.value.response.json() == {
        "title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429,
    }
    assert err.value.reset_time == int(err.value.response.headers["x-rate-limit-reset"])
    assert err.value.response.headers["x-user-limit-24hour-limit"] == "17"
    assert len(sandbox.posts()) == 17


def test_legacy_429_body(make_sandbox) -> None:
    sandbox = make_sandbox(rate_limit_profile="free_legacy", legacy_rate_limit_body=True)
    client = x_client(sandbox.url)
    client.get_users_tweets(sandbox.app.options.credentials.x_user_id, user_auth=True)
    with pytest.raises(tweepy.TooManyRequests) as err:
        client.get_users_tweets(sandbox.app.options.credentials.x_user_id, user_auth=True)
    assert err.value.api_codes == [88]


def test_rate_limit_fault_sets_remaining_zero_until_reset(sandbox) -> None:
    sandbox.set_faults({"rate_limit": [{"network": "x", "path": "/2/tweets", "method": "POST", "reset_in": 120}]})
    client = x_client(sandbox.url)
    with pytest.raises(tweepy.TooManyRequests) as err:
        client.create_tweet(text="blocked")
    headers = err.value.response.headers
    assert headers["x-rate-limit-remaining"] == "0"
    assert 100 <= err.value.reset_time - time.time() <= 121
    assert client.get_me().data.username  # other endpoints are not limited
    assert sandbox.posts() == []


def test_daily_cap_refuses_while_window_has_room(make_sandbox) -> None:
    sandbox = make_sandbox(rate_limit_profile="basic_legacy")
    client = x_client(sandbox.url)
    # Use up the 24-hour cap (100) by moving the 15-minute window on between calls.
    key = f"{sandbox.app.options.credentials.x_user_id}|create_tweet"
    for i in range(100):
        client.create_tweet(text=f"harian {i}")
        sandbox.app.state.data["rate"][key]["start"] -= 901
    with pytest.raises(tweepy.TooManyRequests) as err:
        client.create_tweet(text="lewat batas harian")
    headers = err.value.response.headers
    assert headers["x-user-limit-24hour-remaining"] == "0"
    assert int(headers["x-rate-limit-remaining"]) > 0  # only the daily cap is spent
    assert len(sandbox.posts()) == 100
