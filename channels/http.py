"""The one seam between the network clients and the wire: our ``requests.Session``.

tweepy and facebook-sdk each hold a session; we give them this one.  It sets a timeout
on every request (neither client does), logs each call without secrets, and, when an
account sets ``base_url``, rewrites the official host of the already prepared (and
OAuth-signed) request to that URL, which is how the sandbox stands in for the networks.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

import requests
from requests.adapters import HTTPAdapter

log = logging.getLogger("disseminator.http")

OFFICIAL_API = (
    "https://api.twitter.com",
    "https://api.x.com",
    "https://upload.twitter.com",
    "https://graph.facebook.com",
)
DEFAULT_TIMEOUT = 30.0
_TOKEN_PARAM = re.compile(
    r"(access_token|input_token|oauth_[a-z_]+|client_secret|appsecret_proof)(=|%3D)(\"?)[^&\s\"',]*", re.I
)
#: Every credential value a channel has been given in this process, for redaction.
_SECRETS: set[str] = set()


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


def make_session(base_url: str | None = None, *, timeout: float = DEFAULT_TIMEOUT, secrets: Iterable[str] = ()) -> requests.Session:
    """A session for one account; with ``base_url``, official API hosts go there instead."""
    register_secrets(secrets)
    session = requests.Session()
    local = base_url.rstrip("/") if base_url else None
    for official in OFFICIAL_API:
        session.mount(official, _Adapter(official=official, local=local, timeout=timeout))
    plain = _Adapter(official=None, local=None, timeout=timeout)
    session.mount("http://", plain)
    session.mount("https://", plain)
    hidden = tuple(s for s in secrets if s)

    def _log(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        # Kept for clients that hide headers (facebook-sdk returns only the body).
        session.last_headers = response.headers  # type: ignore[attr-defined]
        session.last_status = response.status_code  # type: ignore[attr-defined]
        log.debug(
            "http %s %s -> %s",
            response.request.method,
            redact(response.request.url or "", hidden),
            response.status_code,
        )

    session.hooks["response"].append(_log)
    return session


def register_secrets(values: Iterable[str]) -> None:
    """Remember credential values so that :func:`redact` and the log filter hide them."""
    _SECRETS.update(v for v in values if v and len(v) >= 4)


def last_headers(session: Any) -> Mapping[str, str]:
    """The headers of the last answer this session received (empty before any)."""
    return getattr(session, "last_headers", None) or {}


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with token parameters and every known secret value replaced by ***."""
    text = _TOKEN_PARAM.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}***", text)
    for secret in sorted({*secrets, *_SECRETS}, key=len, reverse=True):
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


class RedactingFilter(logging.Filter):
    """A log filter that rewrites every record without secrets (ours and the libraries')."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is still logged, unformatted
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def web_url(base_url: str | None, network: str, remote_id: str, official: str) -> str:
    """Where a person can see a post: the official permalink, or the sandbox's page for it."""
    if base_url:
        return f"{base_url.rstrip('/')}/_sandbox/posts/{network}/{remote_id}"
    return official


def may_have_landed(exc: requests.RequestException) -> bool:
    """Whether a request that failed with ``exc`` may still have reached the network.

    A connection that was never made cannot have delivered a write; a timeout or a
    connection dropped after sending might have.
    """
    if isinstance(exc, requests.ConnectTimeout):
        return False
    if isinstance(exc, requests.ConnectionError):
        inner = repr(exc.args[0]) if exc.args else ""
        if "NewConnectionError" in inner or "NameResolutionError" in inner or "Connection refused" in inner:
            return False
    return True


def describe(exc: requests.RequestException) -> str:
    """One short line for a failed request: what happened and where, no URL query."""
    request = getattr(exc, "request", None)
    where = ""
    if request is not None and getattr(request, "url", None):
        from urllib.parse import urlsplit

        where = urlsplit(request.url).netloc
    text = repr(exc.args[0]) if exc.args else ""
    if isinstance(exc, requests.ConnectTimeout):
        what = "timed out connecting"
    elif isinstance(exc, requests.ReadTimeout):
        what = "no answer in time (the request may have arrived)"
    elif "NameResolutionError" in text or "Name or service not known" in text:
        what = "host name not found"
    elif "Connection refused" in text or "NewConnectionError" in text:
        what = "connection refused"
    elif isinstance(exc, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        what = "connection dropped before the answer (the request may have arrived)"
    else:
        what = type(exc).__name__
    return f"network unreachable: {what}" + (f" ({where})" if where else "")
