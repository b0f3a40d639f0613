"""Images for Instagram: a JPEG of at most 8 MB, sRGB, no metadata, between 4:5 and
1.91:1, 320 to 1440 pixels wide.

- Images are padded, never cropped (cropping can cut a minister out of a photo). An
  image so thin that padding would leave less than :data:`IG_MIN_CONTENT_SHARE` of the
  picture showing it (say 1x3000 pixels) is refused: a blank square with a line in it is
  not a post.
- Scaling down to Instagram's 1440-pixel width is routine and silent; scaling up to 320
  pixels is warned about because it looks blurry.
"""

from __future__ import annotations

from ..i18n import _
from .fetch import ImageError
from .fetch import mb as _mb
from .pixels import MB, decode, encode, flatten, resize, upright_srgb
from .prepared import PreparedImage

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
    img, notes = decode(data, label, draft=(IG_MAX_WIDTH, IG_MAX_WIDTH))
    # Messages speak of the file's own size, not of the reduced-scale decode.
    scale = img.info.get("_source_width", img.width) / img.width
    img = upright_srgb(img, label, notes)
    img = flatten(img, fill, notes)
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
        canvas = img if (out_w, out_h) == (w, h) else resize(img, (out_w, out_h))
    else:
        scale = min(out_w / w, out_h / h)
        cw, ch = min(out_w, max(1, round(w * scale))), min(out_h, max(1, round(h * scale)))
        content = img if (cw, ch) == (w, h) else resize(img, (cw, ch))
        canvas = Image.new("RGB", (out_w, out_h), fill)
        canvas.paste(content, ((out_w - cw) // 2, (out_h - ch) // 2))

    for quality in _JPEG_QUALITIES:
        encoded = encode(canvas, "JPEG", quality=quality)
        if len(encoded) <= IG_MAX_BYTES:
            if quality != _JPEG_QUALITIES[0]:
                notes.append(_("image saved at JPEG quality {quality} to stay within {limit}").format(
                    quality=quality, limit=_mb(IG_MAX_BYTES)))
            return PreparedImage(encoded, "image/jpeg", ".jpg", out_w, out_h, tuple(notes))
    raise ImageError(
        _("{label}: still {size} at JPEG quality {quality}; Instagram accepts at most {limit}").format(
            label=label, size=_mb(len(encoded)), quality=_JPEG_QUALITIES[-1], limit=_mb(IG_MAX_BYTES))
    )


def _pad_to_ratio(w: int, h: int) -> tuple[int, int]:
    """Smallest canvas containing w×h whose ratio is within Instagram's bounds."""
    lo_n, lo_d = IG_MIN_RATIO
    hi_n, hi_d = IG_MAX_RATIO
    if w * lo_d < h * lo_n:  # taller than 4:5
        return -(-h * lo_n // lo_d), h
    if w * hi_d > h * hi_n:  # wider than 1.91:1
        return w, -(-w * hi_d // hi_n)
    return w, h
