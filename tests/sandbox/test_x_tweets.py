"""POST /2/tweets, GET /2/users/me and GET /2/users/:id/tweets through tweepy.Client."""

from __future__ import annotations

import dataclasses

import pytest
import requests
import tweepy

from disseminator.sandbox import DEFAULT
from disseminator.sandbox.credentials import OTHER_X_USER
from disseminator.sandbox.server import SandboxServer
from tests.sandbox.conftest import OWN_X, x_client


def test_create_tweet_returns_201_with_increasing_19_digit_ids(client: tweepy.Client, sandbox: SandboxServer) -> None:
    first = client.create_tweet(text="Siaran pers pertama")
    second = client.create_tweet(text="Siaran pers kedua")
    assert first.data["text"] == "Siaran pers pertama"
    assert first.data["edit_history_tweet_ids"] == [first.data["id"]]
    assert len(first.data["id"]) == 19 and first.data["id"].isdigit()
    assert int(second.data["id"]) > int(first.data["id"])
    posts = sandbox.posts()
    assert [p["id"] for p in posts] == [first.data["id"], second.data["id"]]
    assert posts[0]["network"] == "x" and posts[0]["account"] == DEFAULT.x_user_id
    assert posts[0]["url"] == f"https://x.com/{DEFAULT.x_username}/status/{first.data['id']}"
    raw = requests.post(sandbox.url + "/_sandbox/faults", json={}).status_code
    assert raw == 200


def test_status_is_201(client: tweepy.Client) -> None:
    response = client.request("POST", "/2/tweets", json={"text": "status check"}, user_auth=True)
    assert response.status_code == 201
    assert response.headers["Content-Type"].startswith("application/json")


def test_duplicate_text_of_same_user_is_403(client: tweepy.Client, citizen: tweepy.Client) -> None:
    client.create_tweet(text="Jadwal vaksinasi")
    with pytest.raises(tweepy.Forbidden) as err:
        client.create_tweet(text="Jadwal vaksinasi")
    assert err.value.api_messages == ["You are not allowed to create a Tweet with duplicate content."]
    # Another user may say the same thing.
    assert citizen.create_tweet(text="Jadwal vaksinasi").data["id"]


def test_too_long_text_is_400_with_x_message(client: tweepy.Client, sandbox: SandboxServer) -> None:
    client.create_tweet(text="a" * 280)
    with pytest.raises(tweepy.BadRequest) as err:
        client.create_tweet(text="b" * 281)
    assert err.value.api_messages[0].startswith("Your Tweet text is too long.")
    # CJK weighs 2: 141 characters are 282.
    with pytest.raises(tweepy.BadRequest):
        client.create_tweet(text="漢" * 141)
    assert len(sandbox.posts()) == 1


def test_url_counts_23(client: tweepy.Client) -> None:
    with pytest.raises(tweepy.BadRequest):
        client.create_tweet(text="x" * 257 + " https://setkab.go.id/")  # 257 + 1 + 23 = 281
    # 256 + 1 + 23 = 280: accepted only because the long URL counts 23.
    client.create_tweet(text="y" * 256 + " https://setkab.go.id/" + "a" * 200)


def test_empty_text_without_media_is_400(client: tweepy.Client) -> None:
    with pytest.raises(tweepy.BadRequest):
        client.request("POST", "/2/tweets", json={"text": ""}, user_auth=True)


@pytest.mark.parametrize(
    "body",
    [
        {"text": "hi", "unknown": 1},
        {"text": "hi", "reply": {}},
        {"text": "hi", "reply": {"in_reply_to_tweet_id": "abc"}},
        {"text": "hi", "media": {"media_ids": []}},
        {"text": "hi", "media": {"media_ids": ["1", "2", "3", "4", "5"]}},
        {"text": 5},
        {"text": "hi", "reply_settings": "everyone"},
    ],
)
def test_body_breaking_the_schema_is_400(client: tweepy.Client, body: dict) -> None:
    with pytest.raises(tweepy.BadRequest) as err:
        client.request("POST", "/2/tweets", json=body, user_auth=True)
    assert err.value.response.json()["type"] == "https://api.x.com/2/problems/invalid-request"


