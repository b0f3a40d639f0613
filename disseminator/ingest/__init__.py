"""Ingest: articles from the institution's website (pages and feeds).  It produces articles
and queues posts through the planner; it never posts itself.

- :mod:`.page`: one page fetched under the address policy, decoded with its charset;
- :mod:`.extract`: its metadata (OpenGraph, Twitter cards, JSON-LD) and body text;
- :mod:`.golive`: is an article's page public yet (asked right before publishing);
- :mod:`.feeds` and the ``feed_*`` modules: RSS and Atom feeds, polled (the feeds' own docs).

The one entry point for a client (``article add URL``, ``preview URL``, the feeds, the
web page) is :func:`article_from_url`.  Heavy libraries (extruct, trafilatura, lxml) are
imported only when a page is read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from channels.i18n import _

from .page import PageError, check_url

if TYPE_CHECKING:
    from channels.address_policy import FetchPolicy
    from channels.base import Article

__all__ = ["PageError", "PageMeta", "article_from_html", "article_from_url", "check_url", "is_url"]


@dataclass(frozen=True)
class PageMeta:
    """How an article was read from the web: kept with the stored article."""

    #: The URL given (the article's ``source``).
    source_url: str
    #: The URL the page came from after redirects.
    final_url: str
    #: When the page was fetched (UTC).
    fetched_at: dt.datetime
    #: The charset the page was decoded with.
    charset: str
    #: For each field found, where it came from ("og:title", "json-ld", "<title>", ...).
    sources: Mapping[str, str] = field(default_factory=dict)


def is_url(ref: str) -> bool:
    """Whether ``ref`` (a command's argument) is a web address (``scheme://...``) rather
    than a file or an id; one that is not http(s) is then refused by :func:`article_from_url`."""
    return re.match(r"\s*[A-Za-z][A-Za-z0-9+.-]*://", ref) is not None


def article_from_url(url: str, *, policy: FetchPolicy, now: dt.datetime | None = None,
                     timeout: float | None = None) -> tuple[Article, PageMeta]:
    """Fetch the page at ``url`` and read its article.

    ``policy`` is the installation's fetch policy (:meth:`disseminator.config.Settings.fetch_policy`:
    deadline, ``max_page_bytes``, allowed private hosts); ``now`` is recorded as the fetch
    time (default: the system clock); ``timeout`` replaces the policy's deadline.

    The article's ``url`` is the page's canonical URL (else the URL it came from), so a page
    read again after it changed is the next revision of the same stored article.
    Raises :class:`PageError` (an :class:`~disseminator.errors.ArticleError`: one line,
    what and where) when the page cannot be fetched or names no title.
    """
    from .page import fetch_page

    page = fetch_page(url, policy=policy, now=now, timeout=timeout)
    article, sources = article_from_html(page.html, url=page.final_url, source=url)
    return article, PageMeta(source_url=page.url, final_url=page.final_url, fetched_at=page.fetched_at,
                             charset=page.charset, sources=sources)


def article_from_html(html: str, *, url: str, source: str | None = None) -> tuple[Article, Mapping[str, str]]:
    """The article in ``html``, a page that came from ``url``; with where each field was found.

    Fields are checked as an article file's are (:func:`disseminator.articles.article_from_mapping`),
    after cutting what a page may carry too much of (a long summary, many tags) to what an
    article may hold.  Raises :class:`PageError` when no title can be found.
    """
    from ..articles import CAPS, MAX_TAGS, article_from_mapping
    from .extract import extract

    got = extract(html, url=url)
    where = source or url
    if not got.title:
        raise PageError(where, _("{url}: no title found (no og:title, JSON-LD headline, <title>, heading or text); "
                                 "expected an article page").format(url=where))
    fields: dict[str, Any] = {
        "title": _cut(got.title, CAPS["title"]), "url": got.url, "summary": _cut(got.summary, CAPS["summary"]),
        "body": _cut(got.body, CAPS["body"]), "image": got.image, "image_alt": _cut(got.image_alt, CAPS["image_alt"]),
        "tags": [_cut(t, CAPS["tag"]) for t in got.tags[:MAX_TAGS]], "published": got.published,
        "author": _cut(got.author, CAPS["author"]),
    }
    for key in ("url", "image"):  # an address too long to keep is dropped, not refused
        if fields[key] and len(fields[key]) > CAPS[key]:
            fields[key] = None
    return article_from_mapping(fields, where=where), dict(got.sources)


def _cut(text: str | None, most: int) -> str | None:
    """``text`` within ``most`` characters (a page's text is not refused for its length)."""
    if text is None or len(text) <= most:
        return text
    return text[: most - 1].rstrip() + "…"
