"""The Mastodon sandbox through the real client (Mastodon.py on the channel's session):
the instance's limits, statuses with Idempotency-Key, media v2 processed asynchronously,
the account's own statuses, deletes, and the documented error bodies and rate limits."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import requests
from mastodon import Mastodon, MastodonAPIError, MastodonNotFoundError, MastodonRatelimitError, MastodonUnauthorizedError
from PIL import Image

from channels.base import Account
from channels.mastodon_api import make_client
from disseminator.sandbox import DEFAULT
from disseminator.sandbox.server import SandboxServer

INSTANCE = f"https://{DEFAULT.mastodon_host}"


def client(sandbox: SandboxServer, token: str = DEFAULT.mastodon_token) -> Any:
    account = Account("m", "mastodon", {"api_base_url": INSTANCE, "access_token": token},
                      base_url=f"{sandbox.url}/mastodon")
    return make_client(account, [token])


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_the_instance_reports_its_limits_and_they_can_be_changed(sandbox: SandboxServer) -> None:
    m = client(sandbox)
    config = m.instance_v2()["configuration"]
    assert config["statuses"] == {"max_characters": 500, "max_media_attachments": 4, "characters_reserved_per_url": 23}
    assert "image/png" in config["media_attachments"]["supported_mime_types"]
    changed = requests.post(f"{sandbox.url}/_sandbox/mastodon/instance", json={"max_characters": 1000}, timeout=5)
    assert changed.status_code == 200 and changed.json()["max_characters"] == 1000
    assert m.instance_v2()["configuration"]["statuses"]["max_characters"] == 1000
    refused = requests.post(f"{sandbox.url}/_sandbox/mastodon/instance", json={"max_characters": -1}, timeout=5)
    assert refused.status_code == 400


def test_a_status_is_posted_and_a_repeat_with_the_same_key_returns_it(sandbox: SandboxServer) -> None:
    m = client(sandbox)
    first = m.status_post("Siaran pers https://humas.example.go.id/a/1 #Humas", idempotency_key="k-1",
                          visibility="unlisted", language="id")
    again = m.status_post("Siaran pers https://humas.example.go.id/a/1 #Humas", idempotency_key="k-1")
    other = m.status_post("Siaran pers https://humas.example.go.id/a/1 #Humas", idempotency_key="k-2")
    assert str(again["id"]) == str(first["id"]) != str(other["id"])
    assert [p["id"] for p in sandbox.posts()] == [str(first["id"]), str(other["id"])]
    assert first["visibility"] == "unlisted" and first["language"] == "id"
    # The content is HTML as Mastodon renders it: the link in spans, the hashtag a tag link.
    assert '<span class="invisible">https://</span>' in first["content"] and 'rel="tag"' in first["content"]
    assert sandbox.posts()[0]["text"] == "Siaran pers https://humas.example.go.id/a/1 #Humas"


def test_the_key_is_kept_an_hour(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> None:
    m = client(sandbox)
    first = m.status_post("Pengumuman", idempotency_key="k-hour")
    later = sandbox.app.now() + 3601
    monkeypatch.setattr(sandbox.app, "now", lambda: later)
    second = m.status_post("Pengumuman", idempotency_key="k-hour")
    assert str(second["id"]) != str(first["id"]) and len(sandbox.posts()) == 2


@pytest.mark.parametrize(("text", "error"), [
    ("a" * 501, "Validation failed: Text character limit of 500 exceeded"),
    ("", "Validation failed: Text can't be blank"),
])
def test_validation_errors_are_422_with_mastodons_words(sandbox: SandboxServer, text: str, error: str) -> None:
    response = requests.post(f"{sandbox.url}/mastodon/api/v1/statuses", data={"status": text},
                             headers={"Authorization": f"Bearer {DEFAULT.mastodon_token}"}, timeout=5)
    assert (response.status_code, response.json()) == (422, {"error": error})
    assert sandbox.posts() == []


def test_length_is_counted_as_mastodon_counts_it(sandbox: SandboxServer) -> None:
    m = client(sandbox)
    long_url = "https://humas.example.go.id/" + "x" * 300
    mention = "@warga@" + "sangat-panjang." * 20 + "example"
    m.status_post("a" * (500 - 23 - 1) + " " + long_url)  # the URL counts 23
    m.status_post("a" * (500 - 6 - 1) + " " + mention)  # @warga counts 6, the domain nothing
    m.status_post("👨‍👩‍👧" * 500)  # one grapheme cluster each
    with pytest.raises(MastodonAPIError, match="character limit"):
        m.status_post("a" * (500 - 23) + " " + long_url)
    assert len(sandbox.posts()) == 3


def test_media_is_processed_asynchronously_then_attached(sandbox: SandboxServer) -> None:
    m = client(sandbox)
    uploaded = m.media_post(png(), mime_type="image/png", description="Foto kegiatan")
    assert uploaded["url"] is None and m.session.last_response.status_code == 202
    with pytest.raises(MastodonAPIError, match="not finished processing"):
        m.status_post("Dengan foto", media_ids=[uploaded["id"]])
    processing = m.media(uploaded["id"])
    assert processing["url"] is None and m.session.last_response.status_code == 206
    done = m.media(uploaded["id"])
    assert done["url"] and m.session.last_response.status_code == 200
    status = m.status_post("Dengan foto", media_ids=[uploaded["id"]])
    assert status["media_attachments"][0]["description"] == "Foto kegiatan"
    assert sandbox.posts()[0]["media"] == [str(uploaded["id"])]


def test_too_many_images_and_a_wrong_type_are_refused(sandbox: SandboxServer) -> None:
    m = client(sandbox)
    ids = []
    for _ in range(5):
        media = m.media_post(png(), mime_type="image/png")
        m.media(media["id"])
        ids.append(media["id"])
    with pytest.raises(MastodonAPIError, match="Cannot attach more than 4 files"):
        m.status_post("Lima foto", media_ids=ids)
    with pytest.raises(MastodonAPIError, match="content type is invalid"):
        m.media_post(b"%PDF-1.4", mime_type="application/pdf")


def test_a_bad_or_revoked_token_is_401(sandbox: SandboxServer) -> None:
    with pytest.raises(MastodonUnauthorizedError):
        client(sandbox, token="nope").account_verify_credentials()
    requests.post(f"{sandbox.url}/_sandbox/tokens/revoke", json={"token": DEFAULT.mastodon_token}, timeout=5)
    m = client(sandbox)
    with pytest.raises(MastodonUnauthorizedError):
        m.status_post("Tidak boleh")
    assert m.session.last_response.json() == {"error": "The access token was revoked"}


def test_own_statuses_newest_first_with_paging_and_delete(sandbox: SandboxServer) -> None:
    m = client(sandbox)
    me = m.account_verify_credentials()
    assert me["username"] == DEFAULT.mastodon_username
    ids = [str(m.status_post(f"Pos {i}")["id"]) for i in range(3)]
    page = m.account_statuses(me["id"], limit=2)
    assert [str(s["id"]) for s in page] == ids[:0:-1]
    rest = m.account_statuses(me["id"], limit=2, max_id=page[-1]["id"])
    assert [str(s["id"]) for s in rest] == ids[:1]
    deleted = m.status_delete(ids[1])
    assert deleted["text"] == "Pos 1"
    with pytest.raises(MastodonNotFoundError):
        m.status_delete(ids[1])
    assert m.session.last_response.json() == {"error": "Record not found"}
    assert [p["id"] for p in sandbox.posts()] == [ids[0], ids[2]]


def test_rate_limit_headers_and_a_429_until_the_reset(sandbox: SandboxServer) -> None:
    m = client(sandbox)
    m.status_post("Satu")
    headers = m.session.last_response.headers
    assert (headers["X-RateLimit-Limit"], headers["X-RateLimit-Remaining"]) == ("300", "299")
    reset = dt.datetime.fromisoformat(headers["X-RateLimit-Reset"].replace("Z", "+00:00"))
    assert reset > dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2)  # 300 per 3 hours
    sandbox.set_faults({"rate_limit": [{"network": "mastodon", "path": "/api/v1/statuses", "reset_in": 120}]})
    with pytest.raises(MastodonRatelimitError):
        m.status_post("Dua")
    answer = m.session.last_response
    assert answer.status_code == 429 and answer.json() == {"error": "Too many requests"}
    assert answer.headers["X-RateLimit-Remaining"] == "0"
    m.account_verify_credentials()  # other endpoints are not limited by it


def test_scripted_faults_use_mastodons_error_shape(sandbox: SandboxServer) -> None:
    sandbox.set_faults({"next": [{"network": "mastodon", "path": "/api/v1/statuses", "status": 503},
                                 {"network": "mastodon", "path": "/api/v1/statuses", "status": 422}]})
    m = client(sandbox)
    with pytest.raises(MastodonAPIError):
        m.status_post("Gangguan")
    assert m.session.last_response.status_code == 503 and "error" in m.session.last_response.json()
    with pytest.raises(MastodonAPIError):
        m.status_post("Gangguan")
    assert m.session.last_response.json() == {"error": "Sandbox fault"}
    assert sandbox.posts() == []


def test_unknown_paths_are_mastodons_404(sandbox: SandboxServer) -> None:
    response = requests.get(f"{sandbox.url}/mastodon/api/v1/nothing", timeout=5)
    assert (response.status_code, response.json()) == (404, {"error": "Record not found"})
    assert isinstance(Mastodon, type)
