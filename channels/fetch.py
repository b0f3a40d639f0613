"""One guarded HTTP GET for outside content: an article's image, a web page, a feed (and one
guarded form POST: a WebSub hub's subscription request).

What it guarantees, whatever the far end does:

- **one deadline** for the whole download (connecting, every redirect, the last byte):
  ``requests`` has only per-socket-operation timeouts, so a host that sends a byte every
  few seconds would otherwise keep us forever.  Each body read gets the time left as its
  socket timeout and reads what has arrived (``read1``), so the deadline holds to within
  one packet;
- **a size cap** checked on the declared length and again while streaming;
- **the address policy** (:mod:`channels.address_policy`) checked on the address each
  connection actually reached (the socket's peer, so a DNS answer that changes between
  a check and the connection cannot slip through), and again for every redirect, which
  we follow ourselves: at most :data:`MAX_REDIRECTS`, http and https only.  Through a
  proxy the peer is the proxy (the operator's choice), so the target's name is resolved
  and every address it has is checked instead.

Errors (``.url`` is the URL that failed, after any redirects)::

    FetchError                  base, from channels.address_policy
    ├── FetchRefused            policy: a refused address or scheme, too many redirects, a loop
    ├── TooLarge                the body is (or was declared) larger than allowed
    ├── HTTPStatusError         the server answered 4xx/5xx (.status)
    ├── WrongType               the answer is not of a type asked for (.content_type)
    └── Unreachable             connection failed, answer cut off, deadline passed: try again

Not bounded by the deadline: the system resolver's own lookup time.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter

from .address_policy import FetchError, FetchPolicy, FetchRefused, address_problem
from .i18n import _

__all__ = ["MAX_REDIRECTS", "FetchError", "FetchRefused", "Fetched", "Fetcher", "HTTPStatusError", "TooLarge", "Unreachable", "WrongType"]

MAX_REDIRECTS = 5
_CHUNK = 64 * 1024


class TooLarge(FetchError):
    """The answer is larger than allowed; ``declared`` is its Content-Length when it said so."""

    def __init__(self, url: str, *, limit: int, declared: int | None = None) -> None:
        self.limit, self.declared = limit, declared
        if declared is not None:
            reason = _("{size} bytes, more than the {limit} allowed").format(size=declared, limit=limit)
        else:
            reason = _("more than {size} bytes, more than the {limit} allowed").format(size=limit, limit=limit)
        super().__init__(url, reason)


class HTTPStatusError(FetchError):
    """The server answered with an error status (``status``); the body was not read."""

    def __init__(self, url: str, status: int) -> None:
        self.status = status
        super().__init__(url, _("the server answered HTTP {status}").format(status=status))


class WrongType(FetchError):
    """The answer's Content-Type is not one the caller takes (a PDF where a page was
    expected); the body was not read.  ``content_type`` is the media type, lower case."""

    def __init__(self, url: str, content_type: str, *, expected: str) -> None:
        self.content_type = content_type
        super().__init__(url, _("the server sent {type}, expected {expected}").format(
            type=content_type, expected=expected))


class Unreachable(FetchError):
    """No complete answer: the connection failed or dropped, or the deadline passed."""


@dataclass(frozen=True)
class Fetched:
    """A complete answer: the URL it came from (after redirects), its type and its body."""

    url: str
    content_type: str | None
    body: bytes
    #: 200, or 304 when the request was conditional and nothing changed (``body`` empty).
    status: int = 200
    #: The answer's validators, for the next conditional request (``conditional=``).
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """GETs under one :class:`FetchPolicy`, reusing connections; close it (or use ``with``)."""

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self.session = requests.Session()
        adapter = _GuardedAdapter(policy)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def get(self, url: str, *, max_bytes: int, timeout: float | None = None, accept: str = "*/*",
            types: tuple[str, ...] | None = None, etag: str | None = None,
            last_modified: str | None = None) -> Fetched:
        """The body at ``url``, within ``timeout`` seconds (default: the policy's) and
        ``max_bytes``.  With ``types`` (media types such as ``text/html``), an answer that
        declares another Content-Type raises :class:`WrongType` before its body is read (one
        that declares none is returned: the caller looks at the bytes).  With
        ``etag``/``last_modified`` (a previous answer's validators) the request is
        conditional, and an unchanged resource is a :class:`Fetched` whose ``status`` is 304
        and body empty.  Raises a :class:`FetchError` subclass (see the module)."""
        seconds = self.policy.timeout if timeout is None else timeout
        end = time.monotonic() + seconds
        current, came_from = url, None
        visited = {url}
        headers = {"Accept": accept, "Accept-Encoding": "identity"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _hop in range(MAX_REDIRECTS + 1):
            resp = self._open(current, came_from, end, seconds, headers)
            with resp:
                target = self.session.get_redirect_target(resp)
                if target is not None:
                    current, came_from = urljoin(current, target), current
                    if current in visited:
                        raise FetchRefused(url, _("redirect loop ({came_from} sends back to {target})").format(
                            came_from=came_from, target=current), hint=False)
                    visited.add(current)
                    continue
                if resp.status_code == 304 and (etag or last_modified):
                    return Fetched(url=current, content_type=resp.headers.get("Content-Type"), body=b"", status=304,
                                   etag=resp.headers.get("ETag") or etag,
                                   last_modified=resp.headers.get("Last-Modified") or last_modified)
                if resp.status_code >= 400:
                    raise HTTPStatusError(current, resp.status_code)
                media = media_type(resp.headers.get("Content-Type"))
                if types is not None and media and media not in types:
                    raise WrongType(current, media, expected=" / ".join(types))
                declared = resp.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise TooLarge(current, limit=max_bytes, declared=int(declared))
                body = _read(resp, current, max_bytes=max_bytes, end=end, seconds=seconds)
                return Fetched(url=current, content_type=resp.headers.get("Content-Type"), body=body,
                               status=resp.status_code, etag=resp.headers.get("ETag"),
                               last_modified=resp.headers.get("Last-Modified"))
        raise FetchRefused(url, _("more than {n} redirects").format(n=MAX_REDIRECTS), hint=False)

    def post_form(self, url: str, form: dict[str, str], *, timeout: float | None = None) -> int:
        """POST ``form`` (``application/x-www-form-urlencoded``) to ``url`` under the same
        policy and deadline as :meth:`get` (no redirect followed: a form is not re-sent
        elsewhere); the answer's status when below 400, its body unread.  Raises a
        :class:`FetchError` subclass (a 4xx/5xx is :class:`HTTPStatusError`)."""
        seconds = self.policy.timeout if timeout is None else timeout
        resp = self._open(url, None, time.monotonic() + seconds, seconds, {"Accept-Encoding": "identity"}, form=form)
        with resp:
            if resp.status_code >= 400:
                raise HTTPStatusError(url, resp.status_code)
            return resp.status_code

    def _open(self, url: str, came_from: str | None, end: float, seconds: float,
              headers: dict[str, str], *, form: dict[str, str] | None = None) -> requests.Response:
        """The answer's head for one hop, every check made before a byte is sent."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefused(url, _redirected(_("only http(s) URLs are fetched"), came_from), hint=False)
        host = parts.hostname
        if not self.policy.allows_host(host):
            literal = _literal(host)
            problem = address_problem(literal) if literal is not None else None
            if problem:
                raise FetchRefused(url, _redirected(problem, came_from))
            if self._proxied(url):
                self._check_by_name(url, host, came_from)
        left = end - time.monotonic()
        if left <= 0:
            raise Unreachable(url, _redirected(_late(seconds), came_from))
        try:
            return self.session.request("POST" if form is not None else "GET", url, data=form, stream=True,
                                        allow_redirects=False, timeout=(left, left), headers=headers)
        except FetchRefused as exc:  # raised by the guarded connection, which knows no URL
            raise FetchRefused(url, _redirected(exc.reason, came_from)) from None
        except requests.Timeout:
            raise Unreachable(url, _redirected(_late(seconds), came_from)) from None
        except requests.RequestException as exc:
            from .http import describe

            if not self.policy.allows_host(host):
                # A refused connection never reached the peer check: a private host must
                # be refused the same whether its port is open or closed (no port probing,
                # and no "try again" that can never succeed).
                self._check_by_name(url, host, came_from)
            raise Unreachable(url, _redirected(describe(exc), came_from)) from None

    def _proxied(self, url: str) -> bool:
        env = self.session.merge_environment_settings(url, {}, None, None, None)
        return bool(requests.utils.select_proxy(url, env.get("proxies") or {}))

    def _check_by_name(self, url: str, host: str, came_from: str | None) -> None:
        try:
            infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except OSError:
            return  # the proxy may know the name; it answers for it
        for info in infos:
            problem = address_problem(str(info[4][0]))
            if problem:
                reason = _("{host} resolves to a {problem}").format(host=host, problem=problem)
                raise FetchRefused(url, _redirected(reason, came_from))


def media_type(content_type: str | None) -> str | None:
    """``text/html`` of ``text/html; charset=utf-8``, lower case; None when not given."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media or None


def _redirected(reason: str, came_from: str | None) -> str:
    """``reason``, saying which URL redirected here when one did."""
    if not came_from:
        return reason
    return _("{reason} (redirected from {url})").format(reason=reason, url=came_from)


def _late(seconds: float) -> str:
    return _("no complete answer within {seconds:g} s").format(seconds=seconds)


def _literal(host: str) -> str | None:
    import ipaddress

    try:
        return str(ipaddress.ip_address(host.strip("[]").split("%", 1)[0]))
    except ValueError:
        return None


def _read(resp: requests.Response, url: str, *, max_bytes: int, end: float, seconds: float) -> bytes:
    """The body, read as it arrives, within the deadline ``end`` and ``max_bytes``."""
    raw = resp.raw
    buf = bytearray()
    while True:
        left = end - time.monotonic()
        if left <= 0:
            raise Unreachable(url, _late(seconds))
        sock = getattr(getattr(raw, "connection", None), "sock", None)
        if sock is not None:  # this read may wait only for the time left
            sock.settimeout(left)
        try:
            chunk = raw.read1(_CHUNK, decode_content=True)
        except (urllib3.exceptions.TimeoutError, TimeoutError):
            raise Unreachable(url, _late(seconds)) from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise Unreachable(url, _("the answer was cut off ({error})").format(error=type(exc).__name__)) from None
        if not chunk:
            return bytes(buf)
        buf += chunk
        if len(buf) > max_bytes:
            raise TooLarge(url, limit=max_bytes)


# --------------------------------------------------------------------------- the peer check


class _GuardedAdapter(HTTPAdapter):
    """An adapter whose new connections check their peer against the policy."""

    def __init__(self, policy: FetchPolicy) -> None:
        self._policy = policy  # before super().__init__, which builds the pool manager
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self._policy)


def _pool_classes(policy: FetchPolicy) -> dict[str, type]:
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class Checked:
        host: str
        proxy: Any

        def _new_conn(self) -> socket.socket:
            sock: socket.socket = super()._new_conn()  # type: ignore[misc]
            if self.proxy is None:  # through a proxy the peer is the proxy: checked by name instead
                try:
                    peer = str(sock.getpeername()[0])
                    policy.check_address(f"//{self.host}", self.host, peer)
                except BaseException:
                    sock.close()  # before TLS, before a byte of the request
                    raise
            return sock

    class CheckedHTTP(Checked, HTTPConnection):
        pass

    class CheckedHTTPS(Checked, HTTPSConnection):
        pass

    class HTTPPool(HTTPConnectionPool):
        ConnectionCls = CheckedHTTP

    class HTTPSPool(HTTPSConnectionPool):
        ConnectionCls = CheckedHTTPS

    return {"http": HTTPPool, "https": HTTPSPool}
