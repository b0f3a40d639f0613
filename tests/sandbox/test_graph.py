"""Facebook Page endpoints through facebook-sdk: feed, photos, reads, tokens, versions."""

from __future__ import annotations

import io

import facebook
import pytest
import requests

from disseminator.sandbox import DEFAULT
from tests.sandbox.conftest import graph_api, jpeg

PAGE = DEFAULT.fb_page_id


def test_feed_post_returns_page_post_id(graph: facebook.GraphAPI, sandbox) -> None:
    result = graph.put_object(PAGE, "feed", message="Rilis: jadwal layanan", link="https://setkab.go.id/a")
    page_id, _, post_id = result["id"].partition("_")
    assert page_id == PAGE and post_id.isdigit()
    post = sandbox.posts()[0]
    assert (post["network"], post["account"], post["text"]) == ("facebook", PAGE, "Rilis: jadwal layanan")
    assert post["url"] == f"https://www.facebook.com/{result['id']}"
    one = requests.get(f"{sandbox.url}/_sandbox/posts/facebook/{result['id']}").json()
    assert one == post


def test_duplicate_of_previous_message_is_506(graph: facebook.GraphAPI) -> None:
    graph.put_object(PAGE, "feed", message="Sama")
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.put_object(PAGE, "feed", message="Sama")
    error = err.value.result["error"]
    assert (err.value.code, error["error_subcode"]) == (506, 1455006)
    assert error["error_user_title"] == "Duplicate Status Update"
    graph.put_object(PAGE, "feed", message="Beda")
    graph.put_object(PAGE, "feed", message="Sama")  # not consecutive any more: accepted


def test_neither_message_nor_link_is_100(graph: facebook.GraphAPI) -> None:
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.put_object(PAGE, "feed", published="true")
    assert err.value.code == 100


@pytest.mark.parametrize(("reason", "subcode"), [("password_changed", 460), ("expired", 463), ("logged_out", 467)])
def test_revoked_token_is_190_with_subcode(graph: facebook.GraphAPI, sandbox, reason: str, subcode: int) -> None:
    requests.post(sandbox.url + "/_sandbox/tokens/revoke", json={"token": DEFAULT.fb_page_token, "reason": reason})
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.get_object(PAGE)
    assert err.value.code == 190 and err.value.result["error"]["error_subcode"] == subcode
    assert err.value.message.startswith("Error validating access token")
    requests.post(sandbox.url + "/_sandbox/tokens/restore", json={"token": DEFAULT.fb_page_token})
    assert graph.get_object(PAGE)["id"] == PAGE


def test_unknown_token_is_190(sandbox) -> None:
    with pytest.raises(facebook.GraphAPIError) as err:
        graph_api(sandbox.url, token="nonsense").get_object("me")
    assert err.value.code == 190 and err.value.type == "OAuthException"


def test_permission_removed_is_200_on_writes_only(graph: facebook.GraphAPI, sandbox) -> None:
    requests.post(sandbox.url + "/_sandbox/tokens/revoke", json={"token": DEFAULT.fb_page_token, "reason": "permission"})
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.put_object(PAGE, "feed", message="tidak boleh")
    assert err.value.code == 200
    assert graph.get_object("me")["id"] == PAGE


def test_page_fields_and_me(graph: facebook.GraphAPI) -> None:
    page = graph.get_object(PAGE, fields="id,name,instagram_business_account")
    assert page == {"id": PAGE, "name": DEFAULT.fb_page_name, "instagram_business_account": {"id": DEFAULT.ig_user_id}}
    assert graph.get_object("me")["id"] == PAGE
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.get_object(PAGE, fields="id,bogus")
    assert err.value.code == 100


def test_photo_by_upload(graph: facebook.GraphAPI, sandbox) -> None:
    by_upload = graph.put_photo(io.BytesIO(jpeg(800, 800)), album_path=f"{PAGE}/photos", message="Foto kegiatan")
    assert by_upload["post_id"].startswith(PAGE + "_") and by_upload["id"].isdigit()
    assert sandbox.posts()[-1]["text"] == "Foto kegiatan"


def test_photo_by_url_is_fetched(make_sandbox, tmp_path) -> None:
    (tmp_path / "foto.jpg").write_bytes(jpeg(1200, 800))
    sandbox = make_sandbox(media_dir=str(tmp_path))
    graph = graph_api(sandbox.url)
    result = graph.put_object(PAGE, "photos", url=f"{sandbox.url}/media/foto.jpg", caption="Dari URL")
    assert sandbox.posts()[0]["media"] == [f"{sandbox.url}/media/foto.jpg"]
    assert result["post_id"] == sandbox.posts()[0]["id"]
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.put_object(PAGE, "photos", url=f"{sandbox.url}/media/missing.jpg")
    assert err.value.code == 324


def test_published_posts_paging_through_get_all_connections(graph: facebook.GraphAPI, sandbox) -> None:
    ids = [graph.put_object(PAGE, "feed", message=f"pos {i}")["id"] for i in range(7)]
    first = graph.get_connections(PAGE, "published_posts", limit=3, fields="id,message,created_time,permalink_url")
    assert "access_token=" in first["paging"]["next"]
    assert first["data"][0]["created_time"].endswith("+0000")
    every = list(graph.get_all_connections(PAGE, "published_posts", limit=3, fields="id,message"))
    assert [p["id"] for p in every] == list(reversed(ids))
    assert len(list(graph.get_all_connections(PAGE, "feed", limit=2))) == 7


def test_since_until_filter(graph: facebook.GraphAPI) -> None:
    graph.put_object(PAGE, "feed", message="lama")
    assert graph.get_connections(PAGE, "published_posts", since="2999-01-01T00:00:00")["data"] == []
    assert len(graph.get_connections(PAGE, "published_posts", until="2999-01-01")["data"]) == 1


def test_version_header_is_raised_to_oldest_live(sandbox) -> None:
    response = requests.get(f"{sandbox.url}/v2.8/me", params={"access_token": DEFAULT.fb_page_token})
    assert response.status_code == 200 and response.headers["facebook-api-version"] == "v21.0"
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    newer = requests.get(f"{sandbox.url}/v25.0/me", params={"access_token": DEFAULT.fb_page_token})
    assert newer.headers["facebook-api-version"] == "v25.0"
    assert requests.get(f"{sandbox.url}/me", params={"access_token": DEFAULT.fb_page_token}).json()["id"] == PAGE


def test_strict_version_refuses_old_versions(make_sandbox) -> None:
    sandbox = make_sandbox(strict_version=True)
    old = facebook.GraphAPI(access_token=DEFAULT.fb_page_token, session=graph_api(sandbox.url).session)  # v2.8
    with pytest.raises(facebook.GraphAPIError) as err:
        old.get_object("me")
    assert err.value.code == 2500
    assert graph_api(sandbox.url).get_object("me")["id"] == PAGE


def test_errors_are_json_with_content_type(sandbox) -> None:
    response = requests.post(f"{sandbox.url}/v21.0/{PAGE}/feed", data={"message": "x"})
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert set(response.json()["error"]) >= {"message", "type", "code", "is_transient", "fbtrace_id"}
