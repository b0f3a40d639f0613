"""Every error code in the reference, sent by the sandbox, lands in the right branch of the tree."""

from __future__ import annotations

import socket

import pytest

from channels.base import Account, AuthError, Draft, Duplicate, Media, RateLimited, Rejected, Transient
from channels.facebook import FacebookChannel
from channels.instagram import InstagramChannel
from channels.twitter import TwitterChannel
from disseminator.sandbox import DEFAULT

DUPLICATE = {"detail": "You are not allowed to create a Tweet with duplicate content.", "type": "about:blank",
             "title": "Forbidden", "status": 403}
ACCESS_453 = {"errors": [{"message": "You currently have access to a subset of X API V2 endpoints and limited v1.1 "
                                     "endpoints (e.g. media post, oauth) only.", "code": 453}],
              "title": "Forbidden", "detail": "Forbidden", "type": "about:blank", "status": 403}
REPLY = {"detail": "Reply to this conversation is not allowed because you have not been mentioned or otherwise "
                   "engaged by the author of the post you are replying to.", "type": "about:blank",
         "title": "Forbidden", "status": 403}


def x_channel(url: str) -> TwitterChannel:
    return TwitterChannel(Account(name="x", channel="twitter", base_url=url, settings={
        "consumer_key": DEFAULT.x_consumer_key, "consumer_secret": DEFAULT.x_consumer_secret,
        "access_token": DEFAULT.x_access_token, "access_token_secret": DEFAULT.x_access_token_secret}))


def fb_channel(url: str) -> FacebookChannel:
    return FacebookChannel(Account(name="fb", channel="facebook", base_url=url,
                                   settings={"page_id": DEFAULT.fb_page_id, "access_token": DEFAULT.fb_page_token}))


def ig_channel(url: str) -> InstagramChannel:
    return InstagramChannel(Account(name="ig", channel="instagram", base_url=url,
                                    settings={"ig_user_id": DEFAULT.ig_user_id, "access_token": DEFAULT.fb_page_token,
                                              "poll_seconds": 0.05}))


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (400, None, Rejected),
        (401, None, AuthError),
        (403, DUPLICATE, Duplicate),
        (403, ACCESS_453, AuthError),
        (403, REPLY, Rejected),
        (404, None, Rejected),
        (500, None, Transient),
        (502, None, Transient),
        (503, None, Transient),
        (504, None, Transient),
    ],
)
def test_x_status_codes(sandbox, status: int, body: dict | None, kind: type) -> None:  # type: ignore[no-untyped-def]
    fault = {"network": "x", "path": "/2/tweets", "method": "POST", "status": status, "count": 1}
    if body:
        fault["body"] = body
    sandbox.set_faults({"next": [fault]})
    with pytest.raises(kind) as info:
        x_channel(sandbox.url).publish_part(Draft(parts=("Uji kode galat X",)), 0)
    assert info.value.message and info.value.http_status == status
    if body:  # X's own words: errors[].message when there is one, else the problem's detail
        errors = body.get("errors") or [{}]
        assert info.value.message == errors[0].get("message", body["detail"])
        if "code" in errors[0]:
            assert info.value.code == str(errors[0]["code"])
    if kind is Transient:
        assert info.value.may_have_landed  # a 5xx on a write: ask before retrying


def test_x_rate_limit_carries_the_reset_time(sandbox) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    sandbox.set_faults({"rate_limit": [{"network": "x", "path": "/2/tweets", "reset_in": 300}]})
    with pytest.raises(RateLimited) as info:
        x_channel(sandbox.url).publish_part(Draft(parts=("Uji batas",)), 0)
    wait = info.value.retry_at - dt.datetime.now(dt.timezone.utc)
    assert dt.timedelta(seconds=200) < wait <= dt.timedelta(seconds=301)


def test_connection_refused_cannot_have_landed_but_a_lost_answer_may(sandbox) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    with pytest.raises(Transient) as refused:
        x_channel(dead).publish_part(Draft(parts=("Uji jaringan",)), 0)
    assert not refused.value.may_have_landed
    sandbox.set_faults({"lose_response": [{"network": "x", "path": "/2/tweets", "count": 1}]})
    with pytest.raises(Transient) as lost:
        x_channel(sandbox.url).publish_part(Draft(parts=("Uji jaringan",)), 0)
    assert lost.value.may_have_landed


