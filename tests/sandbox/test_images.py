"""Image sniffing: formats and sizes read from real encoder output (Pillow)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from disseminator.sandbox.images import sniff


def _encode(fmt: str, size: tuple[int, int], mode: str = "RGB", **kw: object) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "white").save(out, fmt, **kw)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (_encode("JPEG", (321, 123)), "image/jpeg"),
        (_encode("JPEG", (321, 123), progressive=True), "image/jpeg"),
        (_encode("JPEG", (321, 123), exif=b"Exif\x00\x00" + b"\x00" * 40), "image/jpeg"),
        (_encode("PNG", (321, 123)), "image/png"),
        (_encode("GIF", (321, 123)), "image/gif"),
        (_encode("WEBP", (321, 123)), "image/webp"),
        (_encode("WEBP", (321, 123), lossless=True), "image/webp"),
        (_encode("WEBP", (321, 123), mode="RGBA"), "image/webp"),
    ],
)
def test_sniff_reads_format_and_size(data: bytes, mime: str) -> None:
    info = sniff(data)
    assert (info.mime, info.width, info.height) == (mime, 321, 123)


@pytest.mark.parametrize("data", [b"", b"hello", _encode("BMP", (10, 10)), b"%PDF-1.7"])
def test_sniff_refuses_other_bytes(data: bytes) -> None:
    assert sniff(data).mime is None
