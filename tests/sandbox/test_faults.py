"""Fault injection: scripted errors, seeded 5xx, lost responses, latency, rate limits."""

from __future__ import annotations

import time

import facebook
import pytest
import requests
import tweepy

from disseminator.sandbox import DEFAULT
from tests.sandbox.conftest import graph_api, x_client

PAGE = DEFAULT.fb_page_id


def test_next_error_serves_count_then_recovers(sandbox) -> None:
    response = requests.post(
        sandbox.url + "/_sandbox/faults",
        json={"next": [{"network": "x", "path": "/2/tweets", "method": "POST", "status": 503, "count": 2}]},
    )
    assert response.status_code == 200 and response.json()["next"][0]["count"] == 2
    client = x_client(sandbox.url)
    for _ in range(2):
        with pytest.raises(tweepy.TwitterServerError):
            client.create_tweet(text="coba")
    assert client.create_tweet(text="coba").data["id"]
    assert requests.get(sandbox.url + "/_sandbox/faults").json()["next"][0]["count"] == 0


def test_next_error_for_graph_with_code(sandbox) -> None:
    sandbox.set_faults({"next": [{"network": "graph", "path": "*/feed", "graph_code": 2, "status": 500}]})
    graph = graph_api(sandbox.url)
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.put_object(PAGE, "feed", message="a")
    assert err.value.code == 2 and err.value.result["error"]["is_transient"] is True
    graph.put_object(PAGE, "feed", message="a")
    assert len(sandbox.posts()) == 1


def test_next_error_with_custom_body_and_glob_not_matching(sandbox) -> None:
    sandbox.set_faults({"next": [{"network": "x", "path": "/2/users/*", "status": 403, "body": {"errors": [{"code": 453, "message": "tier"}]}}]})
    client = x_client(sandbox.url)
    client.create_tweet(text="tidak terkena")  # path does not match
    with pytest.raises(tweepy.Forbidden) as err:
        client.get_me()
    assert err.value.api_codes == [453]


def _statuses(sandbox, n: int) -> list[int]:
    client = x_client(sandbox.url)
    return [_status(client) for _ in range(n)]


def _status(client: tweepy.Client) -> int:
    try:
        client.get_me()
    except tweepy.HTTPException as exc:
        return exc.response.status_code
    return 200


def test_error_rate_is_reproducible_with_seed(make_sandbox) -> None:
    one = make_sandbox(error_rate=0.5, seed=42)
    two = make_sandbox(error_rate=0.5, seed=42)
    first, second = _statuses(one, 30), _statuses(two, 30)
    assert first == second
    assert {200} < set(first) and set(first) <= {200, 500, 502, 503, 504}
    other = make_sandbox(error_rate=0.5, seed=43)
    assert _statuses(other, 30) != first


def test_error_rate_bodies_include_non_json(make_sandbox) -> None:
    sandbox = make_sandbox(error_rate=1.0, seed=1)
    kinds = set()
    for _ in range(20):
        response = requests.get(f"{sandbox.url}/v21.0/me", params={"access_token": DEFAULT.fb_page_token})
        assert response.status_code >= 500 and "Content-Type" in response.headers
        kinds.add(response.headers["Content-Type"].split(";")[0] if response.content else "empty")
    assert {"application/json", "text/html", "empty"} <= kinds


