"""The sandbox's Telegram Bot API, called raw (requests) as the Bot API documents it
(core.telegram.org/bots/api): paths, ``ok``/``result`` and ``ok: false`` bodies, limits
counted in UTF-16 after HTML parsing, albums, the per-chat pace, deletes, and the faults."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests

from disseminator.sandbox import DEFAULT
from disseminator.sandbox.server import SandboxServer
from tests.sandbox.conftest import jpeg

CHANNEL = DEFAULT.telegram_channel


def call(sandbox: SandboxServer, method: str, token: str = DEFAULT.telegram_bot_token, *,
         files: dict[str, Any] | None = None, **params: Any) -> requests.Response:
    url = f"{sandbox.url}/telegram/bot{token}/{method}"
    if files:
        return requests.post(url, data={k: str(v) for k, v in params.items()}, files=files, timeout=10)
    return requests.post(url, json=params, timeout=10)


def refused(response: requests.Response, status: int, description: str) -> dict[str, Any]:
    """The Bot API's failure shape, exactly."""
    body: dict[str, Any] = response.json()
    assert response.status_code == status and body["ok"] is False
    assert (body["error_code"], body["description"]) == (status, description)
    return body


def test_send_message_answers_the_message_and_shows_it_at_sandbox_posts(sandbox: SandboxServer) -> None:
    answer = call(sandbox, "sendMessage", chat_id=CHANNEL, text="<b>Judul</b> &amp; isi", parse_mode="HTML",
                  link_preview_options={"url": "https://humas.example.go.id/a"})
    body = answer.json()
    assert answer.status_code == 200 and body["ok"] is True
    message = body["result"]
    assert message["text"] == "Judul & isi" and message["chat"]["id"] == DEFAULT.telegram_chat_id
    [post] = requests.get(f"{sandbox.url}/_sandbox/posts", params={"network": "telegram"}, timeout=5).json()["posts"]
    assert post["id"] == str(message["message_id"]) and post["text"] == "<b>Judul</b> &amp; isi"
    assert sandbox.app.state.data["posts"][0]["extra"]["link_preview"] == {"url": "https://humas.example.go.id/a"}


@pytest.mark.parametrize(("text", "accepted"), [
    ("a" * 4096, True),
    ("a" * 4097, False),
    ("😀" * 2048, True),  # two UTF-16 units each
    ("😀" * 2048 + "a", False),
    ("<b>" + "a" * 4096 + "</b>", True),  # tags do not count
    ("&amp;" * 4096, True),  # an entity is one character
    ("&amp;" * 4097, False),
])
def test_text_limit_is_4096_utf16_units_after_parsing(sandbox: SandboxServer, text: str, accepted: bool) -> None:
    answer = call(sandbox, "sendMessage", chat_id=CHANNEL, text=text, parse_mode="HTML")
    if accepted:
        assert answer.json()["ok"] is True
    else:
        refused(answer, 400, "Bad Request: message is too long")


@pytest.mark.parametrize(("markup", "why"), [
    ("a < b", "Unexpected character"),
    ("<script>x</script>", 'Unsupported start tag "script"'),
    ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
])
def test_html_it_cannot_parse_is_refused(sandbox: SandboxServer, markup: str, why: str) -> None:
    body = call(sandbox, "sendMessage", chat_id=CHANNEL, text=markup, parse_mode="HTML").json()
    assert body["error_code"] == 400 and body["description"].startswith("Bad Request: can't parse entities: " + why)


def test_photo_caption_is_1024_and_an_album_2_to_10(sandbox: SandboxServer) -> None:
    photo = ("p.jpg", jpeg(800, 600), "image/jpeg")
    ok = call(sandbox, "sendPhoto", files={"photo": photo}, chat_id=CHANNEL, caption="é" * 1024, parse_mode="HTML")
    assert ok.json()["ok"] is True and ok.json()["result"]["caption"] == "é" * 1024
    refused(call(sandbox, "sendPhoto", files={"photo": photo}, chat_id=CHANNEL, caption="é" * 1025),
            400, "Bad Request: message caption is too long")
    refused(call(sandbox, "sendPhoto", files={"photo": ("x.txt", b"not an image", "text/plain")}, chat_id=CHANNEL),
            400, "Bad Request: IMAGE_PROCESS_FAILED")

    def album(n: int) -> requests.Response:
        media = [{"type": "photo", "media": f"attach://p{i}", **({"caption": "Album"} if i == 0 else {})} for i in range(n)]
        return call(sandbox, "sendMediaGroup", files={f"p{i}": photo for i in range(n)}, chat_id=CHANNEL,
                    media=json.dumps(media))

    three = album(3).json()["result"]
    assert [m.get("caption") for m in three] == ["Album", None, None]
    ids = ",".join(str(m["message_id"]) for m in three)
    assert sandbox.posts()[-1]["id"] == ids and sandbox.posts()[-1]["text"] == "Album"
    refused(album(1), 400, "Bad Request: wrong number of media files")
    refused(album(11), 400, "Bad Request: wrong number of media files")


