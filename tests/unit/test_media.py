"""Image loading and preparation: what the networks accept, and nothing leaks."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import ExifTags, Image, ImageCms

from channels.media import instagram as ig_media
from channels.media import x as x_media
from channels.media.fetch import ImageError, load_image_bytes
from channels.media.instagram import prepare_for_instagram
from channels.media.prepared import PreparedImage
from channels.media.x import alt_text, prepare_for_x

GPS = ExifTags.IFD.GPSInfo
ROOT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- helpers


def make(size: tuple[int, int] = (200, 100), fmt: str = "JPEG", mode: str = "RGB",
         colour: Any = (200, 30, 30), **save: Any) -> bytes:
    img = Image.new(mode, size, colour)
    buf = io.BytesIO()
    img.save(buf, fmt, **save)
    return buf.getvalue()


def noise(size: tuple[int, int], fmt: str = "PNG", mode: str = "RGB", **save: Any) -> bytes:
    img = Image.frombytes(mode, size, os.urandom(size[0] * size[1] * len(mode)))
    buf = io.BytesIO()
    img.save(buf, fmt, **save)
    return buf.getvalue()


def gps_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.Base.Model] = "Leaky 3000"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif[GPS] = {
        ExifTags.GPS.GPSLatitudeRef: "S",
        ExifTags.GPS.GPSLatitude: (6.0, 10.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (106.0, 49.0, 0.0),
    }
    return exif


def leaky_jpeg(size: tuple[int, int] = (200, 100), orientation: int | None = None) -> bytes:
    """A JPEG with GPS EXIF, XMP, an ICC profile and a comment: everything that must go."""
    img = Image.new("RGB", size, (200, 30, 30))
    img.paste((30, 30, 200), (size[0] // 2, 0, size[0], size[1]))  # left red, right blue
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=gps_exif(orientation), icc_profile=srgb, comment=b"shot at home",
             xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>6,10.5S'
                 b"</exif:GPSLatitude></x:xmpmeta>")
    data = buf.getvalue()
    reopened = Image.open(io.BytesIO(data))
    assert reopened.getexif().get_ifd(GPS), "fixture must really carry GPS"
    assert "icc_profile" in reopened.info and "xmp" in reopened.info
    return data


def assert_clean(prepared: PreparedImage) -> None:
    img = Image.open(io.BytesIO(prepared.data))
    img.load()
    assert not img.getexif(), f"EXIF left: {dict(img.getexif())}"
    assert not img.getexif().get_ifd(GPS)
    for key in ("exif", "icc_profile", "xmp", "comment", "XML:com.adobe.xmp"):
        assert key not in img.info, f"{key} left in {prepared.mime}"
    for needle in (b"GPS", b"PhoneCo", b"Leaky", b"xmpmeta", b"shot at home", b"Exif\x00"):
        assert needle not in prepared.data


def png_with_declared_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width×height: a decompression bomb's calling card."""
    data = bytearray(make((1, 1), "PNG"))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def opened(prepared: PreparedImage) -> Image.Image:
    img = Image.open(io.BytesIO(prepared.data))
    img.load()
    return img


# --------------------------------------------------------------------------- metadata


@pytest.mark.parametrize("prepare", [prepare_for_x, prepare_for_instagram])
def test_gps_exif_xmp_icc_and_comment_never_leave(prepare: Any) -> None:
    prepared = prepare(leaky_jpeg())
    assert prepared.mime == "image/jpeg"
    assert_clean(prepared)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_x_keeps_format_but_drops_metadata(fmt: str) -> None:
    data = make((120, 80), fmt, exif=gps_exif())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS)
    prepared = prepare_for_x(data)
    assert prepared.mime == f"image/{fmt.lower()}"
    assert prepared.ext == f".{fmt.lower()}"
    assert_clean(prepared)