def test_lost_response_with_plain_requests(sandbox) -> None:
    sandbox.set_faults({"lose_response": {"network": "graph", "path": "*/feed", "count": 1}})
    with pytest.raises((requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        requests.post(f"{sandbox.url}/v21.0/{PAGE}/feed", data={"message": "hilang", "access_token": DEFAULT.fb_page_token}, timeout=5)
    assert [p["text"] for p in sandbox.posts()] == ["hilang"]  # the write landed
    ok = requests.post(f"{sandbox.url}/v21.0/{PAGE}/feed", data={"message": "kedua", "access_token": DEFAULT.fb_page_token})
    assert ok.status_code == 200


def test_lost_response_through_tweepy_stores_the_post(sandbox) -> None:
    sandbox.set_faults({"lose_response": [{"network": "x", "path": "/2/tweets", "count": 1}]})
    client = x_client(sandbox.url)
    with pytest.raises(requests.ConnectionError):
        client.create_tweet(text="terkirim tapi tanpa jawaban")
    assert [p["text"] for p in sandbox.posts()] == ["terkirim tapi tanpa jawaban"]
    # The retry is now a duplicate, which is what reconciliation has to handle.
    with pytest.raises(tweepy.Forbidden):
        client.create_tweet(text="terkirim tapi tanpa jawaban")


def test_latency_delays_network_calls_only(sandbox) -> None:
    sandbox.set_faults({"latency_ms": 120})
    started = time.monotonic()
    response = requests.get(f"{sandbox.url}/v21.0/me", params={"access_token": DEFAULT.fb_page_token})
    assert time.monotonic() - started >= 0.12  # a lower bound only: sleep never returns early
    assert response.headers["x-sandbox-latency-ms"] == "120"
    assert "x-sandbox-latency-ms" not in requests.get(sandbox.url + "/_sandbox/health").headers


def test_graph_rate_limit_fault(sandbox) -> None:
    sandbox.set_faults({"rate_limit": [{"network": "graph", "reset_in": 300, "graph_code": 32}]})
    with pytest.raises(facebook.GraphAPIError) as err:
        graph_api(sandbox.url).put_object(PAGE, "feed", message="x")
    assert err.value.code == 32
    sandbox.set_faults({"rate_limit": [{"network": "graph", "reset_in": 300}]})
    response = requests.get(f"{sandbox.url}/v21.0/me", params={"access_token": DEFAULT.fb_page_token})
    assert response.json()["error"]["code"] == 80001
    assert "estimated_time_to_regain_access" in response.headers["X-Business-Use-Case-Usage"]


@pytest.mark.parametrize(
    ("style", "content_type", "starts"),
    [
        ("html", "text/html", b"<html>"),
        ("empty", "text/html", b""),
        ("json_no_error", "application/json", b'{"message":'),
        ("truncated", "application/json", b'{"error": {"message": "Serv'),
        ("no_content_type", None, b"502 Bad Gateway"),
    ],
)
def test_odd_answer_styles(sandbox, style: str, content_type: str | None, starts: bytes) -> None:
    sandbox.set_faults({"next": [{"network": "graph", "path": "*/feed", "status": 502, "style": style}]})
    response = requests.post(f"{sandbox.url}/v21.0/{PAGE}/feed", data={"message": "a", "access_token": DEFAULT.fb_page_token})
    assert response.status_code == 502 and response.content.startswith(starts)
    assert (response.headers.get("Content-Type") or "").split(";")[0] == (content_type or "")
    if style == "truncated":
        assert response.content == starts  # cut off: not parseable JSON
    assert sandbox.posts() == []  # an odd answer instead of the handler: nothing was written


def test_what_facebook_sdk_does_with_odd_answers(sandbox) -> None:
    """The SDK's own behaviour, which the Graph channel's mapping has to make up for."""
    graph = graph_api(sandbox.url)
    sandbox.set_faults({"next": [{"network": "graph", "path": "*/feed", "status": 500, "style": "json_no_error"}]})
    assert graph.put_object(PAGE, "feed", message="a") == {"message": "Internal Server Error, try again later"}  # no raise
    sandbox.set_faults({"next": [{"network": "graph", "path": "*/feed", "status": 502, "style": "html"}]})
    with pytest.raises(facebook.GraphAPIError, match="Maintype"):
        graph.put_object(PAGE, "feed", message="a")
    sandbox.set_faults({"next": [{"network": "graph", "path": "*/feed", "status": 502, "style": "no_content_type"}]})
    with pytest.raises(KeyError):
        graph.put_object(PAGE, "feed", message="a")
    sandbox.set_faults({"next": [{"network": "graph", "path": "*/feed", "status": 200, "style": "truncated"}]})
    with pytest.raises(ValueError):
        graph.put_object(PAGE, "feed", message="a")


@pytest.mark.parametrize(
    "doc",
    [{"bogus": 1}, {"error_rate": 2}, {"next": [{"status": 500, "style": "teapot"}]}, {"next": [{"network": "mars", "status": 500}]}, {"next": [{"path": "/x"}]}, ["not", "an", "object"],
     {"next": [{"status": 500, "count": "many"}]}, {"rate_limit": [{"reset_in": "soon"}]}],
)
def test_bad_fault_documents_are_400(sandbox, doc) -> None:
    response = requests.post(sandbox.url + "/_sandbox/faults", json=doc)
    assert response.status_code == 400 and response.json()["error"]


def test_reset_clears_posts_and_faults(sandbox) -> None:
    x_client(sandbox.url).create_tweet(text="sebelum reset")
    sandbox.set_faults({"latency_ms": 5})
    assert requests.post(sandbox.url + "/_sandbox/reset").status_code == 200
    assert sandbox.posts() == [] and requests.get(sandbox.url + "/_sandbox/faults").json()["latency_ms"] == 0
    x_client(sandbox.url).create_tweet(text="sebelum reset")  # no longer a duplicate
