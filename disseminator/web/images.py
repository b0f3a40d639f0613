"""Images a page shows from their own sites (a post's photos live on the institution's
website or its media server): this answer's Content-Security-Policy lets exactly those
origins be loaded as images, and nothing else changes (scripts stay the site's own)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import g

#: What a host (and port) may look like in the policy: nothing that could end a directive.
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$")


def allow_images(urls: Iterable[str | None]) -> list[str]:
    """Let this answer show images from the origins of ``urls`` (http/https only); returns them."""
    origins = sorted({f"{p.scheme}://{p.netloc}" for p in (urlsplit(u) for u in urls if u)
                      if p.scheme in ("http", "https") and _HOST.match(p.netloc)})
    if origins:
        g.csp = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: "
                 + " ".join(origins) + "; object-src 'none'; base-uri 'none'; form-action 'self'; "
                 "frame-ancestors 'none'")
    return origins
