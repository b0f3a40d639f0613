"""Image fetch and preparation for the networks.

``load_image_bytes`` gets the article's image (URL or local file) with a size cap;
``prepare_for_instagram`` and ``prepare_for_x`` turn it into something the network
accepts, and nothing more: EXIF orientation applied, colour converted to sRGB, every
piece of metadata (EXIF, GPS, XMP, ICC, comments) dropped, so no location of a
photographer's phone leaves the building.

Every refusal is an :class:`ImageError` (a ``ValueError``) with one line saying what is
wrong, with which image, and what was expected.

Pillow is imported inside the functions that need it: ``import channels.media`` and
``disseminator --help`` must not pay for it.

Decisions worth knowing:

- Sources over :data:`MAX_SOURCE_BYTES` or :data:`PIL.Image.MAX_IMAGE_PIXELS` pixels are
  refused before decoding (a 40 MB file or a decompression bomb would cost a small
  server hundreds of MB of memory).
- Instagram images are padded, never cropped (cropping can cut a minister out of a
  photo). An image so thin that padding would leave less than
  :data:`IG_MIN_CONTENT_SHARE` of the picture showing it (say 1x3000 pixels) is refused:
  a blank square with a line in it is not a post.
- Scaling down to Instagram's 1440-pixel width is routine and silent; scaling up to 320
  pixels is warned about because it looks blurry.
- An animated GIF for X is passed through byte for byte when it is within 15 MB (GIFs
  carry no EXIF or GPS); a larger one is refused rather than turned into a still.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import _
from .fetch import ImageError, load_image_bytes
from .fetch import mb as _mb

if TYPE_CHECKING:  # only for annotations; never imported at run time here
    from PIL import Image

__all__ = ["ImageError", "PreparedImage", "alt_text", "load_image_bytes", "prepare_for_instagram", "prepare_for_x"]

MB = 1_000_000
#: Largest source accepted by the prepare functions (decoded size would be far larger).
MAX_SOURCE_BYTES = 30 * MB
#: X: still images, and animated GIFs (platform-apis.md, media limits). Decimal MB, the
#: stricter reading of "5 MB".
X_MAX_BYTES = 5 * MB
X_GIF_MAX_BYTES = 15 * MB
X_KEPT_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"),
                  "GIF": ("image/gif", ".gif"), "WEBP": ("image/webp", ".webp")}
#: Instagram: JPEG only, <= 8 MB ("8 MiB" in the error table; 8 MB is the stricter).
IG_MAX_BYTES = 8 * MB
IG_MIN_WIDTH = 320
IG_MAX_WIDTH = 1440
#: Aspect ratio bounds as integer fractions (4:5 and 1.91:1) to keep rounding exact.
IG_MIN_RATIO = (4, 5)
IG_MAX_RATIO = (191, 100)
#: Refuse to pad when the original would fill less than this share of the picture.
IG_MIN_CONTENT_SHARE = 0.25
_JPEG_QUALITIES = (90, 85, 80, 75, 70, 65, 60, 55, 50)


@dataclass(frozen=True)
class PreparedImage:
    """An image ready to upload: bytes free of metadata, and what was done to it."""

    data: bytes = field(repr=False)
    mime: str
    ext: str  #: with the dot, e.g. ".jpg"
    width: int
    height: int
    warnings: tuple[str, ...] = ()

    @property
    def file_name(self) -> str:
        """Content-addressed name: the first 16 hex digits of the SHA-256, plus ext."""
        from .store import file_name

        return file_name(self.data, self.ext)

    @property
    def sha256(self) -> str:
        """The hex SHA-256 of the bytes, recorded in the draft and checked at publishing."""
        from .store import digest

        return digest(self.data)

    def save(self, media_dir: Path) -> str:
        """Write the image into ``media_dir`` (created if needed) and return its file name.

        See :func:`channels.media.store.write`: content-addressed, atomic, readable by
        the web server that serves the folder. Raises ``OSError`` when the folder cannot
        be written.
        """
        from .store import write

        return write(self.data, ext=self.ext, media_dir=media_dir)


# --------------------------------------------------------------------------- preparing


def prepare_for_instagram(
    data: bytes, *, background: str = "#FFFFFF", source: str = ""
) -> PreparedImage:
    """Make a JPEG Instagram accepts: sRGB, no metadata, 4:5 to 1.91:1, 320-1440 wide, <= 8 MB.

    Out-of-range aspect ratios are padded with ``background`` (never cropped);
    transparency is flattened onto it. Raises :class:`ImageError` for anything that is
    not a usable image (see the module docstring) and ``ValueError`` for a background
    that is not a colour.
    """
    from PIL import Image, ImageColor

    label = source or _("image")
    try:
        fill = ImageColor.getrgb(background)[:3]
    except ValueError as exc:
        raise ValueError(
            _("background colour {background!r} is not a colour; expected e.g. '#FFFFFF'").format(background=background)
        ) from exc
    # A JPEG may decode at 1/2, 1/4 or 1/8 scale while both sides stay >= 1440, which is
    # all the output can use: a 24-megapixel photo then costs a third of the time.
    img, notes = _decode(data, label, draft=(IG_MAX_WIDTH, IG_MAX_WIDTH))
    # Messages speak of the file's own size, not of the reduced-scale decode.
    scale = img.info.get("_source_width", img.width) / img.width
    img = _upright_srgb(img, label, notes)
    img = _flatten(img, fill, notes)
    w, h = img.size
    shown = (round(w * scale), round(h * scale))

    pad_w, pad_h = _pad_to_ratio(w, h)
    share = (w * h) / (pad_w * pad_h)
    if share < IG_MIN_CONTENT_SHARE:
        raise ImageError(
            _("{label}: {width}×{height} pixels is too thin for Instagram; padding it to "
              "between 4:5 and 1.91:1 would leave a mostly blank picture; expected an image "
              "closer to that shape").format(label=label, width=shown[0], height=shown[1])
        )
    if (pad_w, pad_h) != (w, h):
        padded = _pad_to_ratio(*shown)
        notes.append(
            _("image padded from {width}×{height} to {new_width}×{new_height} "
              "to fit Instagram's aspect ratio").format(
                width=shown[0], height=shown[1], new_width=padded[0], new_height=padded[1])
        )

    out_w = min(max(pad_w, IG_MIN_WIDTH), IG_MAX_WIDTH)
    out_h = round(out_w * pad_h / pad_w)
    out_h = min(out_h, out_w * IG_MIN_RATIO[1] // IG_MIN_RATIO[0])
    out_h = max(out_h, -(-out_w * IG_MAX_RATIO[1] // IG_MAX_RATIO[0]))
    if out_w > pad_w:
        notes.append(
            _("image scaled up from {width}×{height} to {new_width}×{new_height}: Instagram needs at least "
              "{min_width} pixels wide, so it may look blurry").format(
                width=pad_w, height=pad_h, new_width=out_w, new_height=out_h, min_width=IG_MIN_WIDTH)
        )
    if (pad_w, pad_h) == (w, h):
        # No padding: stretch by at most a pixel of rounding instead of a 1-pixel border.
        canvas = img if (out_w, out_h) == (w, h) else _resize(img, (out_w, out_h))
    else:
        scale = min(out_w / w, out_h / h)
        cw, ch = min(out_w, max(1, round(w * scale))), min(out_h, max(1, round(h * scale)))
        content = img if (cw, ch) == (w, h) else _resize(img, (cw, ch))
        canvas = Image.new("RGB", (out_w, out_h), fill)
        canvas.paste(content, ((out_w - cw) // 2, (out_h - ch) // 2))

    for quality in _JPEG_QUALITIES:
        encoded = _encode(canvas, "JPEG", quality=quality)
        if len(encoded) <= IG_MAX_BYTES:
            if quality != _JPEG_QUALITIES[0]:
                notes.append(_("image saved at JPEG quality {quality} to stay within {limit}").format(
                    quality=quality, limit=_mb(IG_MAX_BYTES)))
            return PreparedImage(encoded, "image/jpeg", ".jpg", out_w, out_h, tuple(notes))
    raise ImageError(
        _("{label}: still {size} at JPEG quality {quality}; Instagram accepts at most {limit}").format(
            label=label, size=_mb(len(encoded)), quality=_JPEG_QUALITIES[-1], limit=_mb(IG_MAX_BYTES))
    )


def prepare_for_x(data: bytes, *, source: str = "") -> PreparedImage:
    """Make an image X accepts: <= 5 MB, upright, sRGB, no metadata.

    JPEG, PNG, GIF and WEBP keep their format when the clean re-encoding fits; anything
    else, or anything too large, becomes a JPEG scaled down until it fits. An animated
    GIF up to 15 MB is passed through unchanged. Raises :class:`ImageError` for anything
    that is not a usable image, and for an animated GIF over 15 MB.
    """
    label = source or _("image")
    img, notes = _decode(data, label, allow_animation=True)
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
    img = _upright_srgb(img, label, notes)

    if fmt in X_KEPT_FORMATS:
        mime, ext = X_KEPT_FORMATS[fmt]
        try:
            kept = _encode(img, fmt, quality=90)
        except (OSError, ValueError):  # a mode this format cannot write; use JPEG
            kept = b""
        if kept and len(kept) <= X_MAX_BYTES:
            return PreparedImage(kept, mime, ext, img.width, img.height, tuple(notes))

    flat = _flatten(img, (255, 255, 255), notes)
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


# --------------------------------------------------------------------------- helpers


def _decode(
    data: bytes,
    label: str,
    *,
    draft: tuple[int, int] | None = None,
    allow_animation: bool = False,
) -> tuple[Image.Image, list[str]]:
    """Open and fully decode ``data`` (first frame), refusing bombs and broken files."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise ImageError(_("{label}: empty file; expected an image").format(label=label))
    if len(data) > MAX_SOURCE_BYTES:
        raise ImageError(_("{label}: {size} is too large; images up to {limit} are accepted").format(
            label=label, size=_mb(len(data)), limit=_mb(MAX_SOURCE_BYTES)))
    try:
        with warnings.catch_warnings():
            # Pillow warns between 1x and 2x its limit; we refuse those ourselves below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise ImageError(_bomb(label)) from exc
    except UnidentifiedImageError as exc:
        raise ImageError(_("{label}: not an image; expected JPEG, PNG, GIF or WEBP").format(label=label)) from exc
    except Exception as exc:  # Pillow plugins raise many types for a broken header
        raise ImageError(_("{label}: truncated or corrupt image header ({error}); expected a complete image file").format(
            label=label, error=exc)) from exc
    limit = Image.MAX_IMAGE_PIXELS or 89_478_485
    if img.width * img.height > limit:
        raise ImageError(
            _("{label}: {width}×{height} is too many pixels to decode safely; "
              "at most {limit:,} pixels are accepted").format(label=label, width=img.width, height=img.height, limit=limit)
        )
    if img.width < 1 or img.height < 1:
        raise ImageError(_("{label}: has no pixels; expected an image").format(label=label))
    if draft is not None and img.format == "JPEG":
        source_width = img.width
        img.draft("RGB" if img.mode == "RGB" else None, draft)
        img.info["_source_width"] = source_width  # dropped with the rest of info later
    try:
        img.load()
    except Image.DecompressionBombError as exc:
        raise ImageError(_bomb(label)) from exc
    except Exception as exc:  # truncated data surfaces as OSError, SyntaxError, ValueError...
        raise ImageError(_("{label}: truncated or corrupt image ({error}); expected a complete image file").format(
            label=label, error=exc)) from exc
    notes: list[str] = []
    if not allow_animation and getattr(img, "is_animated", False):
        notes.append(_("only the first frame of the animated image is used"))
    return img, notes


