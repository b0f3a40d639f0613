"""Table tests of the two error mappings (channels/x_errors.py, channels/graph_errors.py)
and of what a transport exception means for a write (channels/http.py never_sent).

The answers are built as ``requests.Response`` objects, the exceptions as requests and
urllib3 raise them, so no network is involved; the sandbox tests in
tests/contract/test_error_codes.py send the same shapes over the wire.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
from typing import Any

import pytest
import requests
import urllib3.exceptions
from requests.structures import CaseInsensitiveDict

from channels.base import AuthError, Duplicate, RateLimited, Rejected, Spent, Transient
from channels.clock import FakeClock
from channels.graph_errors import graph_error, regain_at
from channels.http import describe, is_transport, never_sent
from channels.redact import Redactor
from channels.x_errors import retry_at, x_error

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone.utc)
RESET = int((NOW + dt.timedelta(minutes=7)).timestamp())
DAY_RESET = int((NOW + dt.timedelta(hours=20)).timestamp())
HTML = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def answer(status: int, body: Any = None, *, headers: dict[str, str] | None = None,
           content_type: str | None = "application/json; charset=utf-8") -> requests.Response:
    """A response as requests builds it: status, headers, raw body bytes."""
    response = requests.Response()
    response.status_code = status
    response.reason = http.client.responses.get(status, "")
    raw = body if isinstance(body, (str, bytes)) else (b"" if body is None else json.dumps(body))
    response._content = raw.encode() if isinstance(raw, str) else raw
    response.headers = CaseInsensitiveDict(headers or {})
    if content_type is not None:
        response.headers.setdefault("Content-Type", content_type)
    response.encoding = "utf-8"
    response.url = "https://api.x.com/2/tweets"
    return response


def refused() -> requests.ConnectionError:
    reason = urllib3.exceptions.NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")  # type: ignore[arg-type]
    return requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/2/tweets", reason))  # type: ignore[arg-type]


def unknown_host() -> requests.ConnectionError:
    error = getattr(urllib3.exceptions, "NameResolutionError", urllib3.exceptions.NewConnectionError)
    reason = error("api.x.com", None, OSError("Name or service not known"))  # type: ignore[arg-type, call-arg]
    return requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/2/tweets", reason))  # type: ignore[arg-type]


def dropped() -> requests.ConnectionError:
    """What requests raises when the server closes the connection after the request."""
    cause = http.client.RemoteDisconnected("Remote end closed connection without response")
    return requests.ConnectionError(urllib3.exceptions.ProtocolError("Connection aborted.", cause))


def reset() -> requests.ConnectionError:
    return requests.ConnectionError(urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")))


def connect_timeout() -> requests.ConnectTimeout:
    reason = urllib3.exceptions.ConnectTimeoutError(None, "timed out")  # type: ignore[arg-type]
    return requests.ConnectTimeout(urllib3.exceptions.MaxRetryError(None, "/2/tweets", reason))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- transport

TRANSPORT = [
    # (exception, never sent, words in the description)
    (connect_timeout(), True, "timed out connecting"),
    (refused(), True, "connection refused"),
    (unknown_host(), True, "host name not found"),
    (requests.exceptions.SSLError("handshake"), True, "TLS"),
    (requests.exceptions.InvalidURL("bad"), True, "InvalidURL"),
    (requests.ReadTimeout("read timed out"), False, "no answer in time"),
    (dropped(), False, "connection dropped"),
    (reset(), False, "connection dropped"),
    (requests.exceptions.ChunkedEncodingError("cut"), False, "cut off"),
    (requests.RequestException("something else"), False, "RequestException"),
]


@pytest.mark.parametrize(("exc", "unsent", "words"), TRANSPORT, ids=[type(t[0]).__name__ + "-" + t[2] for t in TRANSPORT])
def test_a_write_may_have_landed_unless_the_type_says_it_was_never_sent(exc: Exception, unsent: bool, words: str) -> None:
    assert never_sent(exc) is unsent
    assert words in describe(exc)
    for mapping in (x_error, graph_error):
        err = mapping(None, exc, write=True)
        assert isinstance(err, Transient) and err.may_have_landed is (not unsent)
        assert mapping(None, exc, write=False).may_have_landed is False  # a read never lands


def test_the_message_text_of_an_exception_does_not_decide() -> None:
    # A refused connection whose message says "timed out", and a drop whose message says
    # "Connection refused": the types decide, not the words.
    liar = requests.ConnectionError(urllib3.exceptions.ProtocolError("Connection refused (NewConnectionError)", None))
    assert never_sent(liar) is False
    quiet = requests.ConnectionError(urllib3.exceptions.MaxRetryError(
        None, "/", urllib3.exceptions.NewConnectionError(None, "read timed out")))  # type: ignore[arg-type]
    assert never_sent(quiet) is True


def test_unreadable_json_is_an_answer_not_a_transport_failure() -> None:
    assert not is_transport(requests.exceptions.JSONDecodeError("Expecting value", "<html>", 0))
    assert is_transport(dropped())


# --------------------------------------------------------------------------- X

DUPLICATE = {"detail": "You are not allowed to create a Tweet with duplicate content.", "type": "about:blank",
             "title": "Forbidden", "status": 403}
X_TABLE = [
    # (status, body, content type, kind, may_have_landed on a write, code)
    (400, {"errors": [{"message": "Your Tweet text is too long."}], "title": "Invalid Request"}, "json", Rejected, None, None),
    (401, {"title": "Unauthorized", "detail": "Unauthorized", "type": "about:blank", "status": 401}, "json", AuthError, None, None),
    # Pay-per-use credits used up: the account holds (a budget), the post is never failed.
    (402, {"title": "Payment Required", "detail": "credits depleted"}, "json", Spent, None, None),
    (403, DUPLICATE, "json", Duplicate, None, None),
    (403, {"errors": [{"message": "limited v1.1", "code": 453}], "title": "Forbidden", "detail": "Forbidden"}, "json", AuthError, None, "453"),
    (403, {"type": "https://api.x.com/2/problems/client-forbidden", "detail": "no"}, "json", AuthError, None, "client-forbidden"),
    (403, {"type": "https://api.x.com/2/problems/usage-capped", "detail": "cap"}, "json", RateLimited, None, "usage-capped"),
    (403, {"detail": "Reply to this conversation is not allowed", "type": "about:blank"}, "json", Rejected, None, None),
    (404, {"title": "Not Found Error", "detail": "Sorry"}, "json", Rejected, None, None),
    (408, HTML, "text/html", Transient, True, None),
    (429, {"title": "Too Many Requests", "detail": "Too Many Requests"}, "json", RateLimited, None, None),
    (500, {"title": "Internal Server Error", "detail": "Something is broken."}, "json", Transient, True, None),
    (502, HTML, "text/html", Transient, True, None),
    (503, "", "text/html", Transient, True, None),
    (504, '{"title": "Gateway Ti', "json", Transient, True, None),
    (200, HTML, "text/html", Transient, True, None),
    (200, {"data": {}}, "json", Transient, True, None),
    (201, '{"data": {"id": "19', "json", Transient, True, None),
]


@pytest.mark.parametrize(("status", "body", "ctype", "kind", "landed", "code"), X_TABLE,
                         ids=[f"{t[0]}-{t[3].__name__}-{i}" for i, t in enumerate(X_TABLE)])
def test_x_answers(status: int, body: Any, ctype: str, kind: type, landed: bool | None, code: str | None) -> None:
    content_type = "application/json; charset=utf-8" if ctype == "json" else ctype
    err = x_error(answer(status, body, content_type=content_type), write=True, clock=FakeClock(NOW), expected="data.id")
    assert type(err) is kind
    assert err.http_status == status
    assert err.message and "<html" not in err.message  # the page is described, never pasted
    if landed is not None:
        assert isinstance(err, Transient) and err.may_have_landed is landed
    if code is not None:
        assert err.code == code


def test_x_tweepy_exception_alone_is_enough() -> None:
    import tweepy

    exc = tweepy.Forbidden(answer(403, DUPLICATE))
    assert isinstance(x_error(None, exc, write=True), Duplicate)


def test_x_5xx_on_a_read_never_landed() -> None:
    err = x_error(answer(503, HTML, content_type="text/html"), write=False)
    assert isinstance(err, Transient) and not err.may_have_landed and err.http_status == 503


def test_x_rate_limit_reset_comes_from_the_headers_of_the_answer() -> None:
    headers = {"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(RESET),
               "x-app-limit-24hour-limit": "1667", "x-app-limit-24hour-remaining": "5", "x-app-limit-24hour-reset": str(DAY_RESET)}
    err = x_error(answer(429, {"title": "Too Many Requests"}, headers=headers), write=True)
    assert isinstance(err, RateLimited) and err.retry_at == NOW + dt.timedelta(minutes=7)
    # The app's daily cap exhausted too: the later reset wins.
    headers["x-app-limit-24hour-remaining"] = "0"
    err = x_error(answer(429, {"title": "Too Many Requests"}, headers=headers), write=True)
    assert isinstance(err, RateLimited) and err.retry_at == NOW + dt.timedelta(hours=20)


def test_x_usage_cap_waits_for_the_daily_reset_or_a_day_on_the_clock() -> None:
    capped = {"type": "https://api.x.com/2/problems/usage-capped", "detail": "cap"}
    clock = FakeClock(NOW)
    plain = x_error(answer(403, capped), write=True, clock=clock)
    assert isinstance(plain, RateLimited) and plain.retry_at == NOW + dt.timedelta(hours=24)
    headers = {"x-user-limit-24hour-remaining": "0", "x-user-limit-24hour-reset": str(DAY_RESET)}
    told = x_error(answer(403, capped, headers=headers), write=True, clock=clock)
    assert isinstance(told, RateLimited) and told.retry_at == NOW + dt.timedelta(hours=20)


def test_retry_at_ignores_limits_that_are_not_exhausted() -> None:
    headers = {"x-rate-limit-remaining": "3", "x-rate-limit-reset": str(RESET)}
    assert retry_at(answer(429, {}, headers=headers)) is None


def test_x_messages_are_redacted() -> None:
    secret = "a+b/c=d&e%f-TOKEN"
    body = {"errors": [{"message": f"bad token {secret}"}, {"message": "bad url ?oauth_token=a%2Bb%2Fc%3Dd%26e%25f-TOKEN"}]}
    err = x_error(answer(400, body), write=True, redactor=Redactor([secret]))
    assert "TOKEN" not in err.message and "***" in err.message


# --------------------------------------------------------------------------- Graph

def graph_body(code: int, subcode: int | None = None, **extra: Any) -> dict[str, Any]:
    error: dict[str, Any] = {"message": f"(#{code}) something", "type": "OAuthException", "code": code,
                             "fbtrace_id": "Ab12", **extra}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


GRAPH_TABLE = [
    # (status, body, kind, may_have_landed on a write)
    (500, graph_body(1, is_transient=True), Transient, True),
    (503, graph_body(2, is_transient=True), Transient, True),
    (400, graph_body(9007, 2207027), Transient, False),  # not ready: nothing was published
    (400, graph_body(4), RateLimited, None),
    (400, graph_body(80001), RateLimited, None),
    (400, graph_body(506, 1455006), Duplicate, None),
    (400, graph_body(190, 463), AuthError, None),
    (403, graph_body(200), AuthError, None),
    (400, graph_body(368), AuthError, None),
    (400, graph_body(4, 2207051), AuthError, None),
    (400, graph_body(100), Rejected, None),
    (400, graph_body(36003, 2207009), Rejected, None),
    (400, {"error": {"message": "odd", "code": "abc"}}, Rejected, None),
    # Odd answers: facebook-sdk returned these as success or raised something unhelpful.
    (500, {"message": "Internal error"}, Transient, True),  # was KeyError: 'id'
    (502, HTML, Transient, True),  # was "Maintype was not text, image, or querystring"
    (503, "", Transient, True),
    (500, '{"error": {"code": 1, "mess', Transient, True),
    (429, HTML, RateLimited, None),
    (404, HTML, Rejected, None),
    (200, {"success": True}, Transient, True),  # a 2xx without the id
    (200, HTML, Transient, True),
]


@pytest.mark.parametrize(("status", "body", "kind", "landed"), GRAPH_TABLE,
                         ids=[f"{t[0]}-{t[2].__name__}-{i}" for i, t in enumerate(GRAPH_TABLE)])
def test_graph_answers(status: int, body: Any, kind: type, landed: bool | None) -> None:
    content_type = "text/html; charset=utf-8" if isinstance(body, str) and body.startswith("<") else "application/json; charset=UTF-8"
    err = graph_error(answer(status, body, content_type=content_type), write=True, expected="id", clock=FakeClock(NOW))
    assert type(err) is kind
    assert err.http_status == status and err.message
    assert "<html" not in err.message
    if landed is not None:
        assert isinstance(err, Transient) and err.may_have_landed is landed
    if isinstance(body, dict) and isinstance(body.get("error"), dict) and isinstance(body["error"].get("code"), int):
        assert str(body["error"]["code"]) in (err.code or "")


def test_graph_sdk_exception_alone_is_enough() -> None:
    import facebook

    err = graph_error(None, facebook.GraphAPIError(graph_body(506, 1455006)), write=True)
    assert isinstance(err, Duplicate) and err.code == "506/1455006"
    odd = graph_error(None, facebook.GraphAPIError("Maintype was not text, image, or querystring"), write=True)
    assert isinstance(odd, Transient) and odd.may_have_landed


def test_graph_rate_limit_waits_for_the_networks_estimate() -> None:
    clock = FakeClock(NOW)
    usage = {"X-Business-Use-Case-Usage": json.dumps({"100000000000001": [
        {"type": "pages", "call_count": 100, "total_cputime": 20, "total_time": 30, "estimated_time_to_regain_access": 42}]})}
    err = graph_error(answer(400, graph_body(80001), headers=usage), write=True, clock=clock)
    assert isinstance(err, RateLimited) and err.retry_at == NOW + dt.timedelta(minutes=42)
    app = {"X-App-Usage": json.dumps({"call_count": 100, "estimated_time_to_regain_access": 9})}
    assert regain_at(app, clock) == NOW + dt.timedelta(minutes=9)
    guess = graph_error(answer(400, graph_body(4)), write=True, clock=clock)
    assert isinstance(guess, RateLimited) and guess.retry_at == NOW + dt.timedelta(minutes=15)


def test_instagram_daily_quota_keeps_its_24_hours_whatever_the_call_budget_says() -> None:
    clock = FakeClock(NOW)
    usage = {"X-Business-Use-Case-Usage": json.dumps({"1": [{"estimated_time_to_regain_access": 5}]})}
    err = graph_error(answer(400, graph_body(9, 2207042), headers=usage), write=True, clock=clock)
    assert isinstance(err, RateLimited) and err.retry_at == NOW + dt.timedelta(hours=24)


def test_graph_messages_are_redacted() -> None:
    token = "EAAB/x+y=z&w%v"
    body = graph_body(190, 463, message=f"Error validating access token {token}")
    err = graph_error(answer(400, body), write=False, redactor=Redactor([token]))
    assert token not in err.message and "***" in err.message
