"""Deleting posts through the real clients: X's DELETE /2/tweets/:id and Graph's
DELETE /{page-post-id}, with the networks' answers; a deleted post leaves every read."""

from __future__ import annotations

import facebook
import pytest
import requests
import tweepy

from disseminator.sandbox import DEFAULT
from disseminator.sandbox.server import SandboxServer
from tests.sandbox.conftest import OWN_X

PAGE = DEFAULT.fb_page_id


def test_x_delete_answers_deleted_and_the_post_leaves_every_read(client: tweepy.Client, sandbox: SandboxServer) -> None:
    tweet = client.create_tweet(text="Jadwal keliru", user_auth=True).data["id"]
    kept = client.create_tweet(text="Jadwal lain", user_auth=True).data["id"]
    assert client.delete_tweet(tweet, user_auth=True).data == {"deleted": True}
    assert [p["id"] for p in sandbox.posts()] == [kept]
    timeline = client.get_users_tweets(OWN_X.user_id, user_auth=True).data
    assert [t.id for t in timeline] == [int(kept)]
    assert requests.get(f"{sandbox.url}/_sandbox/posts/x/{tweet}").status_code == 404
    [gone] = requests.get(f"{sandbox.url}/_sandbox/deleted").json()["deleted"]
    assert (gone["id"], gone["text"]) == (tweet, "Jadwal keliru") and gone["deleted_at"]
    # Gone: X's 404 resource-not-found (what the channel counts as deleted already).
    with pytest.raises(tweepy.NotFound) as err:
        client.delete_tweet(tweet, user_auth=True)
    assert err.value.response.json()["type"].endswith("/resource-not-found")
    # The same text may be posted again once the first is deleted.
    client.create_tweet(text="Jadwal keliru", user_auth=True)


def test_x_delete_of_another_accounts_post_is_403(client: tweepy.Client, citizen: tweepy.Client,
                                                  sandbox: SandboxServer) -> None:
    theirs = citizen.create_tweet(text="pertanyaan warga", user_auth=True).data["id"]
    with pytest.raises(tweepy.Forbidden, match="not allowed to delete"):
        client.delete_tweet(theirs, user_auth=True)
    assert len(sandbox.posts()) == 1


def test_graph_delete_answers_success_and_again_does_not_exist(graph: facebook.GraphAPI,
                                                               sandbox: SandboxServer) -> None:
    post = graph.put_object(PAGE, "feed", message="Rilis keliru")["id"]
    assert graph.delete_object(post) == {"success": True}
    assert sandbox.posts() == []
    assert list(graph.get_all_connections(PAGE, "published_posts")) == []
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.delete_object(post)
    error = err.value.result["error"]
    assert (error["code"], error["error_subcode"]) == (100, 33)
    assert error["message"].startswith("Unsupported delete request.")
