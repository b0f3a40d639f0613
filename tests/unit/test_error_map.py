"""The part every network's error mapping shares (channels/error_map.py): the table of an
answer read by its status alone, what a call without an answer becomes, and the one
signature that hands a network its :class:`Failure`.

Each network's own codes are tested in test_error_mapping.py (X, Graph),
test_threads_errors.py, test_mastodon_errors.py, test_telegram.py and
test_bluesky_errors.py; these tests hold the shared rules so that every network keeps them.
"""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from channels.base import AuthError, ChannelError, RateLimited, Rejected, Transient
from channels.clock import FakeClock
from channels.error_map import ErrorMapping, Failure, by_status, describe_body
from channels.graph_errors import graph_error
from channels.mastodon_errors import mastodon_error
from channels.redact import Redactor
from channels.telegram_errors import telegram_error
from channels.threads_errors import threads_error
from channels.x_errors import x_error
from tests.unit.test_error_mapping import HTML, answer

NOW = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.timezone.utc)
LATER = NOW + dt.timedelta(minutes=9)
SECRET = "s3cr3t-account-token"
MAPPINGS = {"x": x_error, "graph": graph_error, "threads": threads_error, "mastodon": mastodon_error,
            "telegram": telegram_error}


@pytest.mark.parametrize(("status", "kind", "landed"), [
    (200, Transient, True), (204, Transient, True), (500, Transient, True), (503, Transient, True),
    (408, Transient, True), (425, Transient, True), (429, RateLimited, None), (401, AuthError, None),
    (403, AuthError, None), (400, Rejected, None), (404, Rejected, None), (410, Rejected, None),
    (422, Rejected, None),
])
def test_an_answer_read_by_its_status_alone(status: int, kind: type, landed: bool | None) -> None:
    asked: list[int] = []

    def retry_at() -> dt.datetime:
        asked.append(status)
        return LATER

    error = by_status(status, "what came back", write=True, retry_at=retry_at, code="c")
    assert type(error) is kind
    assert (error.message, error.http_status, error.code) == ("what came back", status, "c")
    assert getattr(error, "may_have_landed", None) is landed
    assert asked == ([429] if status == 429 else [])  # the reset is read only for a 429
    if isinstance(error, RateLimited):
        assert error.retry_at == LATER


def test_a_read_never_lands_and_the_statuses_of_a_person_are_the_networks() -> None:
    assert by_status(502, "m", write=False, retry_at=lambda: None).may_have_landed is False  # type: ignore[attr-defined]
    assert isinstance(by_status(404, "m", write=False, retry_at=lambda: None, auth=(401, 403, 404)), AuthError)
    assert isinstance(by_status(403, "m", write=False, retry_at=lambda: None, auth=(401,)), Rejected)
    assert by_status(429, "m", write=False, retry_at=lambda: None).retry_at is None  # type: ignore[attr-defined]


@pytest.mark.parametrize("network", sorted(MAPPINGS))
@pytest.mark.parametrize(("exc", "landed"), [
    (requests.ReadTimeout("read timed out"), True),
    (requests.ConnectionError("Connection aborted"), True),
    (requests.ConnectTimeout("connect timed out"), False),
])
def test_no_answer_is_transient_and_a_write_is_in_doubt_unless_it_never_left(
    network: str, exc: requests.RequestException, landed: bool,
) -> None:
    write = MAPPINGS[network](None, exc, write=True)
    read = MAPPINGS[network](None, exc, write=False)
    assert isinstance(write, Transient) and isinstance(read, Transient)
    assert write.may_have_landed is landed and read.may_have_landed is False
    assert write.message.startswith("network unreachable") and write.http_status is None


@pytest.mark.parametrize("network", sorted(MAPPINGS))
def test_every_network_reads_an_answer_without_its_error_object_by_the_same_table(network: str) -> None:
    mapping = MAPPINGS[network]
    clock = FakeClock(NOW)
    for status, kind in [(502, Transient), (408, Transient), (429, RateLimited), (401, AuthError), (400, Rejected)]:
        error = mapping(answer(status, HTML, content_type="text/html"), write=True, clock=clock)
        assert type(error) is kind, (network, status)
        assert error.http_status == status and "HTML" in error.message
        if isinstance(error, RateLimited) and network != "x":  # X without its headers names no time:
            assert error.retry_at is not None and error.retry_at > NOW  # the retry policy's wait applies
    odd = mapping(answer(200, {"unexpected": True}), write=True, clock=clock, expected="id")
    assert isinstance(odd, Transient) and odd.may_have_landed and "id" in odd.message


def test_the_mapping_hands_the_network_one_failure_with_every_argument() -> None:
    seen: list[Failure] = []

    def network(failure: Failure) -> ChannelError:
        seen.append(failure)
        return Rejected(failure.hide(f"{failure.body}"))

    mapping = ErrorMapping(network)
    response = answer(400, {"error": f"token {SECRET} refused"})
    clock = FakeClock(NOW)
    error = mapping(response, None, write=True, redactor=Redactor([SECRET]), clock=clock, expected="id")
    (failure,) = seen
    assert failure.response is response and failure.exc is None and failure.write is True
    assert failure.clock is clock and failure.expected == "id" and failure.status == 400
    assert SECRET not in error.message and "refused" in error.message
    assert mapping(None, None, write=False).message == "None"  # no redactor: nothing hidden, no answer: no body
    assert seen[1].hide("plain") == "plain" and seen[1].status is None


def test_without_a_requests_failure_the_networks_own_words_say_no_answer_came() -> None:
    failure = Failure(None, ValueError("odd"), write=True, hide=Redactor(), clock=FakeClock(NOW))
    error = failure.unanswered("no answer from the network (ValueError)", cause=failure.exc)
    assert error.message == "no answer from the network (ValueError)" and error.may_have_landed is True
    wrapped = failure.unanswered("unused", cause=requests.ConnectTimeout("connect"))
    assert wrapped.message.startswith("network unreachable") and wrapped.may_have_landed is False


def test_a_transport_failure_is_redacted() -> None:
    request = requests.Request("POST", f"https://bot:{SECRET}@api.example.org/send").prepare()
    exc = requests.ReadTimeout("read timed out", request=request)  # its host is said, with the userinfo
    failure = Failure(None, exc, write=True, hide=Redactor([SECRET]), clock=FakeClock(NOW))
    said = failure.unanswered("unused", cause=exc).message
    assert SECRET not in said and "api.example.org" in said


@pytest.mark.parametrize(("raw", "content_type", "said"), [
    (b"", "application/json", "an empty answer"),
    (HTML.encode(), "text/html", "an HTML page"),
    (b"{cut off", "application/json", "JSON that could not be read"),
    (b"[1, 2]", "application/json", "JSON of an unexpected shape"),
    (b"GIF89a", "image/gif", "a image/gif body of 6 bytes"),
])
def test_the_shape_of_a_body_is_told_never_the_body(raw: bytes, content_type: str, said: str) -> None:
    response = answer(502, raw, content_type=content_type)
    assert describe_body(response) == said
    assert Failure(response, None, write=False, hide=Redactor(), clock=FakeClock(NOW)).shape() == said


def test_a_2xx_without_what_was_asked_says_what_it_lacked_when_its_json_is_readable() -> None:
    failure = Failure(answer(200, {"data": {}}), None, write=True, hide=Redactor(), clock=FakeClock(NOW), expected="id")
    assert failure.shape(readable=True) == "JSON without 'id'"
    assert failure.shape(readable=False) == "JSON of an unexpected shape"
