"""X requests (as tweepy sends them) and sandbox responses against X's official OpenAPI.

The oracle is xdevplatform/docs openapi.json (v2.167), kept in ../shared/oracles.  Its
server is https://api.x.com, so requests are checked with the official URL they were
prepared with, before the session rewrote them to the sandbox.
"""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest
import requests
import tweepy

from tests.sandbox.conftest import RewriteAdapter, jpeg, oracles_dir, x_client

openapi_core = pytest.importorskip("openapi_core")
# openapi-core cannot check the "OAuth" http scheme (the signature is checked by the sandbox).
pytestmark = pytest.mark.filterwarnings("ignore:Unsupported scheme type:UserWarning")
from openapi_core import Config, OpenAPI  # noqa: E402
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse  # noqa: E402
from openapi_core.validation.response.exceptions import InvalidData  # noqa: E402


@pytest.fixture(scope="module")
def spec() -> OpenAPI:
    document = json.loads((oracles_dir() / "x_openapi.json").read_text(encoding="utf-8"))
    # Skip validating the 850 KB document itself: it is the oracle, not under test.  X
    # sends errors as application/problem+json, which openapi-core does not parse by itself.
    config = Config(spec_validator_cls=None, extra_media_type_deserializers={"application/problem+json": json.loads})
    return OpenAPI.from_dict(document, config=config)


class RecordingAdapter(RewriteAdapter):
    """Rewrites to the sandbox like the channels' adapter, and keeps each exchange."""

    def __init__(self, official: str, local: str) -> None:
        super().__init__(official, local)
        self.exchanges: list[tuple[requests.PreparedRequest, requests.Response]] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        official = request.copy()
        official.url = "https://api.x.com" + request.url[len(self.official) :]  # type: ignore[index]
        # requests_oauthlib leaves some header values as bytes; openapi-core wants text.
        for name, value in list(official.headers.items()):
            if isinstance(value, bytes):
                official.headers[name] = value.decode("latin-1")
        response = super().send(request, **kwargs)
        self.exchanges.append((official, response))
        return response


@pytest.fixture
def recorded(sandbox) -> tuple[tweepy.Client, RecordingAdapter]:
    client = x_client(sandbox.url)
    adapter = RecordingAdapter("https://api.twitter.com", sandbox.url)
    client.session.mount("https://api.twitter.com", adapter)
    return client, adapter


def _validate(spec: OpenAPI, adapter: RecordingAdapter) -> None:
    assert adapter.exchanges
    for request, response in adapter.exchanges:
        openapi_request = RequestsOpenAPIRequest(request)
        spec.validate_request(openapi_request)
        spec.validate_response(openapi_request, RequestsOpenAPIResponse(response))


def test_create_tweet_matches_spec(spec: OpenAPI, recorded, sandbox) -> None:
    client, adapter = recorded
    head = client.create_tweet(text="Siaran pers #humas").data["id"]
    client.create_tweet(text="lanjutan", in_reply_to_tweet_id=head)
    _validate(spec, adapter)


def test_create_tweet_with_media_matches_spec(spec: OpenAPI, recorded, sandbox) -> None:
    client, adapter = recorded
    body = {"media": base64.b64encode(jpeg(600, 400)).decode(), "media_category": "tweet_image"}
    media_id = client.request("POST", "/2/media/upload", json=body, user_auth=True).json()["data"]["id"]
    adapter.exchanges.clear()
    client.create_tweet(text="bergambar", media_ids=[media_id])
    _validate(spec, adapter)


def test_users_me_matches_spec(spec: OpenAPI, recorded) -> None:
    client, adapter = recorded
    client.get_me()
    _validate(spec, adapter)


def test_invalid_request_problem_matches_spec(spec: OpenAPI, recorded) -> None:
    client, adapter = recorded
    with pytest.raises(tweepy.BadRequest):
        client.create_tweet(text="z" * 300)
    _validate(spec, adapter)


def test_spec_catches_a_wrong_response(spec: OpenAPI, recorded) -> None:
    """The check can fail: a response without data.id is refused by the oracle."""
    client, adapter = recorded
    client.create_tweet(text="untuk dirusak")
    request, response = adapter.exchanges[-1]
    broken = copy.copy(response)
    broken._content = json.dumps({"data": {"text": "no id"}}).encode()
    with pytest.raises(InvalidData) as info:
        spec.validate_response(RequestsOpenAPIRequest(request), RequestsOpenAPIResponse(broken))
    assert "'id' is a required property" in str(info.value)
    # The same exchange untouched passes, so it was the missing id that was refused.
    spec.validate_response(RequestsOpenAPIRequest(request), RequestsOpenAPIResponse(response))


