"""Bluesky's documented XRPC error bodies, mapped once into the channel error tree."""

from __future__ import annotations

import datetime as dt

import pytest

from channels.bluesky import write_pace
from channels.bluesky_errors import xrpc_error
from channels.errors import AuthError, Duplicate, RateLimited, Rejected, Transient
from channels.redact import Redactor

RESET = 1_900_000_000


@pytest.mark.parametrize(
    ("status", "body", "create", "kind", "code"),
    [
        (400, {"error": "InvalidRequest", "message": "Input/text must not be longer than 300 graphemes"}, True,
         Rejected, "InvalidRequest"),
        (400, {"error": "ExpiredToken", "message": "Token has expired"}, False, AuthError, "ExpiredToken"),
        (400, {"error": "InvalidToken", "message": "Token could not be verified"}, False, AuthError, "InvalidToken"),
        (401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}, False, AuthError,
         "AuthenticationRequired"),
        (401, {"error": "AuthMissing", "message": "Authentication Required"}, False, AuthError, "AuthMissing"),
        (400, {"error": "AccountTakedown", "message": "Account has been taken down"}, False, AuthError,
         "AccountTakedown"),
        (403, b"", False, AuthError, None),
        (429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, True, RateLimited, "RateLimitExceeded"),
        (400, {"error": "InvalidRequest", "message": "Record already exists: at://did:plc:x/app.bsky.feed.post/3k"},
         True, Duplicate, "InvalidRequest"),
        (400, {"error": "InvalidRequest", "message": "Record already exists"}, False, Rejected, "InvalidRequest"),
        (409, b"", True, Duplicate, None),
        (400, {"error": "RecordNotFound", "message": "Could not locate record"}, False, Rejected, "RecordNotFound"),
        (400, {"error": "BlobTooLarge", "message": "This file is too large."}, False, Rejected, "BlobTooLarge"),
        (500, {"error": "InternalServerError", "message": "Internal Server Error"}, True, Transient,
         "InternalServerError"),
        (502, b"<html>Bad Gateway</html>", True, Transient, None),
        (503, {"error": "NotEnoughResources", "message": "busy"}, True, Transient, "NotEnoughResources"),
        (200, b"not json", True, Transient, None),
    ],
)
def test_documented_bodies_map_to_one_kind(status: int, body: object, create: bool, kind: type, code: str | None) -> None:
    headers = {"ratelimit-reset": str(RESET)} if status == 429 else {}
    err = xrpc_error(status, headers, body, write=True, create=create, expected="uri")
    assert type(err) is kind and err.code == code and err.http_status == status and err.message
    if kind is Transient:
        assert err.may_have_landed  # a write whose answer failed: reconcile before writing again
    if kind is RateLimited:
        assert err.retry_at == dt.datetime.fromtimestamp(RESET, dt.timezone.utc)


def test_secrets_never_reach_the_message() -> None:
    body = {"error": "InvalidRequest", "message": "bad password abcd-efgh-ijkl-mnop"}
    err = xrpc_error(400, {}, body, write=False, redactor=Redactor(["abcd-efgh-ijkl-mnop"]))
    assert "abcd-efgh-ijkl-mnop" not in err.message and "***" in err.message


def test_pace_counts_posts_of_three_points() -> None:
    assert write_pace({}) is None
    assert write_pace({"ratelimit-remaining": "4999", "ratelimit-limit": "5000"}).remaining == 1666  # type: ignore[union-attr]
    spent = write_pace({"ratelimit-remaining": "2", "ratelimit-limit": "5000", "ratelimit-reset": str(RESET)})
    assert spent is not None and spent.exhausted and spent.until == dt.datetime.fromtimestamp(RESET, dt.timezone.utc)
