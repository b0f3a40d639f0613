"""X media upload: v2 simple (multipart and JSON), chunked, STATUS, v1.1 through tweepy.API."""

from __future__ import annotations

import base64
import io

import pytest
import requests
import tweepy
from requests_oauthlib import OAuth1

from disseminator.sandbox import DEFAULT
from disseminator.sandbox.credentials import OTHER_X_USER
from tests.sandbox.conftest import OWN_X, jpeg, png, sandbox_session, x_client

UPLOAD = "https://api.x.com/2/media/upload"


def _auth(user=OWN_X) -> OAuth1:
    return OAuth1(user.consumer_key, user.consumer_secret, user.access_token, user.access_token_secret)


def test_multipart_upload_then_tweet_with_media(sandbox) -> None:
    session = sandbox_session(sandbox.url)
    response = session.post(
        UPLOAD, files={"media": ("a.jpg", jpeg(1200, 675))}, data={"media_category": "tweet_image"}, auth=_auth()
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["image"] == {"image_type": "image/jpeg", "w": 1200, "h": 675}
    assert data["media_key"] == "3_" + data["id"]
    client = x_client(sandbox.url)
    tweet = client.create_tweet(text="dengan gambar", media_ids=[data["id"]])
    assert sandbox.posts()[0]["media"] == [data["id"]]
    assert tweet.data["id"]
    # Someone else's media id is refused.
    with pytest.raises(tweepy.BadRequest):
        x_client(sandbox.url, OTHER_X_USER).create_tweet(text="curian", media_ids=[data["id"]])


def test_json_base64_upload_and_status(sandbox) -> None:
    client = x_client(sandbox.url)
    body = {"media": base64.b64encode(png(640, 480)).decode(), "media_category": "tweet_image"}
    data = client.request("POST", "/2/media/upload", json=body, user_auth=True).json()["data"]
    assert data["image"]["image_type"] == "image/png"
    status = client.request("GET", "/2/media/upload", params={"command": "STATUS", "media_id": data["id"]}, user_auth=True)
    assert status.json()["data"]["processing_info"]["state"] == "succeeded"


@pytest.mark.parametrize(
    ("payload", "why"),
    [(b"plain text, not an image", "Unsupported"), (jpeg(100, 100, 5 * 1024 * 1024 + 10), "exceeds")],
)
def test_bad_images_are_400(sandbox, payload: bytes, why: str) -> None:
    session = sandbox_session(sandbox.url)
    response = session.post(UPLOAD, files={"media": ("x.jpg", payload)}, data={"media_category": "tweet_image"}, auth=_auth())
    assert response.status_code == 400
    assert why in response.json()["errors"][0]["message"]


def test_chunked_upload(sandbox) -> None:
    client = x_client(sandbox.url)
    image = jpeg(800, 800, 300_000)
    init = client.request(
        "POST", "/2/media/upload/initialize",
        json={"media_type": "image/jpeg", "total_bytes": len(image), "media_category": "tweet_image"}, user_auth=True,
    ).json()["data"]
    media_id = init["id"]
    for index, start in enumerate(range(0, len(image), 100_000)):
        chunk = base64.b64encode(image[start : start + 100_000]).decode()
        client.request("POST", f"/2/media/upload/{media_id}/append", json={"media": chunk, "segment_index": index}, user_auth=True)
    # A tweet cannot use the media before finalize.
    with pytest.raises(tweepy.BadRequest):
        client.create_tweet(text="terlalu cepat", media_ids=[media_id])
    done = client.request("POST", f"/2/media/upload/{media_id}/finalize", user_auth=True).json()["data"]
    assert done["size"] == len(image) and done["image"]["w"] == 800
    assert client.create_tweet(text="chunked", media_ids=[media_id]).data["id"]


def test_v11_upload_through_tweepy_api(sandbox) -> None:
    auth = tweepy.OAuth1UserHandler(
        DEFAULT.x_consumer_key, DEFAULT.x_consumer_secret, DEFAULT.x_access_token, DEFAULT.x_access_token_secret
    )
    api = tweepy.API(auth)
    api.session = sandbox_session(sandbox.url)
    media = api.media_upload("poster.jpg", file=io.BytesIO(jpeg(1000, 500)))
    assert media.media_id_string.isdigit() and media.image["w"] == 1000
    assert x_client(sandbox.url).create_tweet(text="v1.1", media_ids=[media.media_id_string]).data["id"]


def test_upload_needs_signature(sandbox) -> None:
    response = requests.post(sandbox.url + "/2/media/upload", files={"media": ("a.jpg", jpeg(10, 10))})
    assert response.status_code == 401


def test_v11_chunked_upload_through_tweepy_api(sandbox) -> None:
    auth = tweepy.OAuth1UserHandler(
        DEFAULT.x_consumer_key, DEFAULT.x_consumer_secret, DEFAULT.x_access_token, DEFAULT.x_access_token_secret
    )
    api = tweepy.API(auth)
    api.session = sandbox_session(sandbox.url)
    image = jpeg(1600, 900, 2_500_000)
    media = api.media_upload("besar.jpg", file=io.BytesIO(image), chunked=True, media_category="tweet_image")
    assert media.size == len(image)
    assert x_client(sandbox.url).create_tweet(text="chunked v1.1", media_ids=[media.media_id_string]).data["id"]


def test_alt_text_metadata(sandbox) -> None:
    session = sandbox_session(sandbox.url)
    media_id = session.post(
        UPLOAD, files={"media": ("a.jpg", jpeg(1200, 675))}, data={"media_category": "tweet_image"}, auth=_auth()
    ).json()["data"]["id"]
    body = {"id": media_id, "metadata": {"alt_text": {"text": "Presiden meresmikan bendungan"}}}
    response = session.post("https://api.x.com/2/media/metadata", json=body, auth=_auth())
    assert response.status_code == 200
    assert response.json()["data"] == {"id": media_id, "associated_metadata": body["metadata"]}
    assert sandbox.app.state.data["media"][media_id]["alt_text"] == "Presiden meresmikan bendungan"
    too_long = {"id": media_id, "metadata": {"alt_text": {"text": "a" * 1001}}}
    assert session.post("https://api.x.com/2/media/metadata", json=too_long, auth=_auth()).status_code == 400
    theirs = session.post("https://api.x.com/2/media/metadata", json=body, auth=_auth(OTHER_X_USER))
    assert theirs.status_code == 400


def test_alt_text_metadata_v11(sandbox) -> None:
    auth = tweepy.OAuth1UserHandler(
        DEFAULT.x_consumer_key, DEFAULT.x_consumer_secret, DEFAULT.x_access_token, DEFAULT.x_access_token_secret
    )
    api = tweepy.API(auth)
    api.session = sandbox_session(sandbox.url)
    media = api.media_upload("poster.jpg", file=io.BytesIO(jpeg(1000, 500)))
    api.create_media_metadata(media.media_id_string, "Poster Hari Guru")
    assert sandbox.app.state.data["media"][media.media_id_string]["alt_text"] == "Poster Hari Guru"