def test_exif_orientation_is_applied_before_stripping() -> None:
    # Orientation 6: stored landscape, shown rotated 90° clockwise (portrait).
    prepared = prepare_for_x(leaky_jpeg((200, 100), orientation=6))
    img = opened(prepared)
    assert (prepared.width, prepared.height) == img.size == (100, 200)
    red, blue = img.getpixel((50, 20)), img.getpixel((50, 180))
    assert red[0] > 150 and red[2] < 100, red  # stored left (red) is now on top
    assert blue[2] > 150 and blue[0] < 100, blue
    assert_clean(prepared)


def test_unreadable_colour_profile_is_dropped_with_a_warning() -> None:
    data = make((100, 100), "PNG", icc_profile=b"not a profile at all")
    prepared = prepare_for_instagram(data)
    assert any("colour profile" in w for w in prepared.warnings)
    assert_clean(prepared)


# --------------------------------------------------------------------------- Instagram


@pytest.mark.parametrize(
    ("size", "padded"),
    [
        ((1000, 2000), (1600, 2000)),   # 1:2, too tall -> pad width to 4:5
        ((2000, 500), (2000, 1048)),    # 4:1, too wide -> pad height to 1.91:1
        ((800, 1000), None),            # exactly 4:5
        ((1910, 1000), None),           # exactly 1.91:1
    ],
)
def test_instagram_pads_to_the_nearest_allowed_ratio(
    size: tuple[int, int], padded: tuple[int, int] | None
) -> None:
    prepared = prepare_for_instagram(make(size, colour=(10, 120, 10)), background="#000080")
    ratio = prepared.width / prepared.height
    assert 0.8 <= ratio <= 1.91
    assert IG_WIDTHS[0] <= prepared.width <= IG_WIDTHS[1]
    pad_notes = [w for w in prepared.warnings if "padded" in w]
    if padded is None:
        assert not pad_notes
        return
    assert pad_notes == [
        f"image padded from {size[0]}×{size[1]} to {padded[0]}×{padded[1]} "
        "to fit Instagram's aspect ratio"
    ]
    img = opened(prepared)
    corner = img.getpixel((0, 0))
    centre = img.getpixel((img.width // 2, img.height // 2))
    assert corner[2] > 100 and corner[1] < 40, corner   # navy padding, never a crop
    assert centre[1] > 90 and centre[2] < 40, centre     # the picture itself


IG_WIDTHS = (ig_media.IG_MIN_WIDTH, ig_media.IG_MAX_WIDTH)


def test_instagram_scales_wide_images_down_quietly() -> None:
    prepared = prepare_for_instagram(make((3000, 2000)))
    assert (prepared.width, prepared.height) == (1440, 960)
    assert prepared.warnings == ()


def test_instagram_big_jpeg_decoded_at_reduced_scale_keeps_geometry() -> None:
    prepared = prepare_for_instagram(make((6000, 3000)))  # 2:1, draft-decoded at 1/2
    assert (prepared.width, prepared.height) == (1440, 754)
    assert prepared.width / prepared.height <= 1.91
    assert prepared.warnings == ("image padded from 6000×3000 to 6000×3142 to fit Instagram's aspect ratio",)


def test_instagram_scales_small_images_up_with_a_warning() -> None:
    prepared = prepare_for_instagram(make((100, 100)))
    assert (prepared.width, prepared.height) == (320, 320)
    assert any("scaled up" in w and "blurry" in w for w in prepared.warnings)


def test_instagram_flattens_transparency_onto_background() -> None:
    data = make((400, 400), "PNG", mode="RGBA", colour=(0, 0, 0, 0))
    prepared = prepare_for_instagram(data, background="#FF0000")
    img = opened(prepared)
    assert img.mode == "RGB" and prepared.mime == "image/jpeg"
    r, g, b = img.getpixel((200, 200))
    assert r > 240 and g < 20 and b < 20
    assert any("transparent" in w for w in prepared.warnings)


@pytest.mark.parametrize("mode", ["L", "CMYK", "P", "LA"])
def test_instagram_always_produces_rgb_jpeg(mode: str) -> None:
    fmt = "JPEG" if mode in ("L", "CMYK") else "PNG"
    colour = 0 if mode == "P" else (128,) * len(mode) if mode != "L" else 128
    prepared = prepare_for_instagram(make((400, 400), fmt, mode=mode, colour=colour))
    img = opened(prepared)
    assert img.format == "JPEG" and img.mode == "RGB"


def test_instagram_lowers_quality_until_under_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    data = noise((600, 600))
    at_90 = len(prepare_for_instagram(data).data)
    monkeypatch.setattr(ig_media, "IG_MAX_BYTES", at_90 - 1)
    prepared = prepare_for_instagram(data)
    assert len(prepared.data) <= at_90 - 1
    assert any("JPEG quality" in w for w in prepared.warnings)


def test_instagram_refuses_when_even_lowest_quality_is_too_big(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ig_media, "IG_MAX_BYTES", 1000)
    with pytest.raises(ImageError, match="Instagram accepts at most"):
        prepare_for_instagram(noise((600, 600)), source="foto.png")


def test_instagram_refuses_a_one_pixel_strip() -> None:
    with pytest.raises(ImageError) as info:
        prepare_for_instagram(make((1, 3000), "PNG"), source="garis.png")
    message = str(info.value)
    assert "garis.png" in message and "1×3000" in message and "\n" not in message


def test_instagram_rejects_a_bad_background() -> None:
    with pytest.raises(ValueError, match="not a colour"):
        prepare_for_instagram(make(), background="sky")


def test_instagram_uses_first_frame_of_animation() -> None:
    frames = [Image.new("RGB", (400, 400), (80 * i, 0, 0)) for i in range(3)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:])
    prepared = prepare_for_instagram(buf.getvalue())
    assert prepared.mime == "image/jpeg"
    assert any("first frame" in w for w in prepared.warnings)


# --------------------------------------------------------------------------- X


def test_x_keeps_small_jpeg_as_jpeg_without_warnings() -> None:
    prepared = prepare_for_x(make((640, 480)))
    assert (prepared.mime, prepared.ext, prepared.width, prepared.height) == (
        "image/jpeg", ".jpg", 640, 480)
    assert prepared.warnings == ()


def test_x_converts_other_formats_to_jpeg() -> None:
    prepared = prepare_for_x(make((64, 48), "BMP"), source="a.bmp")
    assert prepared.mime == "image/jpeg"
    assert any("converted from BMP to JPEG" in w for w in prepared.warnings)


def test_x_shrinks_large_png_into_jpeg(monkeypatch: pytest.MonkeyPatch) -> None:
    data = noise((500, 400))
    monkeypatch.setattr(x_media, "X_MAX_BYTES", 60_000)
    prepared = prepare_for_x(data, source="grafik.png")
    assert len(prepared.data) <= 60_000
    assert prepared.mime == "image/jpeg"
    assert prepared.width < 500
    assert abs(prepared.width / prepared.height - 500 / 400) < 0.02
    assert any("scaled to" in w for w in prepared.warnings)


def test_x_passes_animated_gif_through_unchanged() -> None:
    frames = [Image.new("RGB", (50, 50), (80 * i, 0, 0)) for i in range(4)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], loop=0)
    prepared = prepare_for_x(buf.getvalue())
    assert prepared.data == buf.getvalue()
    assert (prepared.mime, prepared.ext) == ("image/gif", ".gif")


