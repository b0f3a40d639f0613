"""The Threads sandbox over plain HTTP, as graph.threads.net/v1.0 answers (under /threads):
containers, status, publish, the 24-hour quota, posts and replies, delete, tokens, faults.
Each behaviour names the Meta page it follows (docs/sandbox.md has the list)."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from disseminator.sandbox import DEFAULT
from tests.sandbox.conftest import jpeg, png

USER = DEFAULT.threads_user_id
TOKEN = DEFAULT.threads_token


class Threads:
    """Calls to one sandbox's Threads API."""

    def __init__(self, url: str, token: str = TOKEN) -> None:
        self.base, self.token = f"{url}/threads/v1.0", token

    def raw(self, method: str, path: str, **params: Any) -> requests.Response:
        params.setdefault("access_token", self.token)
        if method == "POST":
            return requests.post(f"{self.base}/{path}", params={"access_token": params.pop("access_token")},
                                 data=params, timeout=10)
        return requests.request(method, f"{self.base}/{path}", params=params, timeout=10)

    def ok(self, method: str, path: str, **params: Any) -> dict[str, Any]:
        response = self.raw(method, path, **params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def error(self, method: str, path: str, **params: Any) -> dict[str, Any]:
        response = self.raw(method, path, **params)
        assert response.status_code >= 400, response.text
        error: dict[str, Any] = response.json()["error"]
        assert error["type"] == "THApiException" and error["fbtrace_id"]
        return error

    def post(self, text: str, **extra: Any) -> str:
        container = self.ok("POST", f"{USER}/threads", media_type="TEXT", text=text, **extra)["id"]
        return str(self.ok("POST", f"{USER}/threads_publish", creation_id=container)["id"])


@pytest.fixture
def api(sandbox: Any) -> Threads:
    return Threads(sandbox.url)


def test_a_text_post_is_a_container_then_a_publish(api: Threads, sandbox: Any) -> None:
    container = api.ok("POST", f"{USER}/threads", media_type="TEXT", text="Halo 😀")["id"]
    assert api.ok("GET", container, fields="status,error_message") == {"id": container, "status": "FINISHED"}
    assert sandbox.posts() == []  # a container is not a post
    media = api.ok("POST", f"{USER}/threads_publish", creation_id=container)["id"]
    [post] = sandbox.posts()
    assert post["network"] == "threads" and post["id"] == media and post["text"] == "Halo 😀"
    assert api.ok("GET", container, fields="status")["status"] == "PUBLISHED"
    shown = api.ok("GET", media, fields="id,text,timestamp,permalink,media_type")
    assert shown["media_type"] == "TEXT_POST" and shown["permalink"].startswith("https://www.threads.net/@")
    assert api.ok("GET", "me", fields="id,username") == {"id": USER, "username": DEFAULT.threads_username}


def test_500_characters_with_emoji_counted_by_their_bytes(api: Threads) -> None:
    api.ok("POST", f"{USER}/threads", media_type="TEXT", text="a" * 496 + "😀")
    error = api.error("POST", f"{USER}/threads", media_type="TEXT", text="a" * 497 + "😀")
    assert error["code"] == 100 and "500" in error["message"]


def test_more_than_five_links_fail_at_the_container(api: Threads) -> None:
    links = " ".join(f"https://a.example/{i}" for i in range(6))
    assert "LINK_LIMIT" in api.error("POST", f"{USER}/threads", media_type="TEXT", text=links)["message"]
    api.ok("POST", f"{USER}/threads", media_type="TEXT", text=links.rsplit(" ", 1)[0])


def test_a_container_in_progress_is_media_not_found_to_publish(make_sandbox: Any) -> None:
    api = Threads(make_sandbox(container_delay=30).url)
    container = api.ok("POST", f"{USER}/threads", media_type="TEXT", text="Belum siap")["id"]
    assert api.ok("GET", container, fields="status")["status"] == "IN_PROGRESS"
    error = api.error("POST", f"{USER}/threads_publish", creation_id=container)
    assert (error["code"], error["error_subcode"]) == (24, 4279009)


def test_publishing_a_container_twice_is_refused(api: Threads, sandbox: Any) -> None:
    container = api.ok("POST", f"{USER}/threads", media_type="TEXT", text="Sekali saja")["id"]
    api.ok("POST", f"{USER}/threads_publish", creation_id=container)
    assert api.error("POST", f"{USER}/threads_publish", creation_id=container)["code"] == 24
    assert len(sandbox.posts()) == 1


def test_250_posts_a_day_is_the_quota(make_sandbox: Any) -> None:
    api = Threads(make_sandbox(threads_quota=2).url)
    api.post("satu")
    api.post("dua")
    limit = api.ok("GET", f"{USER}/threads_publishing_limit", fields="quota_usage,config")
    assert limit == {"data": [{"quota_usage": 2, "config": {"quota_total": 2, "quota_duration": 86400}}]}
    container = api.ok("POST", f"{USER}/threads", media_type="TEXT", text="tiga")["id"]
    assert api.error("POST", f"{USER}/threads_publish", creation_id=container)["code"] == 4


def test_images_and_carousels_are_fetched_from_their_url(make_sandbox: Any, tmp_path: Any) -> None:
    for name, data in {"a.jpg": jpeg(1080, 1080), "b.png": png(800, 600), "strip.jpg": jpeg(4000, 300)}.items():
        (tmp_path / name).write_bytes(data)
    sandbox = make_sandbox(media_dir=str(tmp_path))
    api = Threads(sandbox.url)
    media = f"{sandbox.url}/media"
    one = api.ok("POST", f"{USER}/threads", media_type="IMAGE", image_url=f"{media}/a.jpg", alt_text="Bendungan",
                 text="Foto")["id"]
    api.ok("POST", f"{USER}/threads_publish", creation_id=one)
    items = [api.ok("POST", f"{USER}/threads", media_type="IMAGE", is_carousel_item="true", image_url=f"{media}/{n}")["id"]
             for n in ("a.jpg", "b.png")]
    assert api.error("POST", f"{USER}/threads", media_type="CAROUSEL", children=items[0], text="x")["code"] == 100
    carousel = api.ok("POST", f"{USER}/threads", media_type="CAROUSEL", children=",".join(items), text="Album")["id"]
    album = api.ok("POST", f"{USER}/threads_publish", creation_id=carousel)["id"]
    assert api.ok("GET", album, fields="media_type")["media_type"] == "CAROUSEL_ALBUM"
    assert [len(p["media"]) for p in sandbox.posts()] == [1, 2]
    for url, status in ((f"{media}/missing.jpg", "UNKNOWN"), (f"{media}/strip.jpg", "INVALID_ASPEC_RATIO")):
        bad = api.ok("POST", f"{USER}/threads", media_type="IMAGE", image_url=url, text="x")["id"]
        assert api.ok("GET", bad, fields="status,error_message") == {"id": bad, "status": "ERROR", "error_message": status}
        assert api.error("POST", f"{USER}/threads_publish", creation_id=bad)["code"] == 100


def test_replies_are_listed_apart_from_posts(api: Threads) -> None:
    first = api.post("Bagian 1/2")
    reply = api.post("Bagian 2/2", reply_to_id=first)
    posts = api.ok("GET", f"{USER}/threads", fields="id,text,timestamp,permalink")["data"]
    replies = api.ok("GET", f"{USER}/replies", fields="id,text")["data"]
    assert [p["id"] for p in posts] == [first] and replies == [{"id": reply, "text": "Bagian 2/2"}]
    since = int(time.time()) + 3600
    assert api.ok("GET", f"{USER}/threads", since=since)["data"] == []
    assert api.error("POST", f"{USER}/threads", media_type="TEXT", text="x", reply_to_id="404")["error_subcode"] == 33


def test_delete_then_gone(api: Threads, sandbox: Any) -> None:
    media = api.post("Salah ketik")
    assert api.ok("DELETE", media) == {"success": True, "deleted_id": media}
    assert sandbox.posts() == []
    error = api.error("DELETE", media)
    assert (error["code"], error["error_subcode"]) == (100, 33)
    assert api.error("GET", media)["error_subcode"] == 33


def test_tokens_unknown_revoked_and_their_expiry(api: Threads, sandbox: Any) -> None:
    assert Threads(sandbox.url, "salah").error("GET", "me")["code"] == 190
    data = api.ok("GET", "debug_token", input_token=TOKEN)["data"]
    assert data["is_valid"] and 59 * 86400 < data["expires_at"] - time.time() <= 60 * 86400  # long-lived: 60 days
    requests.post(f"{sandbox.url}/_sandbox/tokens/revoke", json={"token": TOKEN, "reason": "expired"},
                  timeout=5).raise_for_status()
    assert api.error("GET", "me")["code"] == 190
    assert api.error("GET", "debug_token", input_token=TOKEN)["error_subcode"] == 463  # asked with it, too


def test_faults_reach_threads(api: Threads, sandbox: Any) -> None:
    sandbox.set_faults({"next": [{"network": "threads", "path": "*/threads_publish", "status": 503}],
                        "lose_response": [{"network": "threads", "path": "*/threads_publish"}]})
    container = api.ok("POST", f"{USER}/threads", media_type="TEXT", text="Gangguan")["id"]
    error = api.error("POST", f"{USER}/threads_publish", creation_id=container)
    assert error["code"] == 2 and error["is_transient"] is True
    with pytest.raises(requests.ConnectionError):  # the write lands, its answer is lost
        api.raw("POST", f"{USER}/threads_publish", creation_id=container)
    assert [p["text"] for p in sandbox.posts()] == ["Gangguan"]
    sandbox.set_faults({"rate_limit": [{"network": "threads", "reset_in": 300}]})
    limited = api.raw("GET", "me")
    assert limited.json()["error"]["code"] == 4 and "estimated_time_to_regain_access" in limited.headers["X-App-Usage"]