def test_bad_signature_is_401(sandbox: SandboxServer) -> None:
    wrong = dataclasses.replace(OWN_X, consumer_secret="not-the-secret")
    with pytest.raises(tweepy.Unauthorized) as err:
        x_client(sandbox.url, wrong).create_tweet(text="hello")
    assert err.value.response.json() == {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
    assert sandbox.posts() == []


def test_unsigned_request_is_401(sandbox: SandboxServer) -> None:
    response = requests.post(sandbox.url + "/2/tweets", json={"text": "hello"})
    assert response.status_code == 401


def test_revoked_token_is_401_until_restored(client: tweepy.Client, sandbox: SandboxServer) -> None:
    requests.post(sandbox.url + "/_sandbox/tokens/revoke", json={"token": DEFAULT.x_access_token}).raise_for_status()
    with pytest.raises(tweepy.Unauthorized):
        client.get_me()
    requests.post(sandbox.url + "/_sandbox/tokens/restore", json={}).raise_for_status()
    assert client.get_me().data.id == int(DEFAULT.x_user_id)


def test_thread_replies_to_own_posts_allowed(client: tweepy.Client, sandbox: SandboxServer) -> None:
    head = client.create_tweet(text="1/2 utas")
    tail = client.create_tweet(text="2/2 utas", in_reply_to_tweet_id=head.data["id"])
    assert sandbox.posts()[1]["in_reply_to"] == head.data["id"]
    assert tail.data["id"]


def test_reply_to_others_refused_by_default(client: tweepy.Client, citizen: tweepy.Client) -> None:
    theirs = citizen.create_tweet(text="Pertanyaan warga")
    with pytest.raises(tweepy.Forbidden) as err:
        client.create_tweet(text="Jawaban", in_reply_to_tweet_id=theirs.data["id"])
    assert "you have not been mentioned" in err.value.api_messages[0]


def test_reply_policies(make_sandbox) -> None:
    summoned = make_sandbox(reply_policy="summoned_only")
    own = x_client(summoned.url)
    head = own.create_tweet(text="kepala")
    with pytest.raises(tweepy.Forbidden):
        own.create_tweet(text="ekor", in_reply_to_tweet_id=head.data["id"])
    open_ = make_sandbox(reply_policy="open")
    theirs = x_client(open_.url, OTHER_X_USER).create_tweet(text="tanya")
    assert x_client(open_.url).create_tweet(text="jawab", in_reply_to_tweet_id=theirs.data["id"]).data["id"]


def test_reply_to_missing_post_is_400(client: tweepy.Client) -> None:
    with pytest.raises(tweepy.BadRequest):
        client.create_tweet(text="reply", in_reply_to_tweet_id="1234567890123456789")


def test_media_ids_must_be_uploaded_by_user(client: tweepy.Client) -> None:
    with pytest.raises(tweepy.BadRequest) as err:
        client.create_tweet(text="with media", media_ids=["1234567890123456789"])
    assert err.value.api_messages == ["Your media IDs are invalid."]


def test_users_me(client: tweepy.Client) -> None:
    me = client.get_me()
    assert (str(me.data.id), me.data.username, me.data.name) == (DEFAULT.x_user_id, DEFAULT.x_username, DEFAULT.fb_page_name)


def test_users_tweets_pages_newest_first(client: tweepy.Client, citizen: tweepy.Client) -> None:
    ids = [client.create_tweet(text=f"post {i}").data["id"] for i in range(12)]
    citizen.create_tweet(text="not mine")
    fields = ["created_at", "conversation_id", "referenced_tweets"]
    page1 = client.get_users_tweets(DEFAULT.x_user_id, user_auth=True, max_results=5, tweet_fields=fields)
    assert [t.id for t in page1.data] == [int(i) for i in reversed(ids[-5:])]
    assert page1.meta["result_count"] == 5 and page1.meta["newest_id"] == ids[-1]
    assert page1.data[0].created_at is not None
    seen = [t.id for t in page1.data]
    token = page1.meta.get("next_token")
    while token:
        page = client.get_users_tweets(DEFAULT.x_user_id, user_auth=True, max_results=5, pagination_token=token)
        seen += [t.id for t in page.data]
        token = page.meta.get("next_token")
    assert seen == [int(i) for i in reversed(ids)]
    newer = client.get_users_tweets(DEFAULT.x_user_id, user_auth=True, since_id=ids[9])
    assert [t.id for t in newer.data] == [int(ids[11]), int(ids[10])]


def test_users_tweets_rejects_bad_max_results(client: tweepy.Client) -> None:
    with pytest.raises(tweepy.BadRequest) as err:
        client.get_users_tweets(DEFAULT.x_user_id, user_auth=True, max_results=3)
    assert "max_results" in err.value.api_messages[0]


def test_reply_fields_in_timeline(client: tweepy.Client) -> None:
    head = client.create_tweet(text="utas 1").data["id"]
    tail = client.create_tweet(text="utas 2", in_reply_to_tweet_id=head).data["id"]
    page = client.get_users_tweets(
        DEFAULT.x_user_id, user_auth=True, tweet_fields=["conversation_id", "in_reply_to_user_id", "referenced_tweets"]
    )
    reply = page.data[0]
    assert reply.id == int(tail)
    assert reply.conversation_id == int(head)
    assert reply.in_reply_to_user_id == int(DEFAULT.x_user_id)
    assert reply.referenced_tweets[0].id == int(head)


def test_unknown_x_route_is_404_problem(client: tweepy.Client) -> None:
    with pytest.raises(tweepy.NotFound):
        client.request("GET", "/2/nothing/here", user_auth=True)


def test_users_tweets_time_window(client: tweepy.Client) -> None:
    client.create_tweet(text="dalam jendela")
    found = client.get_users_tweets(DEFAULT.x_user_id, user_auth=True, start_time="2020-01-01T00:00:00Z")
    assert found.meta["result_count"] == 1
    none = client.get_users_tweets(DEFAULT.x_user_id, user_auth=True, end_time="2020-01-01T00:00:00Z")
    assert none.meta["result_count"] == 0 and none.data is None