def test_x_refuses_animated_gif_over_15_mb(monkeypatch: pytest.MonkeyPatch) -> None:
    frames = [Image.new("RGB", (50, 50), (80 * i, 0, 0)) for i in range(4)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:])
    monkeypatch.setattr(x_media, "X_GIF_MAX_BYTES", 100)
    with pytest.raises(ImageError, match="animated GIF.*up to"):
        prepare_for_x(buf.getvalue(), source="anim.gif")


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("prepare", [prepare_for_x, prepare_for_instagram])
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Siaran pers: Presiden meresmikan...\n" * 20, "not an image"),
        (b"", "empty file"),
        (make((400, 300))[:600], "truncated or corrupt"),
        (make((400, 300), "PNG")[:80], "truncated or corrupt"),
        (png_with_declared_size(30_000, 30_000), "too many pixels"),
        (png_with_declared_size(10_000, 10_000), "too many pixels"),
    ],
    ids=["text", "empty", "truncated-jpeg", "truncated-png", "bomb", "over-pixel-limit"],
)
def test_bad_input_gives_one_clear_line(prepare: Any, data: bytes, expected: str) -> None:
    with pytest.raises(ImageError) as info:
        prepare(data, source="foto-kegiatan.jpg")
    message = str(info.value)
    assert message.startswith("foto-kegiatan.jpg: ")
    assert expected in message
    assert "\n" not in message


