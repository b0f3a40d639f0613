"""Every error code in the reference, sent by the sandbox, lands in the right branch of the tree."""

from __future__ import annotations

import socket

import pytest
import requests

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


# --------------------------------------------------------------------------- odd answers
# Proxies and overloaded servers answer with HTML, nothing, or JSON of another shape;
# each maps to a kind of the tree, with the HTTP status kept (the sandbox's "style").

ODD_STYLES = ["html", "empty", "json_no_error", "truncated", "no_content_type"]


@pytest.mark.parametrize("style", ODD_STYLES)
def test_graph_odd_5xx_on_a_write_is_transient_and_may_have_landed(sandbox, style: str) -> None:  # type: ignore[no-untyped-def]
    sandbox.set_faults({"next": [{"network": "graph", "path": "*/feed", "method": "POST", "status": 502, "style": style}]})
    with pytest.raises(Transient) as info:
        fb_channel(sandbox.url).publish_part(Draft(parts=("Uji jawaban aneh",), link="https://a.go.id/x"), 0)
    assert info.value.http_status == 502 and info.value.may_have_landed
    assert "Maintype" not in info.value.message and "<html" not in info.value.message


@pytest.mark.parametrize("style", ["html", "json_no_error"])
def test_instagram_odd_5xx_lands_only_on_the_publishing_call(sandbox, tmp_path, style: str) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from tests.helpers import REPO

    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp_path / "media" / "f.jpg")
    draft = Draft(parts=("Uji jawaban aneh Instagram",), media=(Media(url=f"{sandbox.url}/media/f.jpg"),))
    for path, landed in (("*/media", False), ("*/media_publish", True)):
        sandbox.set_faults({"next": [{"network": "graph", "path": path, "method": "POST", "status": 503, "style": style}]})
        with pytest.raises(Transient) as info:
            ig_channel(sandbox.url).publish_part(draft, 0)
        assert info.value.http_status == 503 and info.value.may_have_landed is landed


@pytest.mark.parametrize("style", ODD_STYLES)
def test_x_odd_5xx_on_a_write_is_transient_and_may_have_landed(sandbox, style: str) -> None:  # type: ignore[no-untyped-def]
    sandbox.set_faults({"next": [{"network": "x", "path": "/2/tweets", "method": "POST", "status": 503, "style": style}]})
    with pytest.raises(Transient) as info:
        x_channel(sandbox.url).publish_part(Draft(parts=("Uji jawaban aneh X",)), 0)
    assert info.value.http_status == 503 and info.value.may_have_landed


@pytest.mark.parametrize(
    ("make", "fault"),
    [
        ("fb", {"network": "graph", "path": "*/feed", "status": 200, "body": {"success": True}}),
        ("fb", {"network": "graph", "path": "*/feed", "status": 200, "style": "html"}),
        ("ig", {"network": "graph", "path": "*/media_publish", "status": 200, "body": {}}),
        ("x", {"network": "x", "path": "/2/tweets", "status": 201, "body": {"data": {"text": "no id"}}}),
        ("x", {"network": "x", "path": "/2/tweets", "status": 200, "style": "truncated"}),
        ("x", {"network": "x", "path": "/2/tweets", "status": 200, "style": "html"}),
    ],
)
def test_a_2xx_without_the_id_may_have_landed(sandbox, tmp_path, make: str, fault: dict) -> None:  # type: ignore[no-untyped-def, type-arg]
    import shutil

    from tests.helpers import REPO

    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp_path / "media" / "f.jpg")
    channel = {"fb": fb_channel, "ig": ig_channel, "x": x_channel}[make](sandbox.url)
    draft = Draft(parts=("Uji jawaban tanpa id",), link="https://a.go.id/x", media=(Media(url=f"{sandbox.url}/media/f.jpg"),)
                  if make == "ig" else ())
    sandbox.set_faults({"next": [{"method": "POST", **fault}]})
    with pytest.raises(Transient) as info:
        channel.publish_part(draft, 0)
    assert info.value.may_have_landed and info.value.http_status == fault["status"]


