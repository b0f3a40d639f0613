"""A web page's article: its metadata and its body text.

Where each field comes from, first found wins:

========== ==================================================================================
title      og:title, twitter:title, JSON-LD headline/name, <title>, the first <h1>-<h3>, the
           body's first line
summary    og:description, twitter:description, JSON-LD description, <meta name=description>,
           the body's first paragraph
image      og:image (secure_url first), twitter:image, JSON-LD image; made absolute
image_alt  og:image:alt, twitter:image:alt, JSON-LD image caption
published  article:published_time, JSON-LD datePublished, <meta name=date|pubdate>
tags       article:tag, JSON-LD keywords, <meta name=keywords>
url        <link rel=canonical>, og:url, JSON-LD url, the URL the page came from
author     JSON-LD author name, <meta name=author>
body       trafilatura's main text (menus, sidebars, scripts and footers left out)
========== ==================================================================================

OpenGraph and JSON-LD are read by extruct, the body by trafilatura; both are imported
only when a page is read.  Nothing here touches the network.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

__all__ = ["Extracted", "extract", "identity"]

#: JSON-LD types read as the page's article (schema.org's Article and its usual kinds).
ARTICLE_TYPES = {"Article", "NewsArticle", "BlogPosting", "ReportageNews", "AnalysisNewsArticle", "Report",
                 "PressRelease", "ScholarlyArticle", "TechArticle", "OpinionNewsArticle", "WebPage"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\u00a0]+")
#: Below this many characters of text, trafilatura's fallback extractors are asked too.
_SHORT = 200
#: The longest title taken from the body's first line when the page names none.
_TITLE_FROM_BODY = 120


@dataclass(frozen=True)
class Extracted:
    """What a page says about its article; any field may be missing (None or empty)."""

    title: str | None = None
    summary: str | None = None
    body: str = ""
    image: str | None = None
    image_alt: str | None = None
    published: dt.datetime | None = None
    tags: tuple[str, ...] = ()
    url: str | None = None
    author: str | None = None
    #: For each field found, where it came from ("og:title", "json-ld", "<title>", ...).
    sources: Mapping[str, str] = field(default_factory=dict)


def extract(html: str, *, url: str) -> Extracted:
    """Read ``html`` (a page that came from ``url``, after redirects) into an :class:`Extracted`."""
    import extruct

    html = re.sub(r"\A\s*<\?xml[^>]*\?>", "", html)  # lxml refuses an encoding declaration in a str
    tree = _tree(html)
    base = _base(tree, url)
    data = extruct.extract(html, base_url=base, syntaxes=["opengraph", "json-ld"], errors="ignore")
    og = _opengraph(data.get("opengraph") or [])
    ld = _ld_article(data.get("json-ld") or [])
    meta = _metas(tree)
    body = _body(html, url)
    found: dict[str, str] = {}

    def first(name: str, *candidates: tuple[str, Any]) -> Any:
        for source, value in candidates:
            value = _clean(value) if isinstance(value, str) else value
            if value:
                found[name] = source
                return value
        return None

    title = first("title", ("og:title", _one(og, "og:title")), ("twitter:title", meta.get("twitter:title")),
                  ("json-ld", _ld_text(ld, "headline") or _ld_text(ld, "name")), ("<title>", _title_tag(tree)),
                  ("heading", _heading(tree)), ("body", _first_line(body)))
    summary = first("summary", ("og:description", _one(og, "og:description")),
                    ("twitter:description", meta.get("twitter:description")),
                    ("json-ld", _ld_text(ld, "description")), ("description", meta.get("description")),
                    ("body", _first_paragraph(body)))
    ld_image, ld_alt = _ld_image(ld)
    image = first("image", ("og:image", _one(og, "og:image:secure_url") or _one(og, "og:image")),
                  ("twitter:image", meta.get("twitter:image") or meta.get("twitter:image:src")), ("json-ld", ld_image))
    image = _absolute(image, base)
    image_alt = first("image_alt", ("og:image:alt", _one(og, "og:image:alt")),
                      ("twitter:image:alt", meta.get("twitter:image:alt")), ("json-ld", ld_alt)) if image else None
    published = first("published", ("article:published_time", _time(_one(og, "article:published_time"))),
                      ("json-ld", _time(_ld_text(ld, "datePublished"))),
                      ("meta", _time(meta.get("date") or meta.get("pubdate") or meta.get("article:published_time"))))
    tags = first("tags", ("article:tag", _tags(og.get("article:tag", []))), ("json-ld", _tags(ld.get("keywords"))),
                 ("keywords", _tags(meta.get("keywords")))) or ()
    canonical = first("url", ("canonical", _absolute(_canonical(tree), base)), ("og:url", _absolute(_one(og, "og:url"), base)),
                      ("json-ld", _absolute(_ld_text(ld, "url"), base)), ("fetched", url))
    author = first("author", ("json-ld", _ld_author(ld)), ("meta", meta.get("author")))
    return Extracted(title=title, summary=summary, body=body, image=image, image_alt=image_alt, published=published,
                     tags=tuple(tags), url=canonical, author=author, sources=found)


def identity(html: str, *, url: str) -> tuple[list[str], list[str]]:
    """What a page says it is, cheaply (no body extraction): the URLs it names for itself
    (canonical, og:url; absolute) and its titles (og:title, twitter:title, <title>, first
    heading), in that order.  For the go-live check."""
    tree = _tree(html)
    base = _base(tree, url)
    meta = _metas(tree)
    urls = [u for u in (_absolute(_canonical(tree), base), _absolute(meta.get("og:url"), base)) if u]
    titles = [t for t in (_clean(meta.get("og:title")), _clean(meta.get("twitter:title")), _clean(_title_tag(tree)),
                          _heading(tree)) if t]
    return urls, titles


def _tree(html: str) -> Any:
    import lxml.etree
    import lxml.html

    html = re.sub(r"\A\s*<\?xml[^>]*\?>", "", html)  # lxml refuses an encoding declaration in a str
    try:
        return lxml.html.fromstring(html or "<html></html>")
    except (ValueError, lxml.etree.ParserError):
        return lxml.html.fromstring("<html></html>")


# --------------------------------------------------------------------------- the page's own tags


def _base(tree: Any, url: str) -> str:
    """The URL relative links are read against: ``<base href>`` when the page sets one."""
    href = tree.xpath("string(//base/@href)")
    return urljoin(url, href.strip()) if href and href.strip() else url


def _metas(tree: Any) -> dict[str, str]:
    """``<meta name|property=... content=...>``, first of each name, names lower case."""
    found: dict[str, str] = {}
    for el in tree.xpath("//meta[@content]"):
        name = (el.get("name") or el.get("property") or "").strip().lower()
        if name and name not in found:
            found[name] = el.get("content") or ""
    return found


def _title_tag(tree: Any) -> str | None:
    return tree.xpath("string((//title)[1])") or None


def _heading(tree: Any) -> str | None:
    for level in ("h1", "h2", "h3"):
        for el in tree.xpath(f"//body//{level}"):
            text = _clean(el.text_content())
            if text:
                return text
    return None


def _canonical(tree: Any) -> str | None:
    for el in tree.xpath("//link[@href]"):
        if "canonical" in (el.get("rel") or "").lower().split():
            return str(el.get("href"))
    return None


def _body(html: str, url: str) -> str:
    """The main text, paragraphs separated by blank lines ("" when trafilatura finds none).

    trafilatura's own pass first (``fast``: 7x quicker on a 100 KB theme page,
    benchmarks/bench_extract.py); only when that finds less than :data:`_SHORT` characters
    are its fallback extractors (readability, jusText) asked too.  Never ``deduplicate``:
    it remembers text across calls, so the same page read twice would come back empty.
    """
    import trafilatura

    # Its "discarding data" warnings would reach the officer's terminal; a page without
    # text is judged here (no title: refused), not by its log.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    options: dict[str, Any] = {"url": url, "include_comments": False, "include_tables": False,
                               "include_images": False, "include_links": False, "output_format": "txt"}
    text = trafilatura.extract(html, fast=True, **options) or ""
    if len(text) < _SHORT:
        text = trafilatura.extract(html, **options) or text
    paragraphs = [_clean(p) for p in text.splitlines()]
    return "\n\n".join(p for p in paragraphs if p)


# --------------------------------------------------------------------------- OpenGraph, JSON-LD


def _opengraph(blocks: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Every OpenGraph property (og:, article:, ...) with all its values, in page order."""
    found: dict[str, list[str]] = {}
    for block in blocks:
        for key, value in block.get("properties", []):
            if isinstance(value, str):
                found.setdefault(str(key).lower(), []).append(value)
    return found


