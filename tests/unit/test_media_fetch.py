"""Fetching images over real HTTP: the sandbox's media folder and a local test server
that trickles, streams without end, redirects and declares sizes it never sends."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from channels.address_policy import FetchPolicy
from channels.media.fetch import ImageError, ImageFetchError, load_image_bytes, mb

JPEG = b"\xff\xd8\xff" + b"a" * 5000
LOCAL = FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}))


@dataclass
class Web:
    """A local web server; ``url`` is http://127.0.0.1:PORT, ``sent`` counts body chunks
    written per path."""

    url: str
    port: int
    stop: threading.Event
    sent: dict[str, int] = field(default_factory=dict)


@pytest.fixture
def web() -> Iterator[Web]:
    stop = threading.Event()
    state: dict[str, int] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            path, _, query = self.path.partition("?")
            try:
                if path == "/foto.jpg":
                    self._send(200, JPEG)
                elif path == "/trickle.jpg":  # one byte every half second: alive, never done
                    self._head(200, length=200)
                    for _ in range(200):
                        if stop.wait(0.5):
                            return
                        self.wfile.write(b"x")
                        self.wfile.flush()
                        state[path] = state.get(path, 0) + 1
                elif path == "/endless.jpg":
                    self._head(200, chunked=True)
                    for _ in range(10_000):
                        chunk = b"x" * 4096
                        self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                        state[path] = state.get(path, 0) + 1
                elif path == "/declared.jpg":  # says 5000 bytes, sends none until the test ends
                    self._head(200, length=5000)
                    stop.wait(10)
                elif path.startswith("/hop/"):  # /hop/N redirects to /hop/N-1; /hop/0 is the image
                    n = int(path.rsplit("/", 1)[1])
                    self._redirect(f"/hop/{n - 1}" if n else "/foto.jpg")
                elif path == "/go":  # redirects wherever ?to= says
                    from urllib.parse import unquote

                    self._redirect(unquote(query.removeprefix("to=")))
                else:
                    self._send(404, b"Not Found")
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _head(self, status: int, *, length: int | None = None, chunked: bool = False) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "image/jpeg")
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            if length is not None:
                self.send_header("Content-Length", str(length))
            self.end_headers()

        def _send(self, status: int, body: bytes) -> None:
            self._head(status, length=len(body))
            self.wfile.write(body)

        def _redirect(self, where: str) -> None:
            self.send_response(302)
            self.send_header("Location", where)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        yield Web(url=f"http://127.0.0.1:{port}", port=port, stop=stop, sent=state)
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


# --------------------------------------------------------------------------- what comes back


def test_download_from_a_web_server(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "media" / "foto.jpg").write_bytes(JPEG)
    assert load_image_bytes(f"{sandbox.url}/media/foto.jpg", policy=LOCAL, timeout=5) == JPEG


def test_a_missing_image_is_unusable_and_a_dead_host_a_fetch_error(sandbox) -> None:  # type: ignore[no-untyped-def]
    # Gone (404) is not "try again": retrying would only fail again (issue 9 point 5).
    with pytest.raises(ImageError, match="HTTP 404") as gone:
        load_image_bytes(f"{sandbox.url}/media/tidak-ada.jpg", policy=LOCAL)
    assert not isinstance(gone.value, ImageFetchError)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ImageFetchError, match="download failed"):
        load_image_bytes(f"http://127.0.0.1:{port}/foto.jpg", policy=LOCAL, timeout=2)


# --------------------------------------------------------------------------- the deadline


def test_a_trickling_host_is_cut_off_at_the_deadline(web: Web) -> None:
    """Each byte comes well inside any per-read timeout; only an overall deadline stops it."""
    started = time.monotonic()
    with pytest.raises(ImageFetchError, match=r"no complete answer within 1 s") as info:
        load_image_bytes(f"{web.url}/trickle.jpg", policy=FetchPolicy(allow_hosts=LOCAL.allow_hosts, timeout=1))
    elapsed = time.monotonic() - started
    # The whole trickle takes 100 s; a generous bound (not a timing target) shows it was cut.
    assert elapsed < 20, f"the download ran {elapsed:.1f} s past a 1 s deadline"
    assert str(info.value).startswith(f"{web.url}/trickle.jpg: download failed")
    assert 1 <= web.sent.get("/trickle.jpg", 0) < 10  # bytes were flowing; far from the 200 declared


def test_the_deadline_comes_from_the_policy_and_counts_redirects(web: Web) -> None:
    policy = FetchPolicy(allow_hosts=LOCAL.allow_hosts, timeout=1)
    started = time.monotonic()
    with pytest.raises(ImageFetchError, match="within 1 s"):
        load_image_bytes(f"{web.url}/go?to=/trickle.jpg", policy=policy)
    assert time.monotonic() - started < 20  # of a 100 s trickle: a bound, not a timing target


def test_a_slow_image_refuses_the_post_as_try_again(web: Web, tmp_path: Path) -> None:
    """At render time a slow host is Transient (try again), never an image left out for good."""
    from channels.base import Account, Context, Transient
    from channels.media.images import prepare

    context = Context(base_dir=tmp_path, media_dir=tmp_path / "m", fetch_policy=FetchPolicy(timeout=1))
    account = Account(name="ig", channel="instagram", base_url=web.url)  # allows 127.0.0.1, as config does
    from channels.base import Media

    with pytest.raises(Transient, match="try again"):
        prepare((Media(url=f"{web.url}/trickle.jpg"),), network="instagram", account=account,
                context=context, warnings=[], required=True)


# --------------------------------------------------------------------------- the size cap


def test_declared_oversize_is_refused_before_reading(web: Web) -> None:
    """The body is never sent: only a refusal on the declared length can end this quickly."""
    url = f"{web.url}/declared.jpg"
    started = time.monotonic()
    with pytest.raises(ImageError) as info:
        load_image_bytes(url, policy=LOCAL, max_bytes=1000, timeout=5)
    assert not isinstance(info.value, ImageFetchError)
    assert str(info.value) == f"{url}: {mb(5000)} is larger than the {mb(1000)} allowed"
    assert time.monotonic() - started < 20  # a bound against reading the body, not a timing target


def test_endless_stream_is_cut_at_the_cap(web: Web) -> None:
    with pytest.raises(ImageError, match="download stopped") as info:
        load_image_bytes(f"{web.url}/endless.jpg", policy=LOCAL, max_bytes=100_000)
    assert not isinstance(info.value, ImageFetchError)  # too big is unusable, not "try again"
    assert web.sent.get("/endless.jpg", 0) < 10_000  # the server was not read to the end


def test_the_cap_comes_from_the_policy(web: Web) -> None:
    small = FetchPolicy(allow_hosts=LOCAL.allow_hosts, max_image_bytes=1000)
    with pytest.raises(ImageError, match=r"is larger than the .* allowed"):
        load_image_bytes(f"{web.url}/foto.jpg", policy=small)
    assert load_image_bytes(f"{web.url}/foto.jpg", policy=LOCAL) == JPEG