def _bomb(label: str) -> str:
    return _("{label}: too many pixels to decode safely (possible decompression bomb)").format(label=label)


def _upright_srgb(img: Image.Image, label: str, notes: list[str]) -> Image.Image:
    """Apply EXIF orientation, convert to sRGB, and return a copy with no metadata."""
    from PIL import ImageOps

    try:
        upright = ImageOps.exif_transpose(img)
    except Exception:  # a corrupt EXIF block must not stop the post
        notes.append(_("the image's EXIF orientation could not be read; it is used as stored"))
        upright = img.copy()
    upright = _to_srgb(upright or img.copy(), notes)
    if upright.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        has_alpha = "A" in upright.getbands()
        upright = upright.convert("RGBA" if has_alpha else "RGB")
    # Keep only what the pixels need; EXIF, GPS, XMP, ICC and comments all live in info.
    upright.info = {k: upright.info[k] for k in ("transparency",) if k in upright.info}
    return upright


def _to_srgb(img: Image.Image, notes: list[str]) -> Image.Image:
    icc = img.info.get("icc_profile")
    if not icc or img.mode in ("1", "L", "LA", "I", "I;16", "F", "P", "PA"):
        # Greyscale: dropping a grey profile changes little; a palette was never managed.
        return img
    from PIL import ImageCms

    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" in (ImageCms.getProfileDescription(src) or "").lower().replace(" ", ""):
            return img
        alpha = img.getchannel("A") if "A" in img.getbands() else None
        base = img.convert("RGB") if img.mode not in ("RGB", "CMYK") else img
        out = ImageCms.profileToProfile(base, src, ImageCms.createProfile("sRGB"), outputMode="RGB")
        if out is None:  # only with inPlace=True; keeps the type checker honest
            return img
        if alpha is not None:
            out.putalpha(alpha)
        out.info = dict(img.info)
        return out
    except Exception:
        notes.append(_("the image's colour profile could not be read; colours may look different"))
        return img


