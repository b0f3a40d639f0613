"""--data keeps posts, ids, media, quotas and revocations across a restart."""

from __future__ import annotations

import json

import requests
import tweepy
import pytest

from disseminator.sandbox import DEFAULT
from disseminator.sandbox.state import STATE_FILE
from tests.sandbox.conftest import graph_api, x_client


def test_restart_keeps_everything(make_sandbox, tmp_path) -> None:
    data = tmp_path / "state"
    first = make_sandbox(data_dir=str(data))
    tweet = x_client(first.url).create_tweet(text="tersimpan").data["id"]
    graph_api(first.url).put_object(DEFAULT.fb_page_id, "feed", message="tersimpan juga")
    requests.post(first.url + "/_sandbox/tokens/revoke", json={"token": "some-token"})
    before = first.posts()
    first.stop()
    assert json.loads((data / STATE_FILE).read_text())["posts"][0]["id"] == tweet
    assert not [p for p in data.iterdir() if p.name.startswith(".state-")]  # no temp files left

    second = make_sandbox(data_dir=str(data))
    assert second.posts() == before
    client = x_client(second.url)
    with pytest.raises(tweepy.Forbidden):  # still a duplicate after the restart
        client.create_tweet(text="tersimpan")
    assert int(client.create_tweet(text="baru").data["id"]) > int(tweet)
    assert second.app.revocation("some-token") == "password_changed"
    assert client.get_users_tweets(DEFAULT.x_user_id, user_auth=True).meta["result_count"] == 2


def test_without_data_dir_nothing_is_written(make_sandbox, tmp_path, monkeypatch) -> None:
    # Every place a default could write to is an empty folder of this test's.
    import tempfile

    places = {name: tmp_path / name for name in ("cwd", "tmp", "home", "xdg_data", "xdg_state", "xdg_cache")}
    for folder in places.values():
        folder.mkdir()
    monkeypatch.chdir(places["cwd"])
    monkeypatch.setattr(tempfile, "tempdir", str(places["tmp"]))
    for var, name in (("TMPDIR", "tmp"), ("HOME", "home"), ("XDG_DATA_HOME", "xdg_data"),
                      ("XDG_STATE_HOME", "xdg_state"), ("XDG_CACHE_HOME", "xdg_cache")):
        monkeypatch.setenv(var, str(places[name]))
    sandbox = make_sandbox()
    x_client(sandbox.url).create_tweet(text="sementara")
    requests.post(sandbox.url + "/_sandbox/tokens/revoke", json={"token": "some-token"})
    assert len(sandbox.posts()) == 1  # it did hold the post, in memory
    assert {name: sorted(p.name for p in folder.iterdir()) for name, folder in places.items()} == {
        name: [] for name in places
    }
