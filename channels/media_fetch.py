"""Getting an article's image: an http(s) URL, a ``file://`` URL or a local path.

Downloads are streamed with a timeout and abandoned as soon as they pass the size cap,
so a huge or endless answer never fills a small server's memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

if TYPE_CHECKING:
    import requests

_CHUNK = 64 * 1024
MB = 1_000_000


class ImageError(ValueError):
    """The image cannot be used: one line saying what, which image, and what was expected."""


class ImageFetchError(ImageError):
    """The image could not be fetched right now (network failure, server error): a retry may work."""


def mb(n: int) -> str:
    """``n`` bytes as decimal megabytes, the unit the networks' limits are given in."""
    return f"{n / MB:.1f} MB"


def load_image_bytes(
    source: str,
    *,
    session: requests.Session | None = None,
    max_bytes: int = 50 * 1024 * 1024,
    timeout: float = 20,
) -> bytes:
    """Read an image from an http(s) URL, a ``file://`` URL or a local path.

    A download is streamed and abandoned as soon as it passes ``max_bytes``. Raises
    :class:`ImageError` for a missing file, an HTTP error status, a network failure,
    an unsupported URL scheme or a source larger than ``max_bytes``.
    """
    scheme = urlsplit(source).scheme.lower()
    if scheme in ("http", "https"):
        return _download(source, session=session, max_bytes=max_bytes, timeout=timeout)
    if scheme == "file":
        parts = urlsplit(source)
        if parts.netloc not in ("", "localhost"):
            raise ImageError(f"{source}: file URL on another host; expected a local file")
        path = Path(url2pathname(unquote(parts.path)))
    elif scheme and len(scheme) > 1:  # one letter is a Windows drive, not a scheme
        raise ImageError(f"{source}: unsupported URL scheme {scheme!r}; expected http(s) or a file")
    else:
        path = Path(source).expanduser()
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ImageError(f"{source}: {mb(size)} is larger than the {mb(max_bytes)} allowed")
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise ImageError(f"{source}: no such file; expected an image file") from exc
    except IsADirectoryError as exc:
        raise ImageError(f"{source}: is a folder; expected an image file") from exc
    except OSError as exc:
        raise ImageError(f"{source}: cannot be read ({exc.strerror or exc})") from exc


def _download(
    url: str, *, session: requests.Session | None, max_bytes: int, timeout: float
) -> bytes:
    import requests

    own = session is None
    http = requests.Session() if session is None else session
    try:
        with http.get(url, stream=True, timeout=timeout) as resp:
            if resp.status_code >= 400:
                kind = ImageFetchError if resp.status_code >= 500 or resp.status_code in (404, 408, 429) else ImageError
                raise kind(f"{url}: the server answered HTTP {resp.status_code}; expected the image")
            declared = resp.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise ImageError(f"{url}: {mb(int(declared))} is larger than the {mb(max_bytes)} allowed")
            buf = bytearray()
            for chunk in resp.iter_content(_CHUNK):
                buf += chunk
                if len(buf) > max_bytes:
                    raise ImageError(f"{url}: larger than the {mb(max_bytes)} allowed; download stopped")
            return bytes(buf)
    except requests.RequestException as exc:
        raise ImageFetchError(f"{url}: download failed ({type(exc).__name__})") from exc
    finally:
        if own:
            http.close()