def test_tokens_chats_and_rights(sandbox: SandboxServer) -> None:
    refused(call(sandbox, "getMe", token="not-a-token"), 404, "Not Found")
    refused(call(sandbox, "getMe", token="7000000001:AAsome-other-token-000000000000000"), 401, "Unauthorized")
    refused(call(sandbox, "sendMessage", chat_id="@tidak_ada", text="x"), 400, "Bad Request: chat not found")
    refused(call(sandbox, "sendMessage", chat_id="@sandbox_lain", text="x"), 403,
            "Forbidden: bot is not a member of the channel chat")
    me = call(sandbox, "getMe").json()["result"]
    assert me["is_bot"] and me["username"] == DEFAULT.telegram_bot_username
    member = call(sandbox, "getChatMember", chat_id=CHANNEL, user_id=me["id"]).json()["result"]
    assert member["status"] == "administrator" and member["can_post_messages"] is True
    assert call(sandbox, "getChatMember", chat_id="@sandbox_lain", user_id=me["id"]).json()["result"]["status"] == "left"
    requests.post(f"{sandbox.url}/_sandbox/tokens/revoke", json={"token": DEFAULT.telegram_bot_token},
                  timeout=5).raise_for_status()
    refused(call(sandbox, "getMe"), 401, "Unauthorized")


def test_twenty_messages_a_minute_in_one_chat_then_429_with_retry_after(sandbox: SandboxServer) -> None:
    for i in range(20):
        assert call(sandbox, "sendMessage", chat_id=CHANNEL, text=f"pesan {i}").json()["ok"] is True
    body = call(sandbox, "sendMessage", chat_id=CHANNEL, text="satu lagi").json()
    assert body["error_code"] == 429 and body["description"].startswith("Too Many Requests: retry after ")
    assert 1 <= body["parameters"]["retry_after"] <= 60
    assert len(sandbox.posts()) == 20


def test_delete_within_48_hours_then_not_found(sandbox: SandboxServer) -> None:
    first = call(sandbox, "sendMessage", chat_id=CHANNEL, text="lama").json()["result"]["message_id"]
    second = call(sandbox, "sendMessage", chat_id=CHANNEL, text="baru").json()["result"]["message_id"]
    sandbox.app.state.data["posts"][0]["extra"]["sent_at"] = time.time() - 49 * 3600
    refused(call(sandbox, "deleteMessage", chat_id=CHANNEL, message_id=first), 400,
            "Bad Request: message can't be deleted")
    assert call(sandbox, "deleteMessage", chat_id=CHANNEL, message_id=second).json() == {"ok": True, "result": True}
    refused(call(sandbox, "deleteMessage", chat_id=CHANNEL, message_id=second), 400,
            "Bad Request: message to delete not found")
    assert [p["text"] for p in sandbox.posts()] == ["lama"] and [d["text"] for d in sandbox.deleted()] == ["baru"]


def test_faults_work_for_telegram(sandbox: SandboxServer) -> None:
    sandbox.set_faults({"next": [{"network": "telegram", "path": "/sendMessage", "status": 400, "count": 1},
                                 {"network": "telegram", "path": "/sendMessage", "status": 502, "count": 1}]})
    refused(call(sandbox, "sendMessage", chat_id=CHANNEL, text="x"), 400, "Bad Request: sandbox fault")
    refused(call(sandbox, "sendMessage", chat_id=CHANNEL, text="x"), 502, "Bad Gateway")
    sandbox.set_faults({"rate_limit": [{"network": "telegram", "path": "*/sendMessage", "reset_in": 30}]})
    body = call(sandbox, "sendMessage", chat_id=CHANNEL, text="x").json()
    assert body["error_code"] == 429 and 29 <= body["parameters"]["retry_after"] <= 30
    assert call(sandbox, "getMe").json()["ok"] is True  # only the path named
    sandbox.set_faults({"lose_response": [{"network": "telegram", "path": "/sendMessage", "count": 1}]})
    with pytest.raises(requests.ConnectionError):
        call(sandbox, "sendMessage", chat_id=CHANNEL, text="hilang")
    assert [p["text"] for p in sandbox.posts()] == ["hilang"]  # it landed; the answer was lost
