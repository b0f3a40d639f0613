"""The media folder: atomic, content-addressed writes a web server can read; checked reads."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from channels.media import store as media_store
from channels.base import Context, Media
from channels.media.store import PreparedImageGone, digest, read, write

JPEG = b"\xff\xd8\xff\xe0" + b"gambar" * 100 + b"\xff\xd9"


@pytest.fixture
def umask() -> Iterator[object]:
    """Set the process umask for one test; the old one is put back."""
    old = os.umask(0o022)

    def set_(mask: int) -> None:
        os.umask(mask)

    yield set_
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_a_new_media_file_takes_its_mode_from_the_umask(tmp_path: Path, umask, mask: int, expected: int) -> None:  # type: ignore[no-untyped-def]
    umask(mask)
    name = write(JPEG, ext=".jpg", media_dir=tmp_path / "media")
    # 0644 under the usual 022: the web server serving the folder to Instagram can read it.
    assert _mode(tmp_path / "media" / name) == expected


def test_a_0600_copy_from_an_older_version_is_made_readable_without_rewriting(tmp_path: Path, umask) -> None:  # type: ignore[no-untyped-def]
    media = tmp_path / "media"
    media.mkdir()
    old = media / media_store.file_name(JPEG, ".jpg")
    old.write_bytes(JPEG)
    old.chmod(0o600)
    before = old.stat().st_mtime_ns
    assert write(JPEG, ext=".jpg", media_dir=media) == old.name
    assert _mode(old) == 0o644 and old.stat().st_mtime_ns == before


def test_the_write_is_atomic_and_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    media = tmp_path / "media"
    name = write(JPEG, ext=".jpg", media_dir=media)
    assert name == digest(JPEG)[:16] + ".jpg" and (media / name).read_bytes() == JPEG
    # A failure between writing and renaming leaves neither half a file nor a temp file.
    monkeypatch.setattr(media_store.os, "replace", _boom)
    with pytest.raises(OSError, match="disk full"):
        write(JPEG + b"lain", ext=".jpg", media_dir=media)
    assert sorted(p.name for p in media.iterdir()) == [name]


def test_a_same_named_file_with_other_bytes_is_replaced(tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    (media / media_store.file_name(JPEG, ".jpg")).write_bytes(b"rusak")
    name = write(JPEG, ext=".jpg", media_dir=media)
    assert (media / name).read_bytes() == JPEG


def test_read_returns_the_checked_bytes_and_refuses_anything_else(tmp_path: Path) -> None:
    context = Context(base_dir=tmp_path, media_dir=tmp_path / "media")
    name = write(JPEG, ext=".jpg", media_dir=context.media_dir)
    item = Media(url="https://humas.example.go.id/f.jpg", file=name, sha256=digest(JPEG))
    image = read(item, context)
    assert (image.data, image.mime) == (JPEG, "image/jpeg")
    for bad, why in [
        (Media(url="https://humas.example.go.id/f.jpg"), "was not prepared"),
        (Media(url="u", file="../rahasia.jpg", sha256=digest(JPEG)), "not a file in the media folder"),
        (Media(url="u", file=name, sha256=digest(b"lain")), "has changed"),
        (Media(url="u", file="hilang.jpg", sha256=digest(JPEG)), "is gone"),
    ]:
        with pytest.raises(PreparedImageGone, match=why):
            read(bad, context)
    with pytest.raises(PreparedImageGone, match="no media folder"):
        read(item, None)


def test_media_records_keep_the_prepared_file_through_the_store_format() -> None:
    item = Media(url="https://humas.example.go.id/f.jpg", alt=None, file="abc.jpg", sha256="00ff")
    record = item.to_record()
    assert record == {"url": "https://humas.example.go.id/f.jpg", "alt": None, "file": "abc.jpg", "sha256": "00ff"}
    assert Media.from_record(record) == item
    # Records written before images were prepared once still load.
    assert Media.from_record({"url": "u", "alt": "a"}) == Media(url="u", alt="a")


def _boom(*args: object) -> None:
    raise OSError(28, "disk full")


def test_x_without_a_media_folder_leaves_images_out_with_a_warning() -> None:
    from channels.base import Account
    from channels.media.images import prepare

    warnings: list[str] = []
    images = (Media(url="https://humas.example.go.id/f.jpg"),)
    account = Account(name="x", channel="twitter")
    # X uploads only bytes prepared at render; with nowhere to keep them it cannot post them.
    assert prepare(images, network="x", account=account, context=None, warnings=warnings, required=False) == ()
    assert warnings == ["1 image(s) left out: no media folder to prepare them in"]
    # Instagram fetches by URL, so a library caller without a folder still gets it through.
    assert prepare(images, network="instagram", account=account, context=None, warnings=[], required=True) == images