def test_a_read_without_the_expected_data_is_transient_and_never_landed(sandbox) -> None:  # type: ignore[no-untyped-def]
    sandbox.set_faults({"next": [{"network": "x", "path": "/2/users/me", "status": 200, "body": {"data": {"name": "no id"}}}]})
    with pytest.raises(Transient) as info:
        x_channel(sandbox.url).check()
    assert not info.value.may_have_landed and info.value.http_status == 200


def test_graph_read_timeout_on_a_write_may_have_landed(sandbox) -> None:  # type: ignore[no-untyped-def]
    channel = FacebookChannel(Account(name="fb", channel="facebook", base_url=sandbox.url, settings={
        "page_id": DEFAULT.fb_page_id, "access_token": DEFAULT.fb_page_token, "timeout": 0.3}))
    sandbox.set_faults({"latency_ms": 900})
    with pytest.raises(Transient) as info:
        channel.publish_part(Draft(parts=("Uji batas waktu",), link="https://a.go.id/x"), 0)
    assert info.value.may_have_landed and "no answer in time" in info.value.message


def test_graph_refused_connection_never_landed() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    with pytest.raises(Transient) as info:
        fb_channel(dead).publish_part(Draft(parts=("Uji jaringan",), link="https://a.go.id/x"), 0)
    assert not info.value.may_have_landed and "connection refused" in info.value.message


def test_graph_rate_limit_waits_for_the_estimate_in_the_answer(sandbox, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from channels.base import Context
    from channels.clock import FakeClock

    start = dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.timezone.utc)
    context = Context(base_dir=tmp_path, media_dir=tmp_path, clock=FakeClock(start))
    channel = FacebookChannel(fb_channel(sandbox.url).account, context=context)
    sandbox.set_faults({"rate_limit": [{"network": "graph", "reset_in": 40 * 60 + 30, "graph_code": 80001}]})
    with pytest.raises(RateLimited) as info:
        channel.publish_part(Draft(parts=("Uji batas Graph",), link="https://a.go.id/x"), 0)
    assert info.value.retry_at == start + dt.timedelta(minutes=40)  # the header's minutes, on the channel's clock
    assert info.value.http_status == 400 and info.value.code == "80001"


