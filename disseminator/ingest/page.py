"""One web page, fetched under the address policy and decoded with its own charset.

:func:`fetch_page` makes one guarded GET (:class:`channels.fetch.Fetcher`: the policy's
deadline, ``max_page_bytes``, at most five redirects, private addresses refused unless the
configuration allows their host), refuses what is not HTML (a PDF, an image) before its
body is read, and decodes the bytes:

1. a byte-order mark, when there is one;
2. the charset the server declared (``Content-Type``), then the page's own
   ``<meta charset>`` / ``http-equiv``: the first that decodes the bytes without error;
   a Latin-1 family label on bytes that are valid UTF-8 is taken for the usual server
   misconfiguration and UTF-8 wins;
3. otherwise detection (charset-normalizer, which requests already brings);
4. as the last resort UTF-8 with U+FFFD for what cannot be read.

Every failure is a :class:`PageError` whose message is one line: what, where, what was
expected.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from channels.address_policy import FetchPolicy
from channels.i18n import _

from ..errors import ArticleError

__all__ = ["HTML_TYPES", "Page", "PageError", "decode_html", "fetch_page"]

#: The media types read as a web page.
HTML_TYPES = ("text/html", "application/xhtml+xml")
_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)""", re.I)
_LATIN = {"iso8859-1", "latin-1", "cp1252", "ascii", "iso8859-15"}
#: The first bytes of types a server may send as a page by mistake: (magic, what it is).
_MAGIC = ((b"%PDF-", "application/pdf"), (b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
          (b"GIF8", "image/gif"), (b"PK\x03\x04", "application/zip"))


class PageError(ArticleError):
    """A page that cannot be used as an article; ``url`` is the address asked for."""

    def __init__(self, url: str, message: str) -> None:
        self.url = url
        super().__init__(message)


@dataclass(frozen=True)
class Page:
    """A fetched page: where it was asked for and where it ended, its text and when."""

    #: The URL given.
    url: str
    #: The URL the page came from after redirects.
    final_url: str
    html: str
    #: The charset the text was decoded with (``utf-8``, ``cp1252``, ...).
    charset: str
    #: When the answer was complete (UTC).
    fetched_at: dt.datetime


def check_url(url: str) -> str:
    """``url`` stripped, when it is an http(s) URL with a host; else :class:`PageError`."""
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname or re.search(r"\s", text):
        raise PageError(url, _("{url}: not an http(s) address (expected a web page such as "
                               "https://example.go.id/berita/1)").format(url=url))
    return text


def fetch_page(url: str, *, policy: FetchPolicy, now: dt.datetime | None = None,
               timeout: float | None = None) -> Page:
    """GET ``url`` under ``policy`` and decode it (see the module).

    ``now`` is the fetch time recorded (default: the system clock, UTC); ``timeout``
    replaces the policy's deadline (the go-live check uses a shorter one).
    Raises :class:`PageError` for every failure: refused address, HTTP error, redirect
    loop, too large, not HTML, no answer in time.
    """
    from channels.fetch import FetchError, Fetcher

    url = check_url(url)
    try:
        with Fetcher(policy) as fetcher:
            got = fetcher.get(url, max_bytes=policy.max_page_bytes, timeout=timeout, accept=_ACCEPT, types=HTML_TYPES)
    except FetchError as exc:
        raise PageError(url, describe_failure(url, exc)) from None
    when = now or dt.datetime.now(dt.timezone.utc)
    sniffed = _sniff(got.body)
    if sniffed is not None:
        raise PageError(url, _("{url}: the server sent {type}, expected a web page (HTML)").format(
            url=got.url, type=sniffed))
    if not got.body.strip():
        raise PageError(url, _("{url}: the page is empty (expected a web page with an article)").format(url=got.url))
    html, charset = decode_html(got.body, got.content_type)
    return Page(url=url, final_url=got.url, html=html, charset=charset, fetched_at=when)


def describe_failure(url: str, exc: Exception) -> str:
    """One line for a failed fetch of the page ``url``: what happened, and what was expected."""
    from channels.fetch import FetchRefused, HTTPStatusError, TooLarge, Unreachable, WrongType

    if isinstance(exc, HTTPStatusError):
        if exc.status == 404 or exc.status == 410:
            return _("{url}: page not found (HTTP {status}); expected the article's page: check the address").format(
                url=exc.url, status=exc.status)
        if exc.status >= 500:
            return _("{url}: the website failed (HTTP {status}); try again later").format(url=exc.url, status=exc.status)
        return _("{url}: the website refused the page (HTTP {status}); expected a public article page").format(
            url=exc.url, status=exc.status)
    if isinstance(exc, WrongType):
        return _("{url}: the server sent {type}, expected a web page (HTML)").format(url=exc.url, type=exc.content_type)
    if isinstance(exc, TooLarge):
        return _("{url}: the page is too large ({reason}; [fetch] max_page_mb sets the limit)").format(
            url=exc.url, reason=exc.reason)
    if isinstance(exc, Unreachable):
        return _("{url}: could not be read ({reason}); try again later").format(url=exc.url, reason=exc.reason)
    if isinstance(exc, FetchRefused):
        return str(exc)  # already one line: what was refused, why, and the setting that allows it
    return _("{url}: could not be read ({reason})").format(url=url, reason=exc)


def _sniff(body: bytes) -> str | None:
    """The type of a body that is plainly not a page (a PDF sent as text/html), or None."""
    head = body[:8].lstrip()
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if b"\x00" in body[:1024] and not body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _("binary data")
    return None


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str]:
    """``body`` as text and the charset used (see the module for the order tried)."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return body.decode(name, errors="replace"), name.removesuffix("-sig")
    declared = [c for c in (_header_charset(content_type), _meta_charset(body)) if c]
    for name in declared:
        if name in _LATIN and _is_utf8(body):
            return body.decode("utf-8"), "utf-8"
        try:
            return body.decode(name), name
        except UnicodeDecodeError:
            continue  # a wrong label: the next one, or detection
    if _is_utf8(body):
        return body.decode("utf-8"), "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    if best is not None:
        name = _known(best.encoding) or "utf-8"
        return body.decode(name, errors="replace"), name
    return body.decode("utf-8", errors="replace"), "utf-8"


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _header_charset(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type or "", re.I)
    return _known(match.group(1)) if match else None


def _meta_charset(body: bytes) -> str | None:
    match = _META.search(body[:8192])
    return _known(match.group(1).decode("ascii", "replace")) if match else None


def _known(label: str) -> str | None:
    """Python's codec name for ``label``; None for a label Python does not know.

    ``iso-8859-1`` and ``us-ascii`` are read as Windows-1252, as browsers do (the WHATWG
    encoding standard), so a curly quote in such a page is not lost."""
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    return "cp1252" if name in ("iso8859-1", "latin-1", "ascii") else name
