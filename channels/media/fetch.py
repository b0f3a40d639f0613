"""Getting an article's image: an http(s) URL, a ``file://`` URL or a local path.

Downloads go through :mod:`channels.fetch`: one deadline for the whole download, a size
cap checked while streaming (a huge or endless answer never fills a small server's
memory), and the address policy (:mod:`channels.address_policy`) on every connection and
redirect, so an article cannot make the daemon read an internal page.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from ..i18n import N_, _

if TYPE_CHECKING:
    from ..address_policy import FetchPolicy
    from ..base import Context
    from ..fetch import Fetcher

MB = 1_000_000
#: Answers that say the image is not at that address: retrying will not bring it back.
GONE = {404: N_("not found"), 410: N_("gone")}
#: Answers that say "not now" (with every 5xx): a retry may work.
NOT_NOW = (408, 429)


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
    policy: FetchPolicy | None = None,
    fetcher: Fetcher | None = None,
    max_bytes: int | None = None,
    timeout: float | None = None,
) -> bytes:
    """Read an image from an http(s) URL, a ``file://`` URL or a local path.

    A download follows ``policy`` (by default: no private address, the default deadline
    and cap; see :mod:`channels.fetch`), over ``fetcher``'s connections when given.
    ``max_bytes`` and ``timeout`` override the policy's cap and deadline.  Raises
    :class:`ImageFetchError` when the image cannot be fetched right now (the host cannot be
    reached, deadline passed, HTTP 5xx, 408, 429) and :class:`ImageError` for anything
    retrying will not mend: an image that is gone (HTTP 404, 410), a missing file, another
    HTTP error, an address the policy refuses, an unsupported URL scheme or a source
    larger than the cap.
    """
    from ..address_policy import FetchPolicy

    policy = policy or (fetcher.policy if fetcher is not None else FetchPolicy())
    limit = policy.max_image_bytes if max_bytes is None else max_bytes
    scheme = urlsplit(source).scheme.lower()
    if scheme in ("http", "https"):
        return _download(source, policy=policy, fetcher=fetcher, max_bytes=limit, timeout=timeout)
    if scheme == "file":
        parts = urlsplit(source)
        if parts.netloc not in ("", "localhost"):
            raise ImageError(_("{source}: file URL on another host; expected a local file").format(source=source))
        path = Path(url2pathname(unquote(parts.path)))
    elif scheme and len(scheme) > 1:  # one letter is a Windows drive, not a scheme
        raise ImageError(_("{source}: unsupported URL scheme {scheme!r}; expected http(s) or a file").format(
            source=source, scheme=scheme))
    else:
        path = Path(source).expanduser()
    try:
        size = path.stat().st_size
        if size > limit:
            raise ImageError(_("{source}: {size} is larger than the {limit} allowed").format(
                source=source, size=mb(size), limit=mb(limit)))
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise ImageError(_("{source}: no such file; expected an image file").format(source=source)) from exc
    except IsADirectoryError as exc:
        raise ImageError(_("{source}: is a folder; expected an image file").format(source=source)) from exc
    except OSError as exc:
        raise ImageError(_("{source}: cannot be read ({error})").format(source=source, error=exc.strerror or exc)) from exc


def _download(
    url: str, *, policy: FetchPolicy, fetcher: Fetcher | None, max_bytes: int, timeout: float | None
) -> bytes:
    from ..fetch import Fetcher, FetchRefused, HTTPStatusError, TooLarge, Unreachable

    own = fetcher is None
    http = Fetcher(policy) if fetcher is None else fetcher
    try:
        return http.get(url, max_bytes=max_bytes, timeout=timeout, accept="image/*").body
    except HTTPStatusError as exc:
        if exc.status in GONE:
            raise ImageError(_("{url}: no image there (HTTP {status}: {reason})").format(
                url=exc.url, status=exc.status, reason=_(GONE[exc.status]))) from None
        kind = ImageFetchError if exc.status >= 500 or exc.status in NOT_NOW else ImageError
        raise kind(_("{url}: the server answered HTTP {status}; expected the image").format(
            url=exc.url, status=exc.status)) from None
    except TooLarge as exc:
        if exc.declared is not None:
            raise ImageError(_("{source}: {size} is larger than the {limit} allowed").format(
                source=exc.url, size=mb(exc.declared), limit=mb(max_bytes))) from None
        raise ImageError(_("{url}: larger than the {limit} allowed; download stopped").format(
            url=exc.url, limit=mb(max_bytes))) from None
    except FetchRefused as exc:
        raise ImageError(str(exc)) from None
    except Unreachable as exc:
        raise ImageFetchError(_("{url}: download failed ({reason})").format(url=exc.url, reason=exc.reason)) from None
    finally:
        if own:
            http.close()


def check_served(context: Context) -> str | None:
    """Whether the media folder is served at ``context.media_base_url``, as Instagram needs.

    Writes a tiny prepared JPEG into the folder (:func:`channels.media.store.write`) and
    fetches it at its public URL.  Returns None when the same bytes come back as an
    image, else one line saying what is wrong (Instagram would refuse every post with
    Graph error 9004).  Also None when no public URL is set: Instagram then gets the
    articles' own image URLs.
    """
    from ..fetch import Fetcher, FetchError, HTTPStatusError
    from .store import write

    base = context.media_base_url
    if not base:
        return None
    data = _probe_jpeg()
    try:
        name = write(data, ext=".jpg", media_dir=context.media_dir)
    except OSError as exc:
        return _("the media folder {folder} cannot be written ({error})").format(
            folder=context.media_dir, error=exc.strerror or exc)
    url = f"{base.rstrip('/')}/{name}"
    folder = context.media_dir
    with Fetcher(context.fetch_policy.allowing(base)) as fetcher:
        try:
            got = fetcher.get(url, max_bytes=1_000_000, accept="image/jpeg")
        except HTTPStatusError as exc:
            if exc.status == 403:
                said = _("media.public_base_url does not serve the media folder {folder}: {url} answered HTTP "
                         "{status} (forbidden: can the web server read the files?); Instagram would refuse "
                         "every post (error 9004)")
            elif exc.status == 404:
                said = _("media.public_base_url does not serve the media folder {folder}: {url} answered HTTP "
                         "{status} (not found: is that URL this folder?); Instagram would refuse every post "
                         "(error 9004)")
            else:
                said = _("media.public_base_url does not serve the media folder {folder}: {url} answered HTTP "
                         "{status}; Instagram would refuse every post (error 9004)")
            return said.format(folder=folder, url=url, status=exc.status)
        except FetchError as exc:
            return _("media.public_base_url does not serve the media folder {folder}: {url} could not be "
                     "fetched: {error}; Instagram would refuse every post (error 9004)").format(
                folder=folder, url=url, error=exc)
    kind = (got.content_type or "").split(";")[0].strip().lower()
    if got.body != data or (kind and not kind.startswith("image/")):
        return _("media.public_base_url does not serve the media folder {folder}: {url} answered with "
                 "something else ({kind}, {size} bytes), not the image written there; Instagram would "
                 "refuse every post (error 9004)").format(
            folder=folder, url=url, kind=kind or _("no type"), size=len(got.body))
    return None


def _probe_jpeg() -> bytes:
    """A small white JPEG, the same bytes every time (so the probe file is written once)."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (255, 255, 255)).save(buf, "JPEG", quality=75)
    return buf.getvalue()
