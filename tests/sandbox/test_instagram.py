"""Instagram publishing through facebook-sdk: container, status, publish, quota, errors."""

from __future__ import annotations

import time

import facebook
import pytest

from disseminator.sandbox import DEFAULT
from tests.sandbox.conftest import graph_api, jpeg, png

IG = DEFAULT.ig_user_id


@pytest.fixture
def media_sandbox(make_sandbox, tmp_path):
    """A sandbox serving tmp_path at /media/, with a few images in it."""
    images = {
        "square.jpg": jpeg(1080, 1080),
        "portrait.jpg": jpeg(1080, 1350),
        "tall.jpg": jpeg(1080, 1920),
        "wide.jpg": jpeg(1910, 1000),
        "too-wide.jpg": jpeg(2000, 1000),
        "huge.jpg": jpeg(1080, 1080, 8 * 1024 * 1024 + 100),
        "poster.png": png(1080, 1080),
    }
    for name, data in images.items():
        (tmp_path / name).write_bytes(data)

    def make(**options):
        sandbox = make_sandbox(media_dir=str(tmp_path), **options)
        return sandbox, graph_api(sandbox.url)

    return make


def _url(sandbox, name: str) -> str:
    return f"{sandbox.url}/media/{name}"


def test_container_status_publish(media_sandbox) -> None:
    sandbox, graph = media_sandbox()
    container = graph.put_object(IG, "media", image_url=_url(sandbox, "portrait.jpg"), caption="Halo #humas", alt_text="Foto")
    status = graph.get_object(container["id"], fields="status_code,status,id")
    assert status["status_code"] == "FINISHED" and status["id"] == container["id"]
    media = graph.put_object(IG, "media_publish", creation_id=container["id"])
    post = sandbox.posts()[0]
    assert (post["network"], post["id"], post["account"], post["text"]) == ("instagram", media["id"], IG, "Halo #humas")
    assert post["url"].startswith("https://www.instagram.com/p/") and post["url"].endswith("/")
    assert graph.get_object(media["id"], fields="permalink")["permalink"] == post["url"]
    assert graph.get_object(container["id"], fields="status_code")["status_code"] == "PUBLISHED"
    listed = graph.get_connections(IG, "media", fields="id,caption,timestamp,permalink,media_type,media_product_type")
    assert listed["data"][0]["media_type"] == "IMAGE" and listed["data"][0]["media_product_type"] == "FEED"


def test_container_in_progress_then_9007_then_finished(media_sandbox) -> None:
    sandbox, graph = media_sandbox(container_delay=0.3)
    container = graph.put_object(IG, "media", image_url=_url(sandbox, "square.jpg"), caption="tunggu")
    assert graph.get_object(container["id"], fields="status_code")["status_code"] == "IN_PROGRESS"
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.put_object(IG, "media_publish", creation_id=container["id"])
    assert (err.value.code, err.value.result["error"]["error_subcode"]) == (9007, 2207027)
    for _ in range(100):
        if graph.get_object(container["id"], fields="status_code")["status_code"] == "FINISHED":
            break
        time.sleep(0.02)
    assert graph.put_object(IG, "media_publish", creation_id=container["id"])["id"]


@pytest.mark.parametrize(
    ("image", "code", "subcode"),
    [
        ("missing.jpg", 9004, 2207052),
        ("poster.png", 36001, 2207005),
        ("huge.jpg", 36000, 2207004),
        ("tall.jpg", 36003, 2207009),
        ("too-wide.jpg", 36003, 2207009),
    ],
)
def test_image_errors(media_sandbox, image: str, code: int, subcode: int) -> None:
    sandbox, graph = media_sandbox()
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.put_object(IG, "media", image_url=_url(sandbox, image), caption="x")
    error = err.value.result["error"]
    assert (err.value.code, error["error_subcode"]) == (code, subcode)
    if code == 36003:
        assert "aspect ratio" in error["error_user_msg"]
    if code == 9004:
        assert _url(sandbox, image) in error["error_user_msg"]


