"""A feed document read into entries, and one entry made into an :class:`Article`.

:func:`parse` reads RSS or Atom bytes with feedparser (lenient, as feed readers must be:
dates in many formats, relative links resolved against the feed, ``content:encoded``,
``media:content``) and returns the entries oldest first (by their published or updated
time when every entry has one, else the document's order reversed: feeds list the newest
first).  Each entry carries the keys that name it: its GUID and its link with its title.
A feed whose entries all share one GUID is told apart by link and title (``shared_guid``).

:func:`entry_article` is the one place an entry becomes an article (the page fetcher may
later enrich what it returns): title, link, summary and body (HTML made plain text with
:func:`channels.text.html_to_text`), the image (an image enclosure, ``media:content``,
``media:thumbnail``, else the first ``<img>`` of the content) with its alt text (the
image's ``media:description`` / ``media:title``, else the ``alt`` of the same image in the
content: :mod:`feed_media`), tags and the publication time.  Every field is checked as an article file's is
(:func:`disseminator.articles.article_from_mapping`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from channels.base import Article
from channels.i18n import _

from ..articles import CAPS, article_from_mapping
from ..errors import ArticleError, UserError


class FeedError(UserError):
    """A feed that cannot be read (not XML, not RSS or Atom): retried at its next poll."""


@dataclass(frozen=True)
class Entry:
    """One entry of a feed, as feedparser read it (``raw``), and the keys that name it."""

    raw: Mapping[str, Any]
    #: Where it is in the document (0: first, usually the newest).
    position: int
    #: sha256 keys: ``guid:...`` (unless shared) and ``link:...\\ntitle``; the first is the main one.
    keys: tuple[str, ...]
    #: A short name for log lines and warnings: the title, else the link, else the position.
    label: str
    #: The alt text the feed gives its images (Media RSS: :func:`feed_media.media_alts`), by URL.
    media_alt: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    """A parsed feed: its title, its entries oldest first, and what looked wrong."""

    title: str | None
    entries: list[Entry]
    #: Every entry had the same GUID: they are told apart by link and title instead.
    shared_guid: bool = False
    warnings: list[str] = field(default_factory=list)
    #: Its WebSub hub (``<link rel="hub">``) and its own URL (``rel="self"``), when it names them.
    hub: str | None = None
    self_url: str | None = None


def key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def parse(body: bytes, *, url: str, content_type: str | None = None) -> Document:
    """The entries of the feed ``body`` (fetched from ``url``), oldest first.

    Raises :class:`FeedError` when ``body`` is not an RSS or Atom feed.
    """
    import feedparser

    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers, resolve_relative_uris=True, sanitize_html=True)
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        reason = str(problem).splitlines()[0] if problem else _("no RSS or Atom elements")
        raise FeedError(_("{url}: not an RSS or Atom feed ({reason}); expected the feed's XML, not a web page").format(
            url=url, reason=reason[:200]))
    raws = list(parsed.entries)
    from .feed_media import media_alts

    described = media_alts(body) or []
    if len(described) != len(raws):  # read differently from feedparser: no way to pair them
        described = [{} for _raw in raws]
    guids = [str(e.get("id") or "").strip() for e in raws]
    shared = len(raws) > 1 and len(set(guids)) == 1 and bool(guids[0])
    warnings = []
    if shared:
        warnings.append(_("{url}: every entry has the same GUID; entries are told apart by link and title").format(url=url))
    entries = []
    for i, (raw, guid) in enumerate(zip(raws, guids)):
        link = str(raw.get("link") or "").strip()
        title = str(raw.get("title") or "").strip()
        keys = []
        if guid and not shared:
            keys.append(key("guid:" + guid))
        if link or title:
            keys.append(key("link:" + link + "\n" + title))
        if not keys:  # neither: what it says is all there is to know it by
            keys.append(key("text:" + str(raw.get("summary") or "") + str(raw.get("published") or "")))
        label = title or link or _("entry {n}").format(n=i + 1)
        entries.append(Entry(raw=raw, position=i, keys=tuple(keys), label=label[:120], media_alt=described[i]))
    links = {str(link.get("rel")): str(link.get("href") or "") for link in reversed(parsed.feed.get("links") or [])}
    return Document(title=parsed.feed.get("title"), entries=_oldest_first(entries), shared_guid=shared,
                    warnings=warnings, hub=links.get("hub") if _http(links.get("hub")) else None,
                    self_url=links.get("self") if _http(links.get("self")) else None)


def _when(raw: Mapping[str, Any]) -> dt.datetime | None:
    """An entry's publication time (else its update time), in UTC, or None."""
    import calendar

    for name in ("published_parsed", "updated_parsed"):
        value = raw.get(name)
        if value:
            return dt.datetime.fromtimestamp(calendar.timegm(value), dt.timezone.utc)
    return None


