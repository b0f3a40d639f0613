"""A feed publisher for the tests: a web server on 127.0.0.1 (a thread) serving feeds the
tests write (RSS 2.0 as WordPress writes it, Atom), with ETag and Last-Modified, answering
304 to a conditional request that still matches, and keeping every request's headers."""

from __future__ import annotations

import hashlib
import http.server
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import format_datetime
import datetime as dt
from xml.sax.saxutils import escape

from tests.helpers import serve_handler


@dataclass
class Item:
    title: str | None
    link: str | None
    guid: str | None = None
    published: dt.datetime | None = None
    summary: str = "Ringkasan berita."
    content: str | None = None
    categories: Sequence[str] = ()
    image: str | None = None
    #: A Media RSS image (``media:content``) with its description and title, if given.
    media: str | None = None
    media_description: str | None = None
    media_title: str | None = None


def rss(items: Sequence[Item], *, title: str = "Humas Kementerian", hub: str | None = None,
        self_url: str | None = None) -> bytes:
    """RSS 2.0 the way WordPress writes it: content:encoded, categories, an enclosure (and,
    with ``hub``, the WebSub links a WebSub plugin adds: atom:link rel="hub" and rel="self")."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
           'xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom"><channel>',
           f"<title>{escape(title)}</title><link>https://humas.example.go.id/</link>"]
    if hub:
        out.append(f'<atom:link rel="hub" href="{escape(hub)}"/>')
    if self_url:
        out.append(f'<atom:link rel="self" href="{escape(self_url)}" type="application/rss+xml"/>')
    for it in items:  # newest first, as WordPress lists them
        out.append("<item>")
        if it.title is not None:
            out.append(f"<title>{escape(it.title)}</title>")
        if it.link is not None:
            out.append(f"<link>{escape(it.link)}</link>")
        if it.guid is not None:
            out.append(f'<guid isPermaLink="false">{escape(it.guid)}</guid>')
        if it.published is not None:
            out.append(f"<pubDate>{format_datetime(it.published)}</pubDate>")
        out += [f"<category><![CDATA[{c}]]></category>" for c in it.categories]
        out.append(f"<description><![CDATA[{it.summary}]]></description>")
        if it.content is not None:
            out.append(f"<content:encoded><![CDATA[{it.content}]]></content:encoded>")
        if it.image:
            out.append(f'<enclosure url="{escape(it.image)}" length="1000" type="image/jpeg"/>')
        if it.media:
            out.append(f'<media:content url="{escape(it.media)}" medium="image">')
            if it.media_title is not None:
                out.append(f"<media:title>{escape(it.media_title)}</media:title>")
            if it.media_description is not None:
                out.append(f'<media:description type="plain">{escape(it.media_description)}</media:description>')
            out.append("</media:content>")
        out.append("</item>")
    out.append("</channel></rss>")
    return "\n".join(out).encode()


def atom(items: Sequence[Item], *, title: str = "Humas Atom") -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
           f"<title>{escape(title)}</title><id>urn:test:feed</id><updated>2026-11-30T00:00:00Z</updated>"]
    for it in items:
        out.append("<entry>")
        if it.title is not None:
            out.append(f"<title>{escape(it.title)}</title>")
        if it.link is not None:
            out.append(f'<link rel="alternate" href="{escape(it.link)}"/>')
        out.append(f"<id>{escape(it.guid or it.link or '')}</id>")
        if it.published is not None:
            out.append(f"<updated>{it.published.isoformat()}</updated>")
        out += [f'<category term="{escape(c)}"/>' for c in it.categories]
        out.append(f'<summary type="html">{escape(it.summary)}</summary>')
        if it.content is not None:
            out.append(f'<content type="html">{escape(it.content)}</content>')
        out.append("</entry>")
    out.append("</feed>")
    return "\n".join(out).encode()


@dataclass
class Publisher:
    """What the server serves: path -> (status, content type, body); change it any time."""

    base: str = ""
    pages: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    #: When each request came (time.monotonic), beside ``requests``.
    times: list[float] = field(default_factory=list)
    conditional: bool = True

    def put(self, path: str, body: bytes, *, status: int = 200, kind: str = "application/rss+xml; charset=UTF-8") -> str:
        self.pages[path] = (status, kind, body)
        return self.base + path

    def hits(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.requests if p == path]


@contextmanager
def feed_server() -> Iterator[Publisher]:
    pub = Publisher()
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            with lock:
                pub.requests.append((self.path, dict(self.headers.items())))
                pub.times.append(time.monotonic())
                status, kind, body = pub.pages.get(self.path, (404, "text/html", b"<h1>Not Found</h1>"))
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if pub.conditional and status == 200 and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            if pub.conditional and status == 200:
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", "Mon, 30 Nov 2026 01:00:00 GMT")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with serve_handler(Handler) as pub.base:
        yield pub