def test_aspect_ratio_limits_accepted(media_sandbox) -> None:
    sandbox, graph = media_sandbox()
    for name in ("portrait.jpg", "wide.jpg", "square.jpg"):
        assert graph.put_object(IG, "media", image_url=_url(sandbox, name))["id"]


@pytest.mark.parametrize(
    "caption",
    ["a" * 2201, " ".join(f"#tag{i}" for i in range(31)), " ".join(f"@user{i}" for i in range(21))],
)
def test_caption_limits_are_36004(media_sandbox, caption: str) -> None:
    sandbox, graph = media_sandbox()
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.put_object(IG, "media", image_url=_url(sandbox, "square.jpg"), caption=caption)
    assert (err.value.code, err.value.result["error"]["error_subcode"]) == (36004, 2207010)


def test_caption_at_limits_is_accepted(media_sandbox) -> None:
    sandbox, graph = media_sandbox()
    caption = "a" * 1800 + " " + " ".join(f"#t{i}" for i in range(30)) + " " + " ".join(f"@u{i}" for i in range(20))
    assert len(caption) <= 2200
    assert graph.put_object(IG, "media", image_url=_url(sandbox, "square.jpg"), caption=caption)["id"]


def test_unknown_creation_id_is_24(media_sandbox) -> None:
    _, graph = media_sandbox()
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.put_object(IG, "media_publish", creation_id="17999999999999999")
    assert (err.value.code, err.value.result["error"]["error_subcode"]) == (24, 2207008)


def test_quota_is_enforced_and_reported(media_sandbox) -> None:
    sandbox, graph = media_sandbox(ig_quota=2)
    for i in range(2):
        container = graph.put_object(IG, "media", image_url=_url(sandbox, "square.jpg"), caption=f"pos {i}")
        graph.put_object(IG, "media_publish", creation_id=container["id"])
    limit = graph.get_connections(IG, "content_publishing_limit", fields="config,quota_usage")
    assert limit["data"][0] == {"quota_usage": 2, "config": {"quota_total": 2, "quota_duration": 86400}}
    container = graph.put_object(IG, "media", image_url=_url(sandbox, "square.jpg"), caption="ketiga")
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.put_object(IG, "media_publish", creation_id=container["id"])
    assert (err.value.code, err.value.result["error"]["error_subcode"]) == (9, 2207042)
    assert len(sandbox.posts()) == 2


def test_carousel(media_sandbox) -> None:
    sandbox, graph = media_sandbox()
    children = [
        graph.put_object(IG, "media", image_url=_url(sandbox, name), is_carousel_item="true")["id"]
        for name in ("square.jpg", "portrait.jpg", "wide.jpg")
    ]
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.put_object(IG, "media", media_type="CAROUSEL", children=children[0], caption="satu saja")
    assert (err.value.code, err.value.result["error"]["error_subcode"]) == (100, 2207028)
    # A carousel item cannot be published on its own.
    with pytest.raises(facebook.GraphAPIError):
        graph.put_object(IG, "media_publish", creation_id=children[0])
    album = graph.put_object(IG, "media", media_type="CAROUSEL", children=",".join(children), caption="Album")
    media = graph.put_object(IG, "media_publish", creation_id=album["id"])
    post = sandbox.posts()[0]
    assert post["id"] == media["id"] and len(post["media"]) == 3
    assert graph.get_object(media["id"], fields="media_type")["media_type"] == "CAROUSEL_ALBUM"
    usage = graph.get_connections(IG, "content_publishing_limit", fields="quota_usage")
    assert usage["data"][0]["quota_usage"] == 1


def test_media_listing_pages(media_sandbox) -> None:
    sandbox, graph = media_sandbox()
    for i in range(5):
        container = graph.put_object(IG, "media", image_url=_url(sandbox, "square.jpg"), caption=f"c{i}")
        graph.put_object(IG, "media_publish", creation_id=container["id"])
    captions = [m["caption"] for m in graph.get_all_connections(IG, "media", fields="caption", limit=2)]
    assert captions == ["c4", "c3", "c2", "c1", "c0"]
