"""The Bluesky sandbox (a PDS under /bluesky) and the channel against it: documented
error bodies, the duplicate-rkey conflict, limits, sessions, and no duplicate after a
lost answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from channels.base import Account, Context, Draft, Duplicate, Media, Transient
from channels.bluesky import BlueskyChannel
from channels.bluesky_client import forget_sessions
from disseminator.sandbox import SandboxOptions, start_sandbox
from disseminator.sandbox.credentials import DEFAULT as SB
from disseminator.sandbox.server import SandboxServer

POST = "app.bsky.feed.post"
NOW = "2026-11-30T00:00:00.000Z"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    server = start_sandbox(SandboxOptions(port=0, media_dir=str(tmp_path)))
    forget_sessions()
    try:
        yield server
    finally:
        server.stop()


def xrpc(sandbox: SandboxServer, method: str, *, token: str | None = None, params: dict[str, Any] | None = None,
         body: Any = None, data: bytes | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    url = f"{sandbox.url}/bluesky/xrpc/{method}"
    if body is None and data is None:
        return requests.get(url, params=params, headers=headers, timeout=10)
    if data is not None:
        headers["Content-Type"] = "image/jpeg"
    return requests.post(url, json=body, data=data, headers=headers, timeout=10)


def login(sandbox: SandboxServer) -> dict[str, Any]:
    answer = xrpc(sandbox, "com.atproto.server.createSession",
                  body={"identifier": SB.bsky_handle, "password": SB.bsky_app_password})
    assert answer.status_code == 200
    session: dict[str, Any] = answer.json()
    return session


def record(text: str, **extra: Any) -> dict[str, Any]:
    return {"$type": POST, "text": text, "createdAt": NOW, **extra}


def test_sessions_and_their_documented_refusals(sandbox: SandboxServer) -> None:
    wrong = xrpc(sandbox, "com.atproto.server.createSession", body={"identifier": SB.bsky_handle, "password": "x"})
    assert (wrong.status_code, wrong.json()) == (401, {"error": "AuthenticationRequired",
                                                       "message": "Invalid identifier or password"})
    session = login(sandbox)
    assert session["did"] == SB.bsky_did and session["handle"] == SB.bsky_handle
    assert xrpc(sandbox, "com.atproto.server.getSession", token=session["accessJwt"]).json()["did"] == SB.bsky_did
    missing = xrpc(sandbox, "com.atproto.server.getSession")
    assert (missing.status_code, missing.json()["error"]) == (401, "AuthMissing")
    bad = xrpc(sandbox, "com.atproto.server.getSession", token="nonsense")
    assert (bad.status_code, bad.json()["error"]) == (400, "InvalidToken")
    fresh = requests.post(f"{sandbox.url}/bluesky/xrpc/com.atproto.server.refreshSession", timeout=10,
                          headers={"Authorization": f"Bearer {session['refreshJwt']}"})
    assert fresh.status_code == 200 and fresh.json()["accessJwt"] != session["accessJwt"]
    unknown = xrpc(sandbox, "com.atproto.identity.resolveHandle", params={"handle": "nobody.bsky.social"})
    assert (unknown.status_code, unknown.json()["error"]) == (400, "InvalidRequest")


def test_records_limits_and_the_duplicate_rkey_conflict(sandbox: SandboxServer) -> None:
    token, did = login(sandbox)["accessJwt"], SB.bsky_did
    args = {"repo": did, "collection": POST, "rkey": "3ke6kg3wk222g"}
    made = xrpc(sandbox, "com.atproto.repo.createRecord", token=token, body={**args, "record": record("Halo")})
    assert made.status_code == 200 and made.json()["uri"] == f"at://{did}/{POST}/3ke6kg3wk222g"
    assert made.headers["ratelimit-policy"] == "5000;w=3600" and made.headers["ratelimit-remaining"] == "4997"
    again = xrpc(sandbox, "com.atproto.repo.createRecord", token=token, body={**args, "record": record("Halo")})
    assert again.status_code == 400 and again.json()["error"] == "InvalidRequest"
    assert "already exists" in again.json()["message"]
    got = xrpc(sandbox, "com.atproto.repo.getRecord", params=args)
    assert got.json()["value"]["text"] == "Halo" and got.json()["cid"] == made.json()["cid"]
    gone = xrpc(sandbox, "com.atproto.repo.getRecord", params={**args, "rkey": "3ke6kg3wk232h"})
    assert (gone.status_code, gone.json()["error"]) == (400, "RecordNotFound")
    long = xrpc(sandbox, "com.atproto.repo.createRecord", token=token,
                body={"repo": did, "collection": POST, "record": record("a" * 301)})
    assert long.status_code == 400 and "300 graphemes" in long.json()["message"]
    heavy = xrpc(sandbox, "com.atproto.repo.createRecord", token=token,
                 body={"repo": did, "collection": POST, "record": record("\U0001F468\u200D\U0001F469" * 280)})
    assert heavy.status_code == 400 and "3000" in heavy.json()["message"]
    facet = {"index": {"byteStart": 0, "byteEnd": 99}, "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "x"}]}
    outside = xrpc(sandbox, "com.atproto.repo.createRecord", token=token,
                   body={"repo": did, "collection": POST, "record": record("#x", facets=[facet])})
    assert outside.status_code == 400 and "facets/0" in outside.json()["message"]
    blob = xrpc(sandbox, "com.atproto.repo.uploadBlob", token=token, data=b"\xff" * 1_000_001).json()["blob"]
    image = {"$type": "app.bsky.embed.images", "images": [{"alt": "", "image": blob}]}
    big = xrpc(sandbox, "com.atproto.repo.createRecord", token=token,
               body={"repo": did, "collection": POST, "record": record("foto", embed=image)})
    assert (big.status_code, big.json()["error"]) == (400, "BlobTooLarge")
    listed = xrpc(sandbox, "com.atproto.repo.listRecords", params={"repo": did, "collection": POST}).json()
    assert [r["value"]["text"] for r in listed["records"]] == ["Halo"]
    deleted = xrpc(sandbox, "com.atproto.repo.deleteRecord", token=token, body=args)
    assert deleted.status_code == 200 and xrpc(sandbox, "com.atproto.repo.getRecord", params=args).status_code == 400
    sandbox.set_faults({"rate_limit": [{"network": "bluesky", "path": "*createRecord", "reset_in": 60}]})
    limited = xrpc(sandbox, "com.atproto.repo.createRecord", token=token, body={**args, "record": record("Lagi")})
    assert (limited.status_code, limited.json()["error"]) == (429, "RateLimitExceeded")
    assert limited.headers["ratelimit-remaining"] == "0" and int(limited.headers["ratelimit-reset"]) > 0


def channel(sandbox: SandboxServer, media: Path) -> BlueskyChannel:
    account = Account("sandbox_bs", "bluesky", {"handle": SB.bsky_handle, "app_password": SB.bsky_app_password},
                      base_url=f"{sandbox.url}/bluesky")
    return BlueskyChannel(account, context=Context(base_dir=media, media_dir=media))


def test_a_lost_answer_then_a_retry_leaves_one_post_found_by_its_key(sandbox: SandboxServer, tmp_path: Path) -> None:
    ch = channel(sandbox, tmp_path)
    draft = Draft(parts=("Kunjungan kerja @warga-sandbox.bsky.social #Humas https://humas.example.go.id/k/1",),
                  link="https://humas.example.go.id/k/1", card={"title": "Kunjungan", "description": "Ringkas"},
                  key="7:1764460800000000")
    since = dt.datetime.now(dt.timezone.utc)
    assert ch.find_published(draft, 0, since=since) is None
    sandbox.set_faults({"lose_response": [{"network": "bluesky", "path": "*createRecord"}]})
    with pytest.raises(Transient) as lost:
        ch.publish_part(draft, 0)
    assert lost.value.may_have_landed
    [landed] = sandbox.posts()
    with pytest.raises(Duplicate):  # a blind retry cannot post twice: same key, refused
        ch.publish_part(draft, 0)
    found = ch.find_published(draft, 0, since=since)
    assert found is not None and found.remote_id == landed["id"] and found.remote_url.endswith(landed["id"])
    assert sandbox.posts() == [landed]
    shown = get_record(sandbox, landed["id"])["value"]
    assert shown["langs"] == ["id"] and shown["text"] == draft.parts[0]
    kinds = {f["features"][0]["$type"]: f["index"] for f in shown["facets"]}
    raw = shown["text"].encode()
    mention, tag = kinds["app.bsky.richtext.facet#mention"], kinds["app.bsky.richtext.facet#tag"]
    assert raw[mention["byteStart"]:mention["byteEnd"]] == b"@warga-sandbox.bsky.social"
    assert raw[tag["byteStart"]:tag["byteEnd"]] == b"#Humas"
    card = {k: v for k, v in shown["embed"]["external"].items() if k != "$type"}
    assert card == {"uri": draft.link, "title": "Kunjungan", "description": "Ringkas"}


def get_record(sandbox: SandboxServer, rkey: str) -> dict[str, Any]:
    answer = requests.get(f"{sandbox.url}/bluesky/xrpc/com.atproto.repo.getRecord", timeout=10,
                          params={"repo": SB.bsky_did, "collection": POST, "rkey": rkey})
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def test_thread_parts_reply_with_root_and_parent_and_images_upload(sandbox: SandboxServer, tmp_path: Path) -> None:
    import io

    from PIL import Image

    from channels.media.bluesky import BLUESKY_MAX_BYTES, prepare_for_bluesky

    noise = io.BytesIO()
    Image.merge("RGB", [Image.effect_noise((1200, 800), 90)] * 3).save(noise, "PNG")
    assert len(noise.getvalue()) > BLUESKY_MAX_BYTES  # over Bluesky's limit as it comes
    prepared = prepare_for_bluesky(noise.getvalue())
    assert len(prepared.data) <= BLUESKY_MAX_BYTES and prepared.mime == "image/jpeg"
    name = prepared.save(tmp_path)
    image = Media(url="https://humas.example.go.id/a.jpg", alt="Foto", file=name, sha256=prepared.sha256)
    ch = channel(sandbox, tmp_path)
    draft = Draft(parts=("Satu", "Dua", "Tiga"), media=(image,), key="9:1764460800000000")
    first = ch.publish_part(draft, 0)
    second = ch.publish_part(draft, 1, reply_to=first.remote_id)
    third = ch.publish_part(draft, 2, reply_to=second.remote_id)
    posts = {p["id"]: p for p in sandbox.posts()}
    root = get_record(sandbox, first.remote_id)
    assert posts[first.remote_id]["media"] and posts[second.remote_id]["in_reply_to"] == first.remote_id
    reply = get_record(sandbox, third.remote_id)["value"]["reply"]
    assert {k: v for k, v in reply["root"].items() if k != "$type"} == {"uri": root["uri"], "cid": root["cid"]}
    assert reply["parent"]["uri"].endswith(second.remote_id)
    embed = root["value"]["embed"]["images"][0]
    ratio = {k: v for k, v in embed["aspectRatio"].items() if k != "$type"}
    assert embed["alt"] == "Foto" and ratio == {"width": prepared.width, "height": prepared.height}
    live = ch.fetch_live(second.remote_id)
    assert live is not None and live.text == "Dua" and live.url and live.url.endswith(second.remote_id)
    since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    assert [p.text for p in ch.recent_posts(since)] == ["Tiga", "Dua", "Satu"]  # newest first
    assert ch.unpublish_part(third.remote_id) is True and ch.unpublish_part(third.remote_id) is False
    assert ch.fetch_live(third.remote_id) is None


def test_an_expired_token_is_refreshed_and_the_call_asked_again(sandbox: SandboxServer, tmp_path: Path) -> None:
    ch = channel(sandbox, tmp_path)
    assert ch.check().ok
    sandbox.set_faults({"next": [{"network": "bluesky", "path": "*getSession", "status": 400,
                                  "body": {"error": "ExpiredToken", "message": "Token has expired"}}]})
    check = ch.check()
    assert check.ok and SB.bsky_did in (check.identity or "")
    spent = requests.get(f"{sandbox.url}/_sandbox/faults", timeout=10).json()["next"]
    assert spent[0]["count"] == 0  # the expired answer was served, and the check still passed
