"""The alt text a feed gives its entries' images, which feedparser does not keep.

Media RSS describes an image with ``media:description`` (else ``media:title``) inside its
``media:content`` / ``media:thumbnail``, in the ``media:group`` around it, or in the item
when the item has one image.  feedparser drops these (or reads an item's description as its
text), so :func:`media_alts` reads the document again for them, with a parser that loads no
entity, DTD or network resource: one ``{image URL: alt}`` per item or entry, in document
order (None when the document cannot be read so; the entries then have none).

:func:`img_alts` gives the same for the ``<img alt>`` of an entry's HTML content, and
:func:`same_image` matches an image to one of those: WordPress lists the full-size file in
the enclosure and a resized one (``foto-1024x683.jpg``) in the text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

MEDIA = "{http://search.yahoo.com/mrss/}"
_SIZED = re.compile(r"-\d{2,5}x\d{2,5}(?=\.[A-Za-z0-9]{2,5}$)")


def media_alts(body: bytes) -> list[dict[str, str]] | None:
    """``{image URL: alt}`` of each item or entry of the feed ``body``, in document order."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    found = []
    for item in root.iter():
        if isinstance(item.tag, str) and etree.QName(item).localname in ("item", "entry"):
            found.append(_item_alts(item))
    return found


def _item_alts(item: object) -> dict[str, str]:
    media = [m for m in item.iter(MEDIA + "content", MEDIA + "thumbnail")  # type: ignore[attr-defined]
             if str(m.get("url") or "").startswith(("http://", "https://"))]
    alts: dict[str, str] = {}
    for m in media:
        alt = _describe(m)
        parent = m.getparent()
        if not alt and parent is not None and parent.tag == MEDIA + "group":
            alt = _describe(parent)
        if not alt and len({x.get("url") for x in media}) == 1:
            alt = _describe(item)
        if alt:
            alts.setdefault(str(m.get("url")), alt)
    return alts


def _describe(element: object) -> str:
    """The element's own ``media:description``, else its ``media:title`` (plain text)."""
    from channels.text import html_to_text

    for name in ("description", "title"):
        for child in element:  # type: ignore[attr-defined]
            if child.tag == MEDIA + name:
                text = "".join(child.itertext()).strip()
                if text and child.get("type") == "html":
                    text = html_to_text(text).strip()
                if text:
                    return text
    return ""


def img_alts(html: str) -> dict[str, str]:
    """``{src: alt}`` of every ``<img>`` with an alt in ``html``."""
    finder = _Images()
    finder.feed(html)
    return finder.alts


def same_image(url: str, alts: dict[str, str]) -> str | None:
    """The alt of ``url`` in ``alts``: the same address, else the same file but for a
    query or a WordPress size suffix."""
    if url in alts:
        return alts[url]
    want = _plain(url)
    return next((alt for src, alt in alts.items() if _plain(src) == want), None)


def _plain(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc.lower() + _SIZED.sub("", parts.path)


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.alts: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        src, alt = values.get("src"), (values.get("alt") or "").strip()
        if tag == "img" and src and alt:
            self.alts.setdefault(src, alt)
