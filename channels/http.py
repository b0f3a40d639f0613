"""The one seam between the network clients and the wire: our ``requests.Session``.

tweepy and facebook-sdk each hold a session; we give them this one.  It sets a timeout
on every request (neither client does), logs each call without secrets (its
:class:`~channels.redact.Redactor` knows the account's credentials), keeps the last answer
(facebook-sdk hands back only the body, so the error mapping finds status and headers
here) and, when an account sets ``base_url``, rewrites the official host of the already
prepared (and OAuth-signed) request to that URL, which is how the sandbox stands in for
the networks.

What a transport failure means for a write is decided here from the exception *type*
(:func:`never_sent`), never from its message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter

from .i18n import _
from .redact import RedactingFilter, Redactor

__all__ = [
    "OFFICIAL_API", "DEFAULT_TIMEOUT", "RedactingFilter", "Redactor", "Session", "describe", "is_transport",
    "last_headers", "make_session", "may_have_landed", "never_sent", "redact", "web_url",
]

log = logging.getLogger("disseminator.http")

OFFICIAL_API = (
    "https://api.twitter.com",
    "https://api.x.com",
    "https://upload.twitter.com",
    "https://graph.facebook.com",
    "https://api.telegram.org",
    # Threads answers on both hosts (developers.facebook.com/docs/threads/overview).
    "https://graph.threads.net",
    "https://graph.threads.com",
)
DEFAULT_TIMEOUT = 30.0


class _Adapter(HTTPAdapter):
    def __init__(self, *, official: str | None, local: str | None, timeout: float) -> None:
        super().__init__()
        self.official, self.local, self.timeout = official, local, timeout

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if self.official and self.local and request.url and request.url.startswith(self.official):
            request.url = self.local + request.url[len(self.official):]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


class Session(requests.Session):
    """A ``requests.Session`` for one account, with its redactor and its last answer."""

    def __init__(self, *, redactor: Redactor) -> None:
        super().__init__()
        #: Hides this account's credentials from our log lines and error messages.
        self.redactor = redactor
        #: The last response received (its body is read only by whoever asks for it).
        self.last_response: requests.Response | None = None

    @property
    def last_headers(self) -> Mapping[str, str]:
        return self.last_response.headers if self.last_response is not None else {}

    @property
    def last_status(self) -> int | None:
        return self.last_response.status_code if self.last_response is not None else None


def make_session(
    base_url: str | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    secrets: Iterable[str] = (),
    redactor: Redactor | None = None,
    official: Iterable[str] = (),
) -> Session:
    """A session for one account; with ``base_url``, official API hosts go there instead.

    ``secrets`` are the account's credential values (and ``redactor`` any more to hide);
    the session's :attr:`Session.redactor` hides them all.  ``official`` names more API
    hosts to send to ``base_url`` besides :data:`OFFICIAL_API`: a network whose host is
    chosen per account (a Mastodon instance, ``https://mastodon.social``), or a channel in a
    package of its own (``https://open.tiktokapis.com``).  A path in ``base_url`` (the
    sandbox's ``/mastodon``) is kept in front of the request's path.
    """
    hidden = Redactor(secrets)
    session = Session(redactor=hidden | redactor if redactor is not None else hidden)
    local = base_url.rstrip("/") if base_url else None
    for official in (*OFFICIAL_API, *(h.rstrip("/") for h in official)):
        session.mount(official, _Adapter(official=official, local=local, timeout=timeout))
    plain = _Adapter(official=None, local=None, timeout=timeout)
    session.mount("http://", plain)
    session.mount("https://", plain)

    def _record(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        session.last_response = response
        if log.isEnabledFor(logging.DEBUG):
            request = response.request
            sent = ""
            body = request.body
            if isinstance(body, (bytes, str)) and body:  # a streamed body is not read here
                content_type = request.headers.get("Content-Type")
                kind = content_type.decode("latin-1") if isinstance(content_type, bytes) else content_type
                sent = " sent " + session.redactor.body(body, kind)[:300]
            log.debug("http %s %s -> %s%s", request.method, session.redactor(request.url or ""), response.status_code, sent)

    session.hooks["response"].append(_record)
    return session


def last_headers(session: Any) -> Mapping[str, str]:
    """The headers of the last answer this session received (empty before any)."""
    return getattr(session, "last_headers", None) or {}


@lru_cache(maxsize=64)
def _redactor(secrets: frozenset[str]) -> Redactor:
    return Redactor(secrets)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with token parameters and every encoding of each of ``secrets`` replaced by
    ***.  A pure function; a long-lived caller should hold a :class:`Redactor` instead."""
    return _redactor(frozenset(secrets)).redact(text)


def web_url(base_url: str | None, network: str, remote_id: str, official: str) -> str:
    """Where a person can see a post: the official permalink, or the sandbox's page for it."""
    if base_url:
        return f"{base_url.rstrip('/')}/_sandbox/posts/{network}/{remote_id}"
    return official


# --------------------------------------------------------------------------- transport failures

#: Raised before a byte of the request could reach the server.
_NEVER_SENT = (
    requests.ConnectTimeout,
    requests.exceptions.SSLError,  # the TLS handshake failed (read-time TLS errors are ConnectionError)
    requests.exceptions.ProxyError,
    requests.exceptions.InvalidURL,
    requests.exceptions.InvalidSchema,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidHeader,
    requests.exceptions.URLRequired,
)
_NAME_RESOLUTION: tuple[type[BaseException], ...] = tuple(
    t for t in (getattr(urllib3.exceptions, "NameResolutionError", None),) if t is not None
)


def _cause(exc: BaseException) -> BaseException | None:
    """What urllib3 raised under a requests exception (the reason of a MaxRetryError)."""
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
    if isinstance(inner, urllib3.exceptions.MaxRetryError):
        return inner.reason
    return inner


def is_transport(exc: BaseException) -> bool:
    """Whether ``exc`` is a failure of the transport (no usable answer), as opposed to an
    answer that arrived and could not be read (``JSONDecodeError`` is a RequestException)."""
    return isinstance(exc, requests.RequestException) and not isinstance(exc, requests.exceptions.InvalidJSONError)


def never_sent(exc: BaseException) -> bool:
    """Whether the request that failed with ``exc`` certainly never reached the server.

    Decided by type: a connect timeout, a refused connection, an unknown host, a failed
    TLS handshake or a malformed URL never sent the request.  A read timeout, a
    connection closed or reset after sending, or an answer cut off might have followed a
    write that landed.
    """
    if isinstance(exc, _NEVER_SENT):
        return True
    if isinstance(exc, requests.ConnectionError):
        # urllib3's NewConnectionError (refused, unreachable, DNS) is a ConnectTimeoutError.
        return isinstance(_cause(exc), urllib3.exceptions.ConnectTimeoutError)
    return False


def may_have_landed(exc: BaseException) -> bool:
    """Whether a write that failed with ``exc`` may still have reached the network."""
    return not never_sent(exc)


def describe(exc: BaseException) -> str:
    """One short line for a failed request: what happened and where, no URL query."""
    request = getattr(exc, "request", None)
    url = getattr(request, "url", None)
    where = urlsplit(url).netloc if isinstance(url, str) else ""
    cause = _cause(exc)
    if isinstance(exc, requests.ConnectTimeout):
        what = _("timed out connecting")
    elif isinstance(exc, requests.ReadTimeout):
        what = _("no answer in time (the request may have arrived)")
    elif _NAME_RESOLUTION and isinstance(cause, _NAME_RESOLUTION):
        what = _("host name not found")
    elif isinstance(cause, urllib3.exceptions.NewConnectionError):
        what = _("connection refused")
    elif isinstance(exc, requests.exceptions.SSLError):
        what = _("TLS handshake failed")
    elif isinstance(exc, requests.exceptions.ProxyError):
        what = _("proxy refused the connection")
    elif isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
        what = _("the answer was cut off (the request may have arrived)")
    elif isinstance(exc, requests.ConnectionError):
        what = _("connection dropped before the answer (the request may have arrived)")
    else:
        what = type(exc).__name__
    if where:
        return _("network unreachable: {what} ({where})").format(what=what, where=where)
    return _("network unreachable: {what}").format(what=what)
