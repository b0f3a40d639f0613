"""The Pillow steps every network's image preparation shares: a decode that refuses
broken files and decompression bombs before they cost memory, EXIF orientation applied,
colour converted to sRGB with every piece of metadata (EXIF, GPS, XMP, ICC, comments)
dropped, transparency flattened, resizing and encoding.

Sources over :data:`MAX_SOURCE_BYTES` or :data:`PIL.Image.MAX_IMAGE_PIXELS` pixels are
refused before decoding (a 40 MB file or a decompression bomb would cost a small server
hundreds of MB of memory).  Every refusal is an :class:`~channels.media.fetch.ImageError`.

Pillow is imported inside the functions: importing this module is cheap.
"""

from __future__ import annotations

import io
import warnings
from typing import TYPE_CHECKING

from ..i18n import _
from .fetch import ImageError
from .fetch import mb as _mb

if TYPE_CHECKING:  # only for annotations; never imported at run time here
    from PIL import Image

MB = 1_000_000
#: Largest source accepted by the prepare functions (decoded size would be far larger).
MAX_SOURCE_BYTES = 30 * MB


def decode(
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


def upright_srgb(img: Image.Image, label: str, notes: list[str]) -> Image.Image:
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


def flatten(img: Image.Image, fill: tuple[int, ...], notes: list[str]) -> Image.Image:
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


def resize(img: Image.Image, size: tuple[int, int]) -> Image.Image:
    from PIL import Image

    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def encode(img: Image.Image, fmt: str, *, quality: int) -> bytes:
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
