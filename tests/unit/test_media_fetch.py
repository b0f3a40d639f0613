"""Fetching images over real HTTP: the sandbox's media folder and a streaming server."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from channels.media_fetch import ImageError, ImageFetchError, load_image_bytes


@pytest.fixture
def endless() -> Iterator[tuple[str, list[int]]]:
    """A server that streams an endless body without Content-Length; counts chunks sent."""
    sent = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                for _ in range(10_000):
                    chunk = b"x" * 4096
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    sent[0] += 1
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/foto.jpg", sent
    finally:
        server.shutdown()


def test_download_from_a_web_server(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "media" / "foto.jpg").write_bytes(b"\xff\xd8\xff" + b"a" * 5000)
    assert load_image_bytes(f"{sandbox.url}/media/foto.jpg", timeout=5) == b"\xff\xd8\xff" + b"a" * 5000


def test_declared_oversize_is_refused_before_reading(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import requests

    from channels.media_fetch import mb

    class Watched(requests.Session):
        def get(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.response = super().get(*args, **kwargs)
            return self.response

    (tmp_path / "media" / "besar.jpg").write_bytes(b"x" * 5000)
    url = f"{sandbox.url}/media/besar.jpg"
    session = Watched()
    with pytest.raises(ImageError) as info:
        load_image_bytes(url, max_bytes=1000, session=session)
    assert not isinstance(info.value, ImageFetchError)
    # Refused on the declared Content-Length (the message gives the size), not a byte read.
    assert str(info.value) == f"{url}: {mb(5000)} is larger than the {mb(1000)} allowed"
    assert session.response.raw.tell() == 0


def test_endless_stream_is_cut_at_the_cap(endless: tuple[str, list[int]]) -> None:
    url, sent = endless
    with pytest.raises(ImageError, match="download stopped"):
        load_image_bytes(url, max_bytes=100_000)
    assert sent[0] < 10_000  # the server was not read to the end


def test_missing_image_and_dead_host_are_fetch_errors(sandbox) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImageFetchError, match="HTTP 404"):
        load_image_bytes(f"{sandbox.url}/media/tidak-ada.jpg")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ImageFetchError, match="download failed"):
        load_image_bytes(f"http://127.0.0.1:{port}/foto.jpg", timeout=2)