def test_forty_megabyte_file_is_refused_before_decoding() -> None:
    data = make((10, 10)) + b"\0" * (40 * 1_000_000)
    with pytest.raises(ImageError, match=r"40\.0 MB is too large"):
        prepare_for_x(data, source="besar.jpg")


# --------------------------------------------------------------------------- loading


def test_load_plain_path_and_file_url(tmp_path: Path) -> None:
    target = tmp_path / "foto kegiatan.jpg"
    target.write_bytes(b"abc")
    assert load_image_bytes(str(target)) == b"abc"
    assert load_image_bytes(target.as_uri()) == b"abc"


def test_load_missing_and_oversized_files(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="no such file"):
        load_image_bytes(str(tmp_path / "nope.jpg"))
    big = tmp_path / "big.jpg"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(ImageError, match="larger than"):
        load_image_bytes(str(big), max_bytes=1000)
    with pytest.raises(ImageError, match="unsupported URL scheme"):
        load_image_bytes("ftp://example.go.id/a.jpg")


# --------------------------------------------------------------------------- saving


def test_save_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    prepared = prepare_for_x(make((64, 64)))
    name = prepared.save(tmp_path / "media")
    assert name == prepared.file_name and name.endswith(".jpg") and len(name) == 20
    first = (tmp_path / "media" / name).stat().st_mtime_ns
    assert prepared.save(tmp_path / "media") == name
    assert (tmp_path / "media" / name).stat().st_mtime_ns == first
    assert (tmp_path / "media" / name).read_bytes() == prepared.data
    assert sorted(p.name for p in (tmp_path / "media").iterdir()) == [name]
    other = prepare_for_x(make((64, 64), colour=(0, 0, 0)))
    assert other.save(tmp_path / "media") != name


def test_repr_does_not_dump_bytes() -> None:
    assert "data=" not in repr(prepare_for_x(make((8, 8))))


# --------------------------------------------------------------------------- alt text


def test_alt_text_short_and_blank() -> None:
    assert alt_text(None) is None
    assert alt_text("   \n ") is None
    assert alt_text("  Presiden   di\nIstana ") == "Presiden di Istana"


def test_alt_text_cuts_at_a_word_boundary() -> None:
    text = " ".join(["kata"] * 300)  # 1,499 characters
    out = alt_text(text)
    assert out is not None and len(out) <= 1000 and out.endswith("kata…")
    assert alt_text("satu dua tiga empat", limit=12) == "satu dua…"


def test_alt_text_never_splits_a_grapheme() -> None:
    family = "👨\u200d👩\u200d👧"
    out = alt_text(family * 10, limit=12)
    assert out is not None and len(out) <= 12
    assert out[:-1].count(family) * len(family) == len(out) - 1


# --------------------------------------------------------------------------- imports


def test_importing_media_does_not_import_pillow() -> None:
    code = ("import sys, channels.media.x, channels.media.instagram, channels.media.bluesky; "
            "sys.exit('PIL' in sys.modules or 'requests' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True)
    assert result.returncode == 0, result.stderr.decode()
