"""Images on every network: X upload with alt text, Facebook photo posts, Instagram carousels."""

from __future__ import annotations

import shutil

from channels.base import Context, Draft, Media
from channels.media.images import prepare
from tests.contract.conftest import Env
from tests.contract.test_error_codes import fb_channel, ig_channel, x_channel
from tests.helpers import REPO


def _image(env_or_tmp, sandbox, name: str = "f.jpg") -> str:  # type: ignore[no-untyped-def]
    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", env_or_tmp / "media" / name)
    return f"{sandbox.url}/media/{name}"


def test_x_uploads_the_image_with_its_alt_text(env: Env) -> None:
    env.queue_one("sandbox_x")  # its article has an image and alt text
    assert [o.status for o in env.worker().run_due().outcomes] == ["published"]
    [post] = env.posts_on("sandbox_x")
    [media_id] = post["media"]
    stored = env.sandbox.app.state.data["media"][media_id]
    assert stored["alt_text"] == "Foto kegiatan"


def test_x_takes_up_to_four_images(sandbox, tmp_path) -> None:  # type: ignore[no-untyped-def]
    urls = [_image(tmp_path, sandbox, f"f{i}.jpg") for i in range(5)]
    channel = x_channel(sandbox.url)
    channel.context = Context(base_dir=tmp_path, media_dir=tmp_path / "prepared")
    # X uploads only images prepared at render time (channels/media/images.py).
    media = prepare([Media(url=u, alt=f"foto {i}") for i, u in enumerate(urls)], network="x",
                    account=channel.account, context=channel.context, warnings=[], required=False)
    receipt = channel.publish_part(Draft(parts=("Empat foto kegiatan",), media=media), 0)
    [post] = sandbox.posts()
    assert post["id"] == receipt.remote_id
    media = sandbox.app.state.data["media"]
    assert [media[m]["alt_text"] for m in post["media"]] == ["foto 0", "foto 1", "foto 2", "foto 3"]  # the first four


def test_facebook_photo_post(sandbox, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = _image(tmp_path, sandbox)
    draft = Draft(parts=("Foto kegiatan hari ini https://humas.example.go.id/x",), media=(Media(url=url),))
    receipt = fb_channel(sandbox.url).publish_part(draft, 0)
    [post] = sandbox.posts()
    assert post["network"] == "facebook" and post["id"] == receipt.remote_id
    assert post["media"] == [url] and post["text"] == draft.parts[0]


def test_instagram_carousel(sandbox, tmp_path) -> None:  # type: ignore[no-untyped-def]
    urls = [_image(tmp_path, sandbox, f"c{i}.jpg") for i in range(3)]
    draft = Draft(parts=("Galeri kegiatan #Humas",), media=tuple(Media(url=u, alt="foto") for u in urls))
    receipt = ig_channel(sandbox.url).publish_part(draft, 0)
    [post] = sandbox.posts()
    assert post["network"] == "instagram" and post["id"] == receipt.remote_id
    assert len(post["media"]) == 3 and post["text"] == "Galeri kegiatan #Humas"
