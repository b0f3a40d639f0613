"""The seam between the ``atproto`` SDK and the wire: our httpx transport.

The SDK talks through ``httpx``, not ``requests``, so :mod:`channels.http` cannot serve
it; this module does the same four things for httpx: a timeout on every request, each
call logged without secrets (the account's :class:`~channels.redact.Redactor`), the last
answer kept (the SDK hands back only the parsed body, the error mapping and ``pace()``
read status and headers here), and, when an account sets ``base_url``, the PDS host
rewritten to that URL (path prefix kept), which is how the sandbox stands in for Bluesky.

What a transport failure means for a write is decided from the exception *type*
(:func:`never_sent`), never from its message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from .i18n import _
from .redact import Redactor

__all__ = ["DEFAULT_TIMEOUT", "Transport", "describe", "make_request", "never_sent"]

log = logging.getLogger("disseminator.http")

DEFAULT_TIMEOUT = 30.0


class Transport(httpx.BaseTransport):
    """An httpx transport for one account: rewrites ``official`` to ``local``, logs, and
    keeps the last answer (:attr:`last_status`, :attr:`last_headers`)."""

    def __init__(self, *, official: str, local: str | None, redactor: Redactor,
                 inner: httpx.BaseTransport | None = None) -> None:
        self.official = official.rstrip("/")
        self.local = local.rstrip("/") if local else None
        self.redactor = redactor
        self.inner = inner if inner is not None else httpx.HTTPTransport()
        self.last_status: int | None = None
        self.last_headers: Mapping[str, str] = {}

    def forget(self) -> None:
        """Clear the last answer (before a call whose answer alone should count)."""
        self.last_status, self.last_headers = None, {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if self.local and (url == self.official or url.startswith(self.official + "/")):
            request.url = httpx.URL(self.local + url[len(self.official):])
            request.headers["Host"] = request.url.netloc.decode("ascii")
        try:
            response = self.inner.handle_request(request)
        except httpx.HTTPError as exc:
            log.debug("http %s %s -> %s", request.method, self.redactor(str(request.url)), type(exc).__name__)
            raise
        self.last_status, self.last_headers = response.status_code, dict(response.headers)
        if log.isEnabledFor(logging.DEBUG):
            sent = ""
            if request.headers.get("content-type", "").startswith("application/json"):
                sent = " sent " + self.redactor.body(request.read(), "application/json")[:300]
            log.debug("http %s %s -> %s%s", request.method, self.redactor(str(request.url)), response.status_code, sent)
        return response

    def close(self) -> None:
        self.inner.close()


def make_request(*, pds: str, base_url: str | None = None, secrets: Iterable[str] = (),
                 timeout: float = DEFAULT_TIMEOUT, inner: httpx.BaseTransport | None = None) -> Any:
    """The SDK's ``Request`` on our :class:`Transport` (returned as its ``.transport`` too).

    ``pds`` is the account's PDS (``https://bsky.social``); with ``base_url`` every call
    to it goes there instead.  Imports the SDK, so call it only when talking to Bluesky.
    """
    from atproto_client.request import Request

    transport = Transport(official=pds, local=base_url, redactor=Redactor(secrets), inner=inner)
    request = Request(transport=transport, timeout=httpx.Timeout(timeout))
    request.transport = transport
    return request


#: Raised before a byte of the request could reach the server.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol,
               httpx.ProxyError, httpx.InvalidURL, httpx.LocalProtocolError)


def transport_error(exc: BaseException) -> httpx.HTTPError | httpx.InvalidURL | None:
    """The httpx failure under ``exc`` (the SDK wraps it as its ``__cause__``), or None."""
    seen: BaseException | None = exc
    for _depth in range(4):
        if isinstance(seen, (httpx.HTTPError, httpx.InvalidURL)):
            return seen
        if seen is None:
            return None
        seen = seen.__cause__ or seen.__context__
    return None


def never_sent(exc: BaseException) -> bool:
    """Whether the request that failed with ``exc`` certainly never reached the server: a
    refused or unreachable connection, a connect timeout, no free connection, a bad URL.
    A read timeout or a connection closed before the answer may follow a write that landed."""
    cause = transport_error(exc)
    return isinstance(cause, _NEVER_SENT)


def describe(exc: BaseException) -> str:
    """One short line for a failed request: what happened and where, no query."""
    cause = transport_error(exc)
    where = ""
    request = getattr(cause, "_request", None)
    if request is not None:
        where = urlsplit(str(request.url)).netloc
    if isinstance(cause, httpx.ConnectTimeout):
        what = _("timed out connecting")
    elif isinstance(cause, httpx.ReadTimeout):
        what = _("no answer in time (the request may have arrived)")
    elif isinstance(cause, httpx.ConnectError):
        what = _("connection refused")
    elif isinstance(cause, httpx.RemoteProtocolError):
        what = _("connection dropped before the answer (the request may have arrived)")
    elif cause is not None:
        what = type(cause).__name__
    else:
        what = type(exc).__name__
    if where:
        return _("network unreachable: {what} ({where})").format(what=what, where=where)
    return _("network unreachable: {what}").format(what=what)
