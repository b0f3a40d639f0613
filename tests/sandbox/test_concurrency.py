"""The state lock: concurrent identical writes land once; logs never carry tokens."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import requests
import tweepy

from disseminator.sandbox import DEFAULT
from tests.sandbox.conftest import graph_api, x_client


def _post(base: str) -> int:
    try:
        x_client(base).create_tweet(text="hanya sekali")
    except tweepy.Forbidden:
        return 403
    return 201


def test_concurrent_duplicates_land_exactly_once(sandbox) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(_post, [sandbox.url] * 16))
    assert sorted(statuses) == [201] + [403] * 15
    assert len(sandbox.posts()) == 1


def test_concurrent_distinct_posts_get_distinct_increasing_ids(sandbox) -> None:
    def post(i: int) -> str:
        return graph_api(sandbox.url).put_object(DEFAULT.fb_page_id, "feed", message=f"pesan {i}")["id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(post, range(24)))
    assert len(set(ids)) == 24
    stored = [p["id"] for p in sandbox.posts()]
    assert sorted(stored, key=lambda i: int(i.split("_")[1])) == stored


def test_request_logs_do_not_carry_access_tokens(sandbox, caplog) -> None:
    canary = "canary-token-5f3a9"
    with caplog.at_level(logging.DEBUG, logger="disseminator.sandbox"):
        requests.get(f"{sandbox.url}/v21.0/me", params={"access_token": canary})
        requests.post(sandbox.url + "/_sandbox/tokens/revoke", json={"token": canary})
    # Both requests were logged (the one with the token in its query string too) ...
    assert any("GET /v21.0/me" in r.getMessage() for r in caplog.records), caplog.text
    assert any("POST /_sandbox/tokens/revoke" in r.getMessage() for r in caplog.records), caplog.text
    assert canary not in caplog.text  # ... without the token