def test_media_metadata_matches_spec(spec: OpenAPI, sandbox) -> None:
    from requests_oauthlib import OAuth1

    from tests.sandbox.conftest import OWN_X

    client = x_client(sandbox.url)
    adapter = RecordingAdapter("https://api.x.com", sandbox.url)
    client.session.mount("https://api.x.com", adapter)
    auth = OAuth1(OWN_X.consumer_key, OWN_X.consumer_secret, OWN_X.access_token, OWN_X.access_token_secret)
    body = {"media": base64.b64encode(jpeg(600, 400)).decode(), "media_category": "tweet_image"}
    media_id = client.request("POST", "/2/media/upload", json=body, user_auth=True).json()["data"]["id"]
    response = client.session.post(
        "https://api.x.com/2/media/metadata",
        json={"id": media_id, "metadata": {"alt_text": {"text": "Foto kegiatan"}}},
        auth=auth,
    )
    assert response.status_code == 200
    _validate(spec, adapter)


def test_users_tweets_timeline_matches_spec(spec: OpenAPI, recorded) -> None:
    client, adapter = recorded
    for i in range(3):
        client.create_tweet(text=f"Kabar nomor {i} https://humas.example.go.id/{i}")
    user_id = client.get_me().data["id"]
    adapter.exchanges.clear()
    page = client.get_users_tweets(user_id, user_auth=True, max_results=5,
                                   tweet_fields=["created_at", "conversation_id", "attachments"])
    assert len(page.data) == 3
    _validate(spec, adapter)


@pytest.mark.parametrize("case", ["duplicate", "unauthorized", "rate_limited"])
def test_error_problems_match_spec(spec: OpenAPI, recorded, sandbox, case: str) -> None:
    client, adapter = recorded
    if case == "duplicate":
        client.create_tweet(text="sekali saja")
        adapter.exchanges.clear()
        with pytest.raises(tweepy.Forbidden):
            client.create_tweet(text="sekali saja")
    elif case == "unauthorized":
        client.consumer_secret = "bukan-rahasia-yang-benar"
        with pytest.raises(tweepy.Unauthorized):
            client.create_tweet(text="tanpa izin")
    else:
        sandbox.set_faults({"rate_limit": [{"network": "x", "path": "/2/tweets", "reset_in": 60}]})
        with pytest.raises(tweepy.TooManyRequests):
            client.create_tweet(text="terlalu cepat")
    request, response = adapter.exchanges[-1]
    assert response.status_code in (401, 403, 429)
    spec.validate_request(RequestsOpenAPIRequest(request))
    # X sends these as RFC 7807 problems of type "about:blank" (reference §1.3, from real
    # logs); the OpenAPI document lists only its typed problems, so check the members.
    body = response.json()
    assert body["type"] == "about:blank" and body["status"] == response.status_code
    assert body["title"] and body["detail"]


def test_our_channel_upload_and_post_match_spec(spec: OpenAPI, sandbox, tmp_path) -> None:
    """The requests channels/x_media.py itself sends (multipart upload, alt text, post)."""
    from channels.base import Context, Draft, Media
    from channels.media.images import prepare
    from tests.contract.test_error_codes import x_channel

    import shutil

    from tests.helpers import REPO

    image = tmp_path / "foto.jpg"
    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", image)
    channel = x_channel(sandbox.url)
    channel.context = Context(base_dir=tmp_path, media_dir=tmp_path / "prepared")
    # X uploads the image prepared at render time (channels/media/images.py), never the source.
    media = prepare([Media(url=str(image), alt="Foto")], network="x", account=channel.account,
                    context=channel.context, warnings=[], required=False)
    session = channel.client().session
    adapter = RecordingAdapter("https://api.x.com", sandbox.url)
    session.mount("https://api.x.com", adapter)
    tweets = RecordingAdapter("https://api.twitter.com", sandbox.url)
    session.mount("https://api.twitter.com", tweets)
    channel.publish_part(Draft(parts=("Foto kegiatan",), media=media), 0)
    paths = [r.path_url for r, _ in adapter.exchanges + tweets.exchanges]
    assert paths == ["/2/media/upload", "/2/media/metadata", "/2/tweets"]
    adapter.exchanges.extend(tweets.exchanges)
    _validate(spec, adapter)