def _oldest_first(entries: list[Entry]) -> list[Entry]:
    """By time when every entry has one (ties: the later in the document first), else the
    document's order reversed."""
    times = [_when(e.raw) for e in entries]
    if entries and all(t is not None for t in times):
        order = sorted(zip(times, entries), key=lambda p: (p[0], -p[1].position))
        return [e for _t, e in order]
    return list(reversed(entries))


def entry_article(entry: Entry, *, feed_url: str) -> Article:
    """The article an entry makes.  Raises :class:`ArticleError` (one line: the feed, the
    entry, what is missing) for an entry without a title or a link, or a field that is not
    what an article takes."""
    from channels.text import html_to_text

    raw = entry.raw
    where = _("{url}: entry {label!r}").format(url=feed_url, label=entry.label)
    title = _plain(raw.get("title_detail"), raw.get("title"))
    link = str(raw.get("link") or "").strip()
    if not title:
        raise ArticleError(_("{where}: has no title; skipped (expected a <title>)").format(where=where))
    if not link:
        raise ArticleError(_("{where}: has no link; skipped (expected a <link> to the article's page)").format(where=where))
    content = ""
    for part in raw.get("content") or []:
        content = str(part.get("value") or "")
        if content.strip() in entry.media_alt.values():  # feedparser reads a media:description as content
            content = ""
        if content.strip():
            break
    summary = _plain(raw.get("summary_detail"), raw.get("summary"))
    body = html_to_text(content) if content else ""
    image, alt = _image(raw, content, entry.media_alt)
    published = _when(raw)
    data = {
        "title": _cap(title, "title"),
        "url": link,
        "summary": _cap(summary, "summary") or None,
        "body": _cap(body, "body"),
        "image": image,
        "image_alt": _cap(alt, "image_alt") if alt else None,
        "tags": _tags(raw),
        "published": published,
        "author": _cap(str(raw.get("author") or ""), "author") or None,
    }
    return article_from_mapping(data, where=where)


def _plain(detail: Mapping[str, Any] | None, value: Any) -> str:
    """A text construct as plain text (HTML made text; plain text kept as written)."""
    from channels.text import html_to_text

    text = str(value or "").strip()
    kind = str((detail or {}).get("type") or "")
    if text and ("html" in kind or re.search(r"<[A-Za-z/!]", text)):
        text = html_to_text(text)
    return text.strip()


def _cap(text: str, name: str) -> str:
    """``text`` cut to what an article's field holds (a feed's long field is not refused)."""
    most = CAPS[name]
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _tags(raw: Mapping[str, Any]) -> list[str]:
    from ..articles import MAX_TAGS

    found: list[str] = []
    for tag in raw.get("tags") or []:
        term = str(tag.get("label") or tag.get("term") or "").strip()
        if term and term not in found and len(term) <= CAPS["tag"]:
            found.append(term)
    return found[:MAX_TAGS]


def _image(raw: Mapping[str, Any], content: str, described: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The entry's image and its alt text: an image enclosure, media:content,
    media:thumbnail, else the first <img> of its content.  The alt is the image's
    media:description or media:title (``described``), else the alt of the same image in
    the content (:func:`feed_media.same_image`)."""
    from .feed_media import img_alts, same_image

    in_text = img_alts(content) if content else {}

    def found(url: str) -> tuple[str, str | None]:
        return url, described.get(url) or same_image(url, in_text)

    for link in raw.get("links") or []:
        if link.get("rel") == "enclosure" and str(link.get("type") or "").startswith("image/") and _http(link.get("href")):
            return found(str(link["href"]))
    for media in raw.get("media_content") or []:
        kind = str(media.get("medium") or media.get("type") or "image")
        if kind.startswith("image") and _http(media.get("url")):
            return found(str(media["url"]))
    for thumb in raw.get("media_thumbnail") or []:
        if _http(thumb.get("url")):
            return found(str(thumb["url"]))
    if content:
        finder = _FirstImage()
        finder.feed(content)
        if finder.src:
            return finder.src, finder.alt or described.get(finder.src)
    return None, None


def _http(url: Any) -> bool:
    return isinstance(url, str) and url.startswith(("http://", "https://")) and len(url) <= CAPS["image"]


class _FirstImage(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.src: str | None = None
        self.alt: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "img" or self.src:
            return
        values = dict(attrs)
        if _http(values.get("src")):
            self.src = values["src"]
            self.alt = (values.get("alt") or "").strip() or None
