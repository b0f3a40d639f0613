"""Images are prepared once, when the post is rendered; publishing sends exactly those bytes.

The sandbox records the SHA-256 of every X upload it receives, so these tests compare
what arrived with the file prepared at schedule time, byte for byte.
"""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from channels.base import Account, Article, Context, Rejected
from channels.facebook import FacebookChannel
from channels.media.store import PreparedImageGone
from tests.contract.conftest import Env
from tests.contract.test_error_codes import fb_channel, ig_channel, x_channel
from tests.helpers import REPO

PHOTO = REPO / "disseminator" / "data" / "contoh-bendungan.jpg"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _context(tmp_path: Path, base_url: str | None = None) -> Context:
    """A media folder of its own, apart from the sandbox's web root (tmp_path/media)."""
    return Context(base_dir=tmp_path, media_dir=tmp_path / "prepared", media_base_url=base_url)


def _article(url: str) -> Article:
    return Article(title="Peresmian bendungan di Jawa Tengah", url="https://humas.example.go.id/b/1",
                   image=url, image_alt="Presiden meresmikan bendungan")


def _uploads(sandbox) -> dict[str, dict]:  # type: ignore[no-untyped-def, type-arg]
    return dict(sandbox.app.state.data["media"])


def test_x_uploads_the_bytes_prepared_at_schedule_byte_for_byte(env: Env) -> None:
    pid = env.queue_one("sandbox_x")
    [record] = env.worker().store.post(pid).media
    prepared = (env.tmp / "media" / record["file"]).read_bytes()  # the config's media folder
    assert record["sha256"] == _sha(prepared) and record["alt"] == "Foto kegiatan"
    assert [o.status for o in env.worker().run_due().outcomes] == ["published"]
    [post] = env.posts_on("sandbox_x")
    [media_id] = post["media"]
    received = _uploads(env.sandbox)[media_id]
    assert (received["sha256"], received["size"]) == (_sha(prepared), len(prepared))


def test_changing_the_source_after_scheduling_does_not_change_what_is_uploaded(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "media" / "foto.jpg"
    shutil.copy(PHOTO, source)
    channel = x_channel(sandbox.url)
    channel.context = _context(tmp_path)  # no public URL: the draft keeps the source's address
    draft = channel.render(_article(f"{sandbox.url}/media/foto.jpg"))
    [media] = draft.media
    assert media.url == f"{sandbox.url}/media/foto.jpg" and media.file
    # The web editor swaps the picture after the officer previewed the post.
    buf = io.BytesIO()
    Image.new("RGB", (640, 360), (0, 120, 0)).save(buf, "JPEG")
    source.write_bytes(buf.getvalue())
    channel.publish_part(draft, 0)
    [post] = sandbox.posts()
    received = _uploads(sandbox)[post["media"][0]]
    assert received["sha256"] == media.sha256
    assert (received["w"], received["h"]) != (640, 360)


@pytest.mark.parametrize("damage", ["deleted", "changed"])
def test_a_prepared_image_gone_or_changed_refuses_clearly_and_posts_nothing(
    sandbox, tmp_path: Path, damage: str  # type: ignore[no-untyped-def]
) -> None:
    shutil.copy(PHOTO, tmp_path / "media" / "foto.jpg")
    channel = x_channel(sandbox.url)
    channel.context = _context(tmp_path)
    draft = channel.render(_article(f"{sandbox.url}/media/foto.jpg"))
    prepared = channel.context.media_dir / str(draft.media[0].file)
    if damage == "deleted":
        prepared.unlink()
    else:
        prepared.write_bytes(prepared.read_bytes() + b"\0")
    with pytest.raises(Rejected) as info:
        channel.publish_part(draft, 0)
    assert isinstance(info.value, PreparedImageGone)
    message = str(info.value)
    assert str(prepared) in message and "render the post again" in message and "\n" not in message
    assert ("is gone" if damage == "deleted" else "has changed") in message
    assert sandbox.posts() == [] and _uploads(sandbox) == {}  # nothing fetched, uploaded or posted


def test_the_worker_fails_a_post_whose_prepared_image_is_gone(env: Env) -> None:
    pid = env.queue_one("sandbox_x")
    [record] = env.worker().store.post(pid).media
    (env.tmp / "media" / record["file"]).unlink()
    [outcome] = env.worker().run_due().outcomes
    assert (outcome.status, outcome.error_kind) == ("failed", "rejected")
    assert "prepared image" in (outcome.error or "") and "render the post again" in (outcome.error or "")
    assert env.posts_on("sandbox_x") == []


def test_instagram_refuses_before_any_container_when_the_prepared_image_is_gone(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(PHOTO, tmp_path / "media" / "foto.jpg")
    channel = ig_channel(sandbox.url)
    channel.context = Context(base_dir=tmp_path, media_dir=tmp_path / "media", media_base_url=f"{sandbox.url}/media")
    draft = channel.render(_article(f"{sandbox.url}/media/foto.jpg"))
    [media] = draft.media
    assert media.url == f"{sandbox.url}/media/{media.file}"  # the stored file's public URL
    (tmp_path / "media" / str(media.file)).unlink()
    with pytest.raises(PreparedImageGone, match="is gone"):
        channel.publish_part(draft, 0)
    assert sandbox.app.state.data["containers"] == {}


def test_facebook_photo_posts_the_bytes_prepared_at_render(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "media" / "foto.jpg"
    shutil.copy(PHOTO, source)
    plain = fb_channel(sandbox.url).account
    channel = FacebookChannel(Account(name=plain.name, channel=plain.channel, base_url=plain.base_url,
                                      settings={**plain.settings, "photo": True}), context=_context(tmp_path))
    assert channel.context is not None
    draft = channel.render(_article(f"{sandbox.url}/media/foto.jpg"))
    [media] = draft.media
    assert media.file and (channel.context.media_dir / media.file).is_file()
    source.unlink()  # the article's own image is no longer needed
    receipt = channel.publish_part(draft, 0)
    [post] = sandbox.posts()
    assert post["id"] == receipt.remote_id and post["media"][0].startswith("photo:")  # uploaded, not fetched
    (channel.context.media_dir / media.file).unlink()
    with pytest.raises(PreparedImageGone):
        channel.publish_part(draft, 0)
