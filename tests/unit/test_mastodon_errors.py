"""Mastodon's documented error answers ({"error": "..."} with 401, 403, 404, 422, 429,
5xx; docs.joinmastodon.org/entities/Error and /api/rate-limits) mapped into the tree."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests

from channels.base import AuthError, RateLimited, Rejected, Transient
from channels.clock import FakeClock
from channels.mastodon_errors import mastodon_error, reset_at
from channels.redact import Redactor

NOW = dt.datetime(2026, 11, 29, 8, 0, tzinfo=dt.timezone.utc)


def answer(status: int, body: object = None, *, headers: dict[str, str] | None = None, raw: bytes | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = raw if raw is not None else json.dumps(body).encode()
    response.headers.update({"Content-Type": "application/json; charset=utf-8", **(headers or {})})
    return response


@pytest.mark.parametrize(("status", "body", "kind", "message"), [
    (401, {"error": "The access token is invalid"}, AuthError, "The access token is invalid"),
    (401, {"error": "invalid_token", "error_description": "The access token was revoked"}, AuthError,
     "invalid_token: The access token was revoked"),
    (403, {"error": "Your login is currently disabled"}, AuthError, "Your login is currently disabled"),
    (403, {"error": "This action is not allowed"}, AuthError, "This action is not allowed"),
    (404, {"error": "Record not found"}, Rejected, "Record not found"),
    (404, {"error": "The post you are trying to reply to does not appear to exist."}, Rejected, "does not appear"),
    (422, {"error": "Validation failed: Text character limit of 500 exceeded"}, Rejected, "character limit"),
    (422, {"error": "Cannot attach files that have not finished processing. Try again in a moment!"}, Rejected,
     "not finished processing"),
    (500, {"error": "Internal server error"}, Transient, "Internal server error"),
    (503, {"error": "There was a temporary problem serving your request, please try again"}, Transient, "temporary"),
])
def test_documented_bodies(status: int, body: object, kind: type, message: str) -> None:
    error = mastodon_error(answer(status, body), write=True)
    assert type(error) is kind and message in error.message and error.http_status == status
    if kind is Transient:
        assert error.may_have_landed  # type: ignore[attr-defined]


def test_429_waits_until_the_iso_reset() -> None:
    error = mastodon_error(answer(429, {"error": "Too many requests"},
                                  headers={"X-RateLimit-Reset": "2026-11-29T08:05:00.123456Z"}), write=True)
    assert isinstance(error, RateLimited)
    assert error.retry_at == dt.datetime(2026, 11, 29, 8, 5, 0, 123456, tzinfo=dt.timezone.utc)


def test_429_without_a_reset_waits_five_minutes() -> None:
    error = mastodon_error(answer(429, {"error": "Too many requests"}), write=True, clock=FakeClock(NOW))
    assert isinstance(error, RateLimited) and error.retry_at == NOW + dt.timedelta(minutes=5)


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-11-29T08:05:00.000Z", dt.datetime(2026, 11, 29, 8, 5, tzinfo=dt.timezone.utc)),
    ("1795939200", dt.datetime.fromtimestamp(1795939200, dt.timezone.utc)),  # GoToSocial-style seconds
    ("soon", None),
    ("", None),
])
def test_reset_header_forms(raw: str, expected: dt.datetime | None) -> None:
    assert reset_at({"X-RateLimit-Reset": raw} if raw else {}) == expected


def test_an_html_gateway_page_is_transient_and_may_have_landed() -> None:
    error = mastodon_error(answer(502, raw=b"<html><body>Bad Gateway</body></html>",
                                  headers={"Content-Type": "text/html"}), write=True)
    assert isinstance(error, Transient) and error.may_have_landed and "HTML" in error.message


def test_a_2xx_without_the_status_may_have_landed() -> None:
    error = mastodon_error(answer(200, {"unexpected": True}), write=True, expected="id")
    assert isinstance(error, Transient) and error.may_have_landed and "id" in error.message


def test_a_read_never_landed() -> None:
    assert not mastodon_error(answer(503, {"error": "down"}), write=False).may_have_landed  # type: ignore[attr-defined]


def test_transport_failures_under_mastodon_py_are_judged_by_type() -> None:
    from mastodon import MastodonNetworkError

    def wrapped(exc: Exception) -> Exception:
        try:
            try:
                raise exc
            except Exception as inner:
                raise MastodonNetworkError(f"Could not complete request: {inner}")
        except MastodonNetworkError as outer:
            return outer

    refused = mastodon_error(None, wrapped(requests.ConnectTimeout("connect timed out")), write=True)
    assert isinstance(refused, Transient) and not refused.may_have_landed
    dropped = mastodon_error(None, wrapped(requests.ConnectionError("Connection aborted")), write=True)
    assert isinstance(dropped, Transient) and dropped.may_have_landed


def test_the_token_never_reaches_the_message() -> None:
    error = mastodon_error(answer(401, {"error": "token s3cr3t-token is invalid"}), write=False,
                           redactor=Redactor(["s3cr3t-token"]))
    assert "s3cr3t-token" not in error.message