def _one(og: Mapping[str, list[str]], key: str) -> str | None:
    values = og.get(key)
    return values[0] if values else None


def _ld_article(blocks: list[Any]) -> dict[str, Any]:
    """The page's article in its JSON-LD: the first node of an article type (a WebPage
    only when there is no other)."""
    nodes = list(_nodes(blocks))
    for wanted in (ARTICLE_TYPES - {"WebPage"}, {"WebPage"}):
        for node in nodes:
            kinds = node.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(k, str) and k in wanted for k in kinds):
                return node
    return {}


def _nodes(value: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document, through lists and ``@graph``."""
    if isinstance(value, list):
        for item in value:
            yield from _nodes(item)
    elif isinstance(value, dict):
        yield value
        if "@graph" in value:
            yield from _nodes(value["@graph"])


def _ld_text(node: Mapping[str, Any], key: str) -> str | None:
    value = node.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url") if key in ("url", "mainEntityOfPage") else value.get("name")
    return value if isinstance(value, str) else None


def _ld_image(node: Mapping[str, Any]) -> tuple[str | None, str | None]:
    image = node.get("image")
    if isinstance(image, list):
        image = image[0] if image else None
    if isinstance(image, str):
        return image, None
    if isinstance(image, dict):
        url = image.get("url") or image.get("contentUrl")
        alt = image.get("caption") or image.get("description")
        return (url if isinstance(url, str) else None), (alt if isinstance(alt, str) else None)
    return None, None


def _ld_author(node: Mapping[str, Any]) -> str | None:
    author = node.get("author")
    if isinstance(author, list):
        author = author[0] if author else None
    if isinstance(author, dict):
        author = author.get("name")
    return author if isinstance(author, str) and not author.startswith(("http://", "https://")) else None


# --------------------------------------------------------------------------- values


def _clean(text: str | None) -> str | None:
    """One line of text: control characters dropped, runs of spaces made one."""
    if not text:
        return None
    text = _SPACES.sub(" ", _CONTROL.sub("", text)).strip()
    return text or None


def _absolute(value: str | None, base: str) -> str | None:
    """``value`` read against ``base``; None unless the result is an http(s) URL."""
    if not value:
        return None
    joined = urljoin(base, value.strip())
    try:
        parts = urlsplit(joined)
    except ValueError:
        return None
    return joined if parts.scheme in ("http", "https") and parts.hostname and not re.search(r"\s", joined) else None


def _time(value: str | None) -> dt.datetime | None:
    """An ISO 8601 time (``Z`` too); None for anything else (a page's bad date is dropped)."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if 1900 <= when.year < 3000 else None


def _tags(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return None
    words = [_clean(v) for v in value if isinstance(v, str)]
    return tuple(dict.fromkeys(w for w in words if w)) or None


def _first_paragraph(body: str) -> str | None:
    return body.split("\n\n", 1)[0] if body else None


def _first_line(body: str) -> str | None:
    """The body's first paragraph, cut at a word within :data:`_TITLE_FROM_BODY` characters."""
    line = _first_paragraph(body)
    if not line:
        return None
    if len(line) <= _TITLE_FROM_BODY:
        return line
    cut = line[:_TITLE_FROM_BODY].rsplit(" ", 1)[0]
    return cut + "…"
