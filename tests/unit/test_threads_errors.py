"""Threads API answers mapped into the error tree (channels/threads_errors.py), from the
shapes Meta documents and reports for graph.threads.net: Graph's error object with
``type`` THApiException (restfb/restfb#1502), 24/4279009 "Media Not Found" for a container
threads_publish cannot see yet (gitroomhq/postiz-app#2047), the link limit
(docs/threads/create-posts/text-attachments), token errors 190."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import requests

from channels.base import AuthError, RateLimited, Rejected, Transient
from channels.clock import FakeClock
from channels.redact import Redactor
from channels.threads_errors import threads_error
from tests.unit.test_error_mapping import HTML, answer

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone.utc)


def th_error(code: int, message: str, subcode: int | None = None, **extra: Any) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message, "type": "THApiException", "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": {**error, **extra, "fbtrace_id": "AbCdEfGhIjK"}}


GONE = "Unsupported get request. Object with ID '1234567' does not exist, cannot be loaded due to missing permissions, " \
       "or does not support this operation"
TABLE = [
    # status, body, write, kind, may_have_landed, code
    (400, th_error(100, GONE, 33), False, Rejected, None, "100/33"),
    (400, th_error(24, "The requested resource does not exist", 4279009,
                   error_user_msg="Media Not Found: The media with id 17950000000000001 cannot be found."),
     True, Transient, False, "24/4279009"),
    (400, th_error(100, "THREADS_API__LINK_LIMIT_EXCEEDED: the post has more than 5 links."), False, Rejected, None, "100"),
    (400, th_error(100, "Tried accessing nonexisting field (status)"), False, Rejected, None, "100"),
    (400, th_error(190, "Invalid OAuth access token - Cannot parse access token"), True, AuthError, None, "190"),
    (400, th_error(190, "Error validating access token: Session has expired.", 463), True, AuthError, None, "190/463"),
    (403, th_error(10, "(#10) The user has not granted the threads_content_publish permission"), True, AuthError,
     None, "10"),
    (400, th_error(4, "(#4) Application request limit reached"), True, RateLimited, None, "4"),
    (500, th_error(1, "An unknown error occurred", is_transient=True), True, Transient, True, "1"),
    (503, th_error(2, "An unexpected error has occurred. Please retry your request later.", is_transient=True), False,
     Transient, False, "2"),
    (502, HTML, True, Transient, True, None),
    (200, {"success": True}, True, Transient, True, None),  # a 2xx without the id: may have landed
]


@pytest.mark.parametrize(("status", "body", "write", "kind", "landed", "code"), TABLE,
                         ids=["gone", "container-not-found", "links", "field", "token", "expired", "permission",
                              "limit", "500", "503-read", "html", "no-id"])
def test_threads_answers(status: int, body: Any, write: bool, kind: type, landed: bool | None, code: str | None) -> None:
    ctype = "text/html" if isinstance(body, str) else "application/json; charset=UTF-8"
    err = threads_error(answer(status, body, content_type=ctype), None, write=write, clock=FakeClock(NOW),
                        expected="id" if status == 200 else None)
    assert type(err) is kind
    assert err.code == code
    if landed is not None:
        assert isinstance(err, Transient) and err.may_have_landed is landed


def test_a_rate_limit_waits_for_the_minutes_meta_gives() -> None:
    usage = json.dumps({"call_count": 100, "total_cputime": 100, "total_time": 100,
                        "estimated_time_to_regain_access": 9})
    err = threads_error(answer(400, th_error(4, "(#4) Application request limit reached"),
                               headers={"X-App-Usage": usage}), None, write=True, clock=FakeClock(NOW))
    assert isinstance(err, RateLimited) and err.retry_at == NOW + dt.timedelta(minutes=9)


def test_a_lost_publish_may_have_landed_and_a_refused_connection_did_not() -> None:
    lost = requests.ConnectionError("Connection aborted.")
    assert threads_error(None, lost, write=True).may_have_landed is True  # type: ignore[attr-defined]
    assert threads_error(None, requests.ConnectTimeout("connect"), write=True).may_have_landed is False  # type: ignore[attr-defined]


def test_the_token_never_reaches_the_message() -> None:
    body = th_error(100, "Invalid parameter access_token=sekret-threads-token")
    err = threads_error(answer(400, body), None, write=False, redactor=Redactor(["sekret-threads-token"]))
    assert "sekret-threads-token" not in err.message


def test_insights_read_into_the_common_names() -> None:
    from channels.engagement import from_threads

    answer = {"data": [{"name": n, "period": "lifetime", "values": [{"value": v}], "id": f"1/insights/{n}/lifetime"}
                       for n, v in (("views", 900), ("likes", 40), ("replies", 7), ("reposts", 3), ("quotes", 2))]}
    assert from_threads(answer) == {"views": 900, "likes": 40, "comments": 7, "quotes": 2, "shares": 5}
    assert from_threads({"data": []}) == {}  # a figure not given is left out, never 0