GRAPH_CODES = [
    (1, None, Transient), (2, None, Transient),
    (4, None, RateLimited), (17, None, RateLimited), (17, 2446079, RateLimited), (32, None, RateLimited),
    (341, None, RateLimited), (613, 1996, RateLimited), (80001, None, RateLimited),
    (506, 1455006, Duplicate),
    (190, 463, AuthError), (190, 460, AuthError), (190, 467, AuthError), (190, None, AuthError), (102, None, AuthError),
    (10, None, AuthError), (200, None, AuthError), (299, None, AuthError),
    (368, None, AuthError),
    (100, None, Rejected), (1609005, None, Rejected),
]


@pytest.mark.parametrize(("code", "subcode", "kind"), GRAPH_CODES)
def test_facebook_graph_codes(sandbox, code: int, subcode: int | None, kind: type) -> None:  # type: ignore[no-untyped-def]
    sandbox.set_faults({"next": [{"network": "graph", "path": "*/feed", "method": "POST", "status": 400,
                                  "graph_code": code, "graph_subcode": subcode, "count": 1}]})
    with pytest.raises(kind) as info:
        fb_channel(sandbox.url).publish_part(Draft(parts=("Uji kode galat Graph",), link="https://a.go.id/x"), 0)
    assert str(code) in (info.value.code or "")
    if subcode:
        assert str(subcode) in (info.value.code or "")
    assert info.value.http_status == 400  # kept from our session; facebook-sdk drops it


IG_CODES = [
    ("*/media_publish", 9, 2207042, RateLimited),
    ("*/media_publish", 9007, 2207027, Transient),
    ("*/media_publish", 24, 2207008, Transient),
    ("*/media_publish", -1, 2207001, Transient),
    ("*/media", -2, 2207003, Transient),
    ("*/media", -2, 2207020, Transient),
    ("*/media", -1, 2207053, Transient),
    ("*/media_publish", 24, 2207006, Transient),
    ("*/media", -1, 2207032, Transient),
    ("*/media", 4, 2207051, AuthError),
    ("*/media", 25, 2207050, AuthError),
    ("*/media", 80002, None, RateLimited),
    ("*/media", 9004, 2207052, Rejected),
    ("*/media", 36000, 2207004, Rejected),
    ("*/media", 36001, 2207005, Rejected),
    ("*/media", 36003, 2207009, Rejected),
    ("*/media", 36004, 2207010, Rejected),
    ("*/media", 100, 2207023, Rejected),
    ("*/media", 100, 2207028, Rejected),
    ("*/media", 100, 2207040, Rejected),
    ("*/media", 352, 2207026, Rejected),
]


@pytest.mark.parametrize(("path", "code", "subcode", "kind"), IG_CODES)
def test_instagram_codes(sandbox, tmp_path, path: str, code: int, subcode: int | None, kind: type) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from tests.helpers import REPO

    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp_path / "media" / "f.jpg")
    sandbox.set_faults({"next": [{"network": "graph", "path": path, "method": "POST", "status": 400,
                                  "graph_code": code, "graph_subcode": subcode, "count": 1}]})
    draft = Draft(parts=("Uji kode galat Instagram",), media=(Media(url=f"{sandbox.url}/media/f.jpg"),))
    with pytest.raises(kind) as info:
        ig_channel(sandbox.url).publish_part(draft, 0)
    assert str(code) in (info.value.code or "")


def test_graph_without_json_or_content_type_is_transient(sandbox) -> None:  # type: ignore[no-untyped-def]
    for body in ("<html><body>502 Bad Gateway</body></html>", ""):
        sandbox.set_faults({"next": [{"network": "graph", "path": "*/feed", "status": 502, "body": body, "count": 1}]})
        with pytest.raises(Transient):
            fb_channel(sandbox.url).publish_part(Draft(parts=("Uji 502",), link="https://a.go.id/x"), 0)
