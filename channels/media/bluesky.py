"""Images for Bluesky: at most 1,000,000 bytes each (the ``app.bsky.embed.images``
lexicon: ``maxSize: 1000000``), upright, sRGB, no metadata.

JPEG and PNG keep their format when the clean re-encoding fits; anything else, or
anything too large, becomes a JPEG, first at lower quality, then scaled down until it
fits.  An animated image keeps its first frame (Bluesky shows stills).
"""

from __future__ import annotations

import math

from ..i18n import _
from .fetch import ImageError
from .fetch import mb as _mb
from .pixels import decode, encode, flatten, resize, upright_srgb
from .prepared import PreparedImage

BLUESKY_MAX_BYTES = 1_000_000
_KEPT = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}


def prepare_for_bluesky(data: bytes, *, source: str = "", limit: int = BLUESKY_MAX_BYTES) -> PreparedImage:
    """An image Bluesky accepts (<= ``limit`` bytes).  Raises :class:`ImageError` for
    anything that is not a usable image or cannot be brought under the limit."""
    label = source or _("image")
    img, notes = decode(data, label)
    fmt = img.format or ""
    img = upright_srgb(img, label, notes)
    if fmt in _KEPT:
        kept = encode(img, fmt, quality=90)
        if len(kept) <= limit:
            mime, ext = _KEPT[fmt]
            return PreparedImage(kept, mime, ext, img.width, img.height, tuple(notes))
    flat = flatten(img, (255, 255, 255), notes)
    current = flat
    for _step in range(40):
        for quality in (85, 75, 65):
            encoded = encode(current, "JPEG", quality=quality)
            if len(encoded) <= limit:
                if current.size != flat.size:
                    notes.append(_("image scaled to {width}×{height} to stay within Bluesky's {limit}").format(
                        width=current.width, height=current.height, limit=_mb(limit)))
                elif fmt in _KEPT:
                    notes.append(_("image re-encoded as JPEG to stay within Bluesky's {limit}").format(limit=_mb(limit)))
                return PreparedImage(encoded, "image/jpeg", ".jpg", current.width, current.height, tuple(notes))
        if min(current.size) <= 64:
            break
        factor = min(0.9, math.sqrt(limit / max(len(encoded), 1)) * 0.95)
        current = resize(flat, (max(1, int(current.width * factor)), max(1, int(current.height * factor))))
    raise ImageError(_("{label}: cannot be brought under Bluesky's {limit} limit").format(label=label, limit=_mb(limit)))
