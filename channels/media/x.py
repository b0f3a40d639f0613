"""Images and alt text for X: an image of at most 5 MB, upright, sRGB, no metadata, and
alt text of at most 1,000 characters.

An animated GIF is passed through byte for byte when it is within 15 MB (GIFs carry no
EXIF or GPS); a larger one is refused rather than turned into a still.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..i18n import _
from .fetch import ImageError
from .fetch import mb as _mb
from .pixels import MB, decode, encode, flatten, resize, upright_srgb
from .prepared import PreparedImage

if TYPE_CHECKING:  # only for annotations; never imported at run time here
    from PIL import Image

#: X: still images, and animated GIFs (platform-apis.md, media limits). Decimal MB, the
#: stricter reading of "5 MB".
X_MAX_BYTES = 5 * MB
X_GIF_MAX_BYTES = 15 * MB
X_KEPT_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"),
                  "GIF": ("image/gif", ".gif"), "WEBP": ("image/webp", ".webp")}


def prepare_for_x(data: bytes, *, source: str = "") -> PreparedImage:
    """Make an image X accepts: <= 5 MB, upright, sRGB, no metadata.

    JPEG, PNG, GIF and WEBP keep their format when the clean re-encoding fits; anything
    else, or anything too large, becomes a JPEG scaled down until it fits. An animated
    GIF up to 15 MB is passed through unchanged. Raises :class:`ImageError` for anything
    that is not a usable image, and for an animated GIF over 15 MB.
    """
    label = source or _("image")
    img, notes = decode(data, label, allow_animation=True)
    fmt = img.format or ""
    if fmt == "GIF" and getattr(img, "is_animated", False):
        if len(data) > X_GIF_MAX_BYTES:
            raise ImageError(
                _("{label}: animated GIF of {size}; X accepts animated GIFs up to {limit}").format(
                    label=label, size=_mb(len(data)), limit=_mb(X_GIF_MAX_BYTES))
            )
        return PreparedImage(bytes(data), "image/gif", ".gif", img.width, img.height, ())
    if getattr(img, "is_animated", False):
        notes.append(_("only the first frame of the animated image is kept"))
    img = upright_srgb(img, label, notes)

    if fmt in X_KEPT_FORMATS:
        mime, ext = X_KEPT_FORMATS[fmt]
        try:
            kept = encode(img, fmt, quality=90)
        except (OSError, ValueError):  # a mode this format cannot write; use JPEG
            kept = b""
        if kept and len(kept) <= X_MAX_BYTES:
            return PreparedImage(kept, mime, ext, img.width, img.height, tuple(notes))

    flat = flatten(img, (255, 255, 255), notes)
    for encoded, size in _shrinking_jpegs(flat):
        if len(encoded) <= X_MAX_BYTES:
            if fmt not in X_KEPT_FORMATS:
                notes.append(_("image converted from {format} to JPEG (X takes JPEG, PNG, GIF or WEBP)").format(
                    format=fmt or _("an unknown format")))
            if size != flat.size:
                notes.append(_("image scaled to {width}×{height} to stay within X's {limit}").format(
                    width=size[0], height=size[1], limit=_mb(X_MAX_BYTES)))
            elif fmt in X_KEPT_FORMATS:
                notes.append(_("image re-encoded as JPEG to stay within X's {limit}").format(limit=_mb(X_MAX_BYTES)))
            return PreparedImage(encoded, "image/jpeg", ".jpg", size[0], size[1], tuple(notes))
    raise ImageError(_("{label}: cannot be brought under X's {limit} limit").format(label=label, limit=_mb(X_MAX_BYTES)))


def alt_text(text: str | None, *, limit: int = 1000) -> str | None:
    """Alt text for X (at most ``limit`` characters), cut at a word boundary with "…".

    Runs of whitespace become one space. Returns None for None or blank text; never
    splits a grapheme cluster (an emoji with a skin tone, say).
    """
    if text is None:
        return None
    clean = " ".join(text.split())
    if not clean:
        return None
    if len(clean) <= limit:
        return clean
    import regex

    room = limit - 1  # leave a character for the ellipsis
    kept = ""
    for grapheme in regex.findall(r"\X", clean):
        if len(kept) + len(grapheme) > room:
            break
        kept += grapheme
    cut = kept.rfind(" ")
    if cut > room // 2:  # a word boundary that does not throw away half the text
        kept = kept[:cut]
    return kept.rstrip(" ,.;:-–—") + "…"


def _shrinking_jpegs(img: Image.Image) -> Iterator[tuple[bytes, tuple[int, int]]]:
    """JPEG encodings of ``img``, each smaller than the last, down to 64 pixels wide."""
    current = img
    while True:
        last = b""
        for quality in (85, 75, 65):
            last = encode(current, "JPEG", quality=quality)
            yield last, current.size
        if min(current.size) <= 64:
            return
        # Bytes grow with area: aim straight at the limit, then a bit under it.
        factor = min(0.9, math.sqrt(X_MAX_BYTES / max(len(last), 1)) * 0.95)
        size = (max(1, int(current.width * factor)), max(1, int(current.height * factor)))
        current = resize(img, size)
