"""A small institution website for the ingest tests: the pages under tests/pages and every
bad case (404, 500, a redirect loop, a 50 MB page, a PDF, a login wall), served on
127.0.0.1 by a thread for the test's duration.

``site.pages`` maps a path to its answer and may be changed while the server runs (a page
that is edited between two fetches, a page that goes live).  ``site.hits`` counts GETs per
path.
"""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

PAGES = Path(__file__).parent / "pages"
#: What the "50 MB page" declares and streams.
FIFTY_MB = 50_000_000


@dataclass
class Answer:
    """One path's answer: status, Content-Type, body, extra headers; ``stream`` sends
    ``length`` bytes of filler in chunks (no Content-Length unless ``declare``)."""

    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stream: int = 0
    declare: bool = False


def page(name: str, content_type: str | None = "text/html; charset=utf-8", **kw: object) -> Answer:
    """The file ``tests/pages/NAME`` as an answer."""
    return Answer(content_type=content_type, body=(PAGES / name).read_bytes(), **kw)  # type: ignore[arg-type]


def default_pages() -> dict[str, Answer]:
    return {
        "/berita/bendungan": page("wordpress.html"),
        "/berita/libur": page("bare.html", "text/html"),
        "/berita/banjir": page("heading-only.html"),
        "/berita/kosong": page("no-title.html"),
        "/berita/kafe": page("cp1252.html", "text/html"),  # no charset sent: the <meta> says windows-1252
        "/berita/jembatan": page("utf8-no-charset.html", "text/html; charset=iso-8859-1"),  # the header lies
        "/hilang": Answer(status=404, body=b"<html><title>404 Tidak Ditemukan</title></html>"),
        "/rusak": Answer(status=500, body=b"<html><title>Internal Server Error</title></html>"),
        "/putar/a": Answer(status=302, headers={"Location": "/putar/b"}),
        "/putar/b": Answer(status=302, headers={"Location": "/putar/a"}),
        "/pindah": Answer(status=301, headers={"Location": "/berita/bendungan"}),
        "/besar": Answer(stream=FIFTY_MB, declare=True),
        "/besar-tanpa-panjang": Answer(stream=FIFTY_MB),
        "/siaran.pdf": Answer(content_type="application/pdf", body=b"%PDF-1.7\n" + b"x" * 2000),
        "/siaran-menyamar": Answer(content_type="text/html", body=b"%PDF-1.7\n" + b"x" * 2000),
        "/masuk": Answer(body=b"<html><head><title>Masuk - Portal Humas</title></head>"
                              b"<body><form><input name=user></form></body></html>"),
    }


@dataclass
class Site:
    url: str
    pages: dict[str, Answer]
    hits: dict[str, int]

    def at(self, path: str) -> str:
        return self.url + path


@contextlib.contextmanager
def serve_site(pages: dict[str, Answer] | None = None,
               on_get: Callable[[str], None] | None = None) -> Iterator[Site]:
    """Serve ``pages`` (default: :func:`default_pages`) on 127.0.0.1; yields the :class:`Site`."""
    site_pages = default_pages() if pages is None else pages
    hits: dict[str, int] = {}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?", 1)[0]
            with lock:
                hits[path] = hits.get(path, 0) + 1
                answer = site_pages.get(path, Answer(status=404, body=b"<html><title>404</title></html>"))
            if on_get is not None:
                on_get(path)
            try:
                self._answer(answer)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _answer(self, answer: Answer) -> None:
            self.send_response(answer.status)
            if answer.content_type:
                self.send_header("Content-Type", answer.content_type)
            for key, value in answer.headers.items():
                self.send_header(key, value)
            if answer.stream:
                if answer.declare:
                    self.send_header("Content-Length", str(answer.stream))
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"<p>" + b"x" * 65_530 + b"</p>"
                for _ in range(answer.stream // len(chunk)):
                    self.wfile.write(chunk)
                return
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, *args: object) -> None:
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a client that hangs up on a 50 MB page is the test's point, not news

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_address[1]}", site_pages, hits)
    finally:
        server.shutdown()
        server.server_close()
