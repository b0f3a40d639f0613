"""Bluesky (XRPC) failures, mapped once: an answer (status, headers, body) or an exception
becomes one kind of the channel error tree.

An XRPC error body is ``{"error": "Name", "message": "..."}`` (atproto.com/specs/xrpc).
The ``atproto`` SDK raises for any status outside 2xx with the answer attached (it calls
400 ``BadRequestError``, 401/403 ``UnauthorizedError``, 429 ``RateLimitExceededError``,
409/413/502 ``NetworkError``) and wraps httpx's transport failures; the mapping reads
the answer, never the SDK's class::

    answer                                         kind
    429 (RateLimitExceeded)                        RateLimited; retry_at from ratelimit-reset
                                                   (Unix seconds), else Retry-After, else +15 min
    400 ExpiredToken                               AuthError, code "ExpiredToken" (the session
                                                   layer refreshes and asks again first)
    400 InvalidToken, AccountTakedown,             AuthError: the account must act
        AccountDeactivated, 401, 403
    a create: 409, or 400 whose error is           Duplicate: a record with our rkey exists
        RecordAlreadyExists / DuplicateCreate      (reconciled exactly by getRecord)
        or whose message says it already exists
    other 400 (InvalidRequest, InvalidSwap,        Rejected
        BlobTooLarge, RecordNotFound), 404, 413
    5xx (InternalServerError, UpstreamFailure,     Transient(may_have_landed=write); the PDS
        NotEnoughResources, UpstreamTimeout)       answers a repeated rkey with 500 too, which
                                                   the look-up by rkey then settles
    408, 425                                       Transient
    2xx that is not JSON or lacks what was asked   Transient(may_have_landed=write)
    no answer (httpx failure)                      Transient; may_have_landed unless the type
                                                   says it was never sent (channels.xrpc_http)
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from .base import AuthError, ChannelError, Duplicate, RateLimited, Rejected, Transient
from .clock import SYSTEM, Clock
from .error_map import NO_REDACTION, by_status
from .i18n import _
from .redact import Redactor
from .xrpc_http import describe, never_sent, transport_error

DEFAULT_WAIT = dt.timedelta(minutes=15)
AUTH_ERRORS = frozenset({"ExpiredToken", "InvalidToken", "AccountTakedown", "AccountDeactivated",
                         "AuthenticationRequired", "AuthMissing", "AuthFactorTokenRequired"})
DUPLICATE_ERRORS = frozenset({"RecordAlreadyExists", "DuplicateCreate"})


def xrpc_error(
    status: int | None,
    headers: Mapping[str, str],
    body: Any,
    exc: BaseException | None = None,
    *,
    write: bool,
    create: bool = False,
    redactor: Redactor | None = None,
    clock: Clock = SYSTEM,
    expected: str | None = None,
) -> ChannelError:
    """The channel error for one failed XRPC call.

    ``status``/``headers``/``body`` are the answer (``status`` None: none arrived; ``body``
    parsed JSON or raw bytes); ``exc`` what was raised.  ``write``: the call could have
    created something; ``create``: it was a createRecord with our own rkey (a conflict
    then means our record is there).  ``expected`` names what a 2xx answer lacked.
    """
    hide = redactor or NO_REDACTION
    if status is None:
        if exc is not None and transport_error(exc) is not None:
            return Transient(hide(describe(exc)), may_have_landed=write and not never_sent(exc))
        what = type(exc).__name__ if exc is not None else "?"
        return Transient(_("no readable answer from Bluesky ({error})").format(error=what), may_have_landed=write)
    body = _json(body)
    name = str(body.get("error")) if isinstance(body, dict) and body.get("error") else None
    said = str(body.get("message") or "") if isinstance(body, dict) else ""
    message = hide(f"{name}: {said}" if name and said else name or said) if name or said else ""
    if not message:
        if 200 <= status < 300 and expected:
            shape = _("JSON without {expected!r}").format(expected=expected)
        else:
            shape = _("no XRPC error body")
        message = _("Bluesky answered HTTP {status} with {shape}").format(status=status, shape=shape)

    def wait() -> dt.datetime:
        return reset_at(headers, clock) or clock.now() + DEFAULT_WAIT

    if not (200 <= status < 300 or status == 429):  # XRPC's own error names, before the status
        if name == "RateLimitExceeded":
            return RateLimited(message, retry_at=wait(), http_status=status, code=name)
        if create and (status == 409 or name in DUPLICATE_ERRORS or "already exists" in said.lower()):
            return Duplicate(message, http_status=status, code=name)
        if name in AUTH_ERRORS:
            return AuthError(message, http_status=status, code=name)
    return by_status(status, message, write=write, retry_at=wait, code=name)

def reset_at(headers: Mapping[str, str], clock: Clock = SYSTEM) -> dt.datetime | None:
    """When a limit frees: ``ratelimit-reset`` (Unix seconds) or ``Retry-After`` (seconds)."""
    low = {k.lower(): v for k, v in headers.items()}
    reset = str(low.get("ratelimit-reset", "")).strip()
    if reset.isdigit():
        return dt.datetime.fromtimestamp(int(reset), dt.timezone.utc)
    after = str(low.get("retry-after", "")).strip()
    if after.isdigit():
        return clock.now() + dt.timedelta(seconds=int(after))
    return None


def _json(body: Any) -> Any:
    if isinstance(body, (bytes, bytearray, str)):
        try:
            return json.loads(body or b"null")
        except ValueError:
            return None
    if hasattr(body, "error") and hasattr(body, "message"):  # the SDK's XrpcError dataclass
        return {"error": body.error, "message": body.message}
    return body


def from_sdk(exc: BaseException, *, write: bool, create: bool = False, redactor: Redactor | None = None,
             clock: Clock = SYSTEM, last_status: int | None = None,
             last_headers: Mapping[str, str] | None = None) -> ChannelError:
    """The channel error for what the SDK (or httpx under it) raised.

    An SDK exception carries the answer as its first argument (a ``Response`` with
    ``status_code``, ``headers`` and ``content``); an httpx failure has none.  Anything
    else was raised around an answer (``last_status``: the transport saw one, which the
    SDK could not read) or before any request left (``last_status`` None: nothing sent).
    """
    answer = exc.args[0] if exc.args else None
    if answer is not None and hasattr(answer, "status_code") and hasattr(answer, "content"):
        return xrpc_error(int(answer.status_code), dict(answer.headers or {}), answer.content, exc, write=write,
                          create=create, redactor=redactor, clock=clock)
    if transport_error(exc) is not None:
        return xrpc_error(None, {}, None, exc, write=write, redactor=redactor, clock=clock)
    if last_status is None:
        hide = redactor or NO_REDACTION
        return Rejected(_("the request to Bluesky could not be made: {error}").format(
            error=hide(str(exc))[:300] or type(exc).__name__))
    return xrpc_error(last_status, last_headers or {}, None, exc, write=write, create=create, redactor=redactor,
                      clock=clock, expected=_("the method's output"))
