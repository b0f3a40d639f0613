"""Mastodon's failures, mapped once: an answer (status, headers, body) or a transport
exception becomes one kind of the channel error tree.

Mastodon answers errors as ``{"error": "..."}`` (docs.joinmastodon.org/entities/Error;
OAuth failures add ``error_description``).  Mastodon.py raises its own exceptions and
wraps a transport failure in ``MastodonNetworkError`` (the requests exception stays in
``__context__``), so the mapping reads the :class:`requests.Response` our session kept::

    answer                                   kind
    429                                      RateLimited, retry_at = X-RateLimit-Reset
                                             (ISO 8601), else +5 minutes
    401                                      AuthError (token invalid or revoked)
    403                                      AuthError (account disabled, suspended,
                                             missing scope: a person must act)
    404, 410                                 Rejected (the record is not there)
    422                                      Rejected (validation: text too long, media
                                             not processed, reply target gone)
    408, 425                                 Transient
    other 4xx                                Rejected
    5xx (JSON, HTML or empty)                Transient(may_have_landed=write)
    2xx without what was expected            Transient(may_have_landed=write)
    no answer (requests exception)           Transient; may_have_landed unless the type
                                             says it was never sent (channels.http)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import requests

from .base import ChannelError
from .error_map import ErrorMapping, Failure, by_status, describe_body, read_json
from .i18n import _

#: How long to wait after a 429 that names no reset (Mastodon's windows are 5 minutes).
DEFAULT_WAIT = dt.timedelta(minutes=5)


def mastodon_failure(failure: Failure) -> ChannelError:
    """Mastodon's part of the mapping (the module's table); :data:`mastodon_error` is the
    mapping.  ``exc`` is what Mastodon.py or requests raised; the transport failure under
    Mastodon.py's own exception is found by :func:`transport_cause`."""
    response, clock = failure.response, failure.clock
    if response is None:
        what = type(failure.exc).__name__ if failure.exc is not None else _("nothing")
        unread = _("no answer from Mastodon ({what})").format(what=what)
        return failure.unanswered(unread, cause=transport_cause(failure.exc))
    status = response.status_code
    said = error_text(response)
    message = failure.hide(said) if said else _("Mastodon answered HTTP {status} with {shape}").format(
        status=status, shape=describe_body(response))
    if 200 <= status < 300:
        message = _("Mastodon answered HTTP {status} without {expected}").format(
            status=status, expected=failure.expected or _("a JSON object"))
    return by_status(status, message, write=failure.write,
                     retry_at=lambda: reset_at(response.headers) or clock.now() + DEFAULT_WAIT)


#: The mapping of one failed Mastodon call: ``mastodon_error(response, exc=None, *, write,
#: redactor=None, clock=SYSTEM, expected=None)`` (:class:`channels.error_map.ErrorMapping`).
mastodon_error = ErrorMapping(mastodon_failure)


def transport_cause(exc: BaseException | None) -> requests.RequestException | None:
    """The requests exception under ``exc`` (Mastodon.py's ``MastodonNetworkError`` is
    raised inside the ``except`` that caught it), or None when there was none."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, requests.RequestException) and not isinstance(exc, requests.exceptions.InvalidJSONError):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def error_text(response: requests.Response) -> str | None:
    """Mastodon's own words: ``error`` (with ``error_description`` when given)."""
    body: Any = read_json(response)
    if not isinstance(body, dict) or not isinstance(body.get("error"), str):
        return None
    text = str(body["error"])
    if isinstance(body.get("error_description"), str) and body["error_description"]:
        text = f"{text}: {body['error_description']}"
    return text


def reset_at(headers: Mapping[str, str]) -> dt.datetime | None:
    """``X-RateLimit-Reset`` as a moment: Mastodon writes ISO 8601 (some servers Unix seconds)."""
    raw = (headers.get("X-RateLimit-Reset") or "").strip()
    if not raw:
        return None
    if raw.isdigit():
        return dt.datetime.fromtimestamp(int(raw), dt.timezone.utc)
    try:
        when = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