def _flatten(img: Image.Image, fill: tuple[int, ...], notes: list[str]) -> Image.Image:
    """RGB without alpha: transparent areas painted ``fill``; JPEG has no transparency."""
    from PIL import Image

    transparent = "A" in img.getbands() or "transparency" in img.info
    if not transparent:
        return img if img.mode == "RGB" else img.convert("RGB")
    rgba = img.convert("RGBA")
    alpha = rgba.getchannel("A")
    lowest = alpha.getextrema()[0]  # (min, max) for a single band
    if isinstance(lowest, (int, float)) and lowest < 255:
        notes.append(_("transparent areas filled with the background colour (JPEG has no transparency)"))
    flat = Image.new("RGB", img.size, fill[:3])
    flat.paste(rgba, mask=alpha)
    return flat


def _pad_to_ratio(w: int, h: int) -> tuple[int, int]:
    """Smallest canvas containing w×h whose ratio is within Instagram's bounds."""
    lo_n, lo_d = IG_MIN_RATIO
    hi_n, hi_d = IG_MAX_RATIO
    if w * lo_d < h * lo_n:  # taller than 4:5
        return -(-h * lo_n // lo_d), h
    if w * hi_d > h * hi_n:  # wider than 1.91:1
        return w, -(-w * hi_d // hi_n)
    return w, h


def _resize(img: Image.Image, size: tuple[int, int]) -> Image.Image:
    from PIL import Image

    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(img: Image.Image, fmt: str, *, quality: int) -> bytes:
    buf = io.BytesIO()
    if fmt == "JPEG":
        img.save(buf, "JPEG", quality=quality, optimize=True)
    elif fmt == "WEBP":
        img.save(buf, "WEBP", quality=quality)
    elif fmt == "GIF":
        img.save(buf, "GIF", optimize=True)
    else:
        img.save(buf, fmt, optimize=True)
    return buf.getvalue()


def _shrinking_jpegs(img: Image.Image) -> Iterator[tuple[bytes, tuple[int, int]]]:
    """JPEG encodings of ``img``, each smaller than the last, down to 64 pixels wide."""
    current = img
    while True:
        last = b""
        for quality in (85, 75, 65):
            last = _encode(current, "JPEG", quality=quality)
            yield last, current.size
        if min(current.size) <= 64:
            return
        # Bytes grow with area: aim straight at the limit, then a bit under it.
        factor = min(0.9, math.sqrt(X_MAX_BYTES / max(len(last), 1)) * 0.95)
        size = (max(1, int(current.width * factor)), max(1, int(current.height * factor)))
        current = _resize(img, size)