def test_instagram_polls_on_the_channels_clock(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A container that never finishes: the channel waits on its context's clock (no real
    sleep), at the configured interval, and gives up at the deadline as Transient."""
    import shutil
    import threading

    from channels.base import Context
    from channels.clock import FakeClock
    from disseminator.sandbox import SandboxOptions, start_sandbox
    from tests.helpers import REPO

    (tmp_path / "media").mkdir()
    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp_path / "media" / "f.jpg")
    server = start_sandbox(SandboxOptions(port=0, media_dir=str(tmp_path / "media"), container_delay=3600))
    try:
        clock = FakeClock()
        account = Account(name="ig", channel="instagram", base_url=server.url, settings={
            "ig_user_id": DEFAULT.ig_user_id, "access_token": DEFAULT.fb_page_token, "poll_seconds": 5, "poll_timeout": 60})
        channel = InstagramChannel(account, context=Context(base_dir=tmp_path, media_dir=tmp_path, clock=clock))
        draft = Draft(parts=("Uji tunggu",), media=(Media(url=f"{server.url}/media/f.jpg"),))
        raised: list[BaseException] = []

        def publish() -> None:
            try:
                channel.publish_part(draft, 0)
            except BaseException as exc:  # noqa: BLE001 - handed to the test below
                raised.append(exc)

        # Thirteen real sleeps of 5 s would take 65 s: a real sleep fails the test, not hangs it.
        worker = threading.Thread(target=publish, daemon=True)
        worker.start()
        worker.join(timeout=30)
        assert not worker.is_alive(), "the channel waited in real time instead of on its clock"
        assert len(raised) == 1 and isinstance(raised[0], Transient)
        assert "still IN_PROGRESS" in raised[0].message and not raised[0].may_have_landed
        assert clock.sleeps == [5.0] * 13 and clock.monotonic() == 65.0  # the first poll past 60 s gives up
        assert server.posts() == []
    finally:
        server.stop()


def test_instagram_status_poll_answered_by_a_json_5xx_is_not_a_status(sandbox, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """facebook-sdk hands back a 5xx's JSON as if it were the container: the channel
    must not read it as "no status yet" and keep polling."""
    import shutil

    from tests.helpers import REPO

    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp_path / "media" / "f.jpg")
    sandbox.set_faults({"next": [{"network": "graph", "path": "^/(v[0-9.]+/)?[0-9]+$", "method": "GET", "status": 503,
                                  "style": "json_no_error", "count": 50}]})
    draft = Draft(parts=("Uji status",), media=(Media(url=f"{sandbox.url}/media/f.jpg"),))
    with pytest.raises(Transient) as info:
        ig_channel(sandbox.url).publish_part(draft, 0)
    assert info.value.http_status == 503 and not info.value.may_have_landed
    left = requests.get(f"{sandbox.url}/_sandbox/faults", timeout=5).json()["next"][0]["count"]
    assert left == 49  # the first poll ended the publish


def _x_with_prepared_image(sandbox, tmp_path):  # type: ignore[no-untyped-def]
    """An X channel and a one-image draft whose image was prepared at render."""
    import shutil

    from channels.base import Article, Context
    from tests.helpers import REPO

    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp_path / "media" / "f.jpg")
    channel = x_channel(sandbox.url)
    channel.context = Context(base_dir=tmp_path, media_dir=tmp_path / "prepared")
    draft = channel.render(Article(title="Uji unggah gambar", url="https://humas.example.go.id/u/1",
                                   image=f"{sandbox.url}/media/f.jpg", image_alt="Foto uji"))
    assert draft.media and draft.media[0].file
    return channel, draft


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        ({"path": "/2/media/upload", "status": 503, "style": "html"}, Transient),
        ({"path": "/2/media/upload", "status": 200, "body": {"data": {}}}, Transient),
        ({"path": "/2/media/upload", "status": 200, "style": "truncated"}, Transient),
        ({"path": "/2/media/upload", "status": 429}, RateLimited),
        ({"path": "/2/media/upload", "status": 401}, AuthError),
        ({"path": "/2/media/metadata", "status": 400}, Rejected),
        ({"path": "/2/media/metadata", "status": 502, "style": "empty"}, Transient),
    ],
)
def test_x_media_upload_failures_map_like_any_x_call_and_never_landed(sandbox, tmp_path, fault: dict, kind: type) -> None:  # type: ignore[no-untyped-def, type-arg]
    channel, draft = _x_with_prepared_image(sandbox, tmp_path)
    sandbox.set_faults({"next": [{"network": "x", "method": "POST", **fault}]})
    with pytest.raises(kind) as info:
        channel.publish_part(draft, 0)
    assert info.value.http_status == fault["status"]
    if isinstance(info.value, Transient):
        assert not info.value.may_have_landed  # an upload is not a post: nothing to look for
    assert sandbox.posts() == []


def test_x_media_upload_lost_answer_is_transient_and_not_a_post(sandbox, tmp_path) -> None:  # type: ignore[no-untyped-def]
    channel, draft = _x_with_prepared_image(sandbox, tmp_path)
    sandbox.set_faults({"lose_response": [{"network": "x", "path": "/2/media/upload", "count": 1}]})
    with pytest.raises(Transient) as info:
        channel.publish_part(draft, 0)
    assert not info.value.may_have_landed and "connection dropped" in info.value.message
    assert sandbox.posts() == []
