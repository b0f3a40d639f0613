"""Graph API failures (Facebook Pages and Instagram), mapped once: an answer (status,
headers, body) or an exception becomes one kind of the channel error tree.

facebook-sdk decides success by the body alone: it raises ``GraphAPIError`` only when
the JSON holds an ``error``, raises ``GraphAPIError("Maintype was not text, image, or
querystring")`` for an HTML page, ``KeyError('content-type')`` for an answer without
that header, and returns any other JSON, a 5xx included.  So the mapping reads the
:class:`requests.Response` (our session keeps it) and uses the SDK's exception only
when no answer is at hand::

    answer                                   kind
    error.code 4, 17, 32, 341, 613, 80001,   RateLimited; retry_at from X-Business-Use-
        80002                                Case-Usage / X-App-Usage
                                             estimated_time_to_regain_access, else +15 min
    IG 9/2207042 (publishing quota)          RateLimited, +24 h (the usage headers
                                             describe the call budget, not this quota)
    368, 25, IG 4/2207051, 25/2207050        AuthError: blocked or restricted, a person acts
    506                                      Duplicate
    102, 190, 10, 200-299                    AuthError
    1, 2, -1, -2, 9007, 24, is_transient     Transient (9007: not ready, never landed)
    other codes                              Rejected
    5xx without an error object (HTML,       Transient(may_have_landed=write), http_status
        empty, other JSON, cut off)
    429 without an error object              RateLimited
    408, 425 without an error object         Transient
    other 4xx without an error object        Rejected
    2xx that is not JSON or lacks the id     Transient(may_have_landed=write)
    no answer (requests exception)           Transient; may_have_landed unless the type
                                             says it was never sent (channels.http)
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from .base import AuthError, ChannelError, Duplicate, RateLimited, Rejected, Transient
from .clock import SYSTEM, Clock
from .error_map import ErrorMapping, Failure, by_status
from .i18n import _

RATE_LIMIT_CODES = frozenset({4, 17, 32, 341, 613, 80001, 80002})
#: 9007: container not ready yet; 24/2207008: container id not found yet, retry shortly.
TRANSIENT_CODES = frozenset({1, 2, -1, -2, 9007, 24})
AUTH_CODES = frozenset({102, 190, 10} | set(range(200, 300)))
#: Blocked for policy or spam, or the account restricted: a person must look, so the
#: account is paused like a refused token instead of being retried.
BLOCKED_CODES = frozenset({368, 25})
BLOCKED_SUBCODES = frozenset({2207051, 2207050})
#: Instagram's 24-hour publishing quota.
IG_QUOTA = (9, 2207042)
DEFAULT_WAIT = dt.timedelta(minutes=15)


def graph_failure(failure: Failure) -> ChannelError:
    """Graph's part of the mapping (the module's table); :data:`graph_error` is the mapping.

    Without an answer, ``exc`` is what the SDK or requests raised (a ``GraphAPIError``
    alone is enough for the table of codes).  ``expected`` names what a 2xx answer lacked.
    """
    response, exc, clock = failure.response, failure.exc, failure.clock
    body = failure.body if response is not None else _result(exc)
    err = body.get("error") if isinstance(body, dict) else None
    if isinstance(err, dict):
        return _from_error_object(err, failure)
    if response is None:
        if exc is not None:
            unread = _("no readable answer from the Graph API ({error})").format(error=type(exc).__name__)
        else:
            unread = _("no readable answer from the Graph API")
        return failure.unanswered(unread, cause=exc)

    status = response.status_code
    shape = failure.shape(readable=isinstance(body, (dict, list)))
    message = _("the Graph API answered HTTP {status} with {shape}").format(status=status, shape=shape)
    return by_status(status, message, write=failure.write,
                     retry_at=lambda: regain_at(response.headers, clock) or clock.now() + DEFAULT_WAIT)


#: The mapping of one failed Graph call: ``graph_error(response, exc=None, *, write,
#: redactor=None, clock=SYSTEM, expected=None)`` (:class:`channels.error_map.ErrorMapping`).
graph_error = ErrorMapping(graph_failure)


def _from_error_object(err: Mapping[str, Any], failure: Failure) -> ChannelError:
    """Graph's error object, by its code and subcode (the module's table)."""
    response, write, clock, status = failure.response, failure.write, failure.clock, failure.status
    code_raw, subcode = err.get("code"), err.get("error_subcode")
    message = failure.hide(str(err.get("error_user_msg") or err.get("message") or _("no message")))
    label = f"{code_raw}/{subcode}" if subcode else (str(code_raw) if code_raw is not None else None)
    full = _("Graph error {code}: {message}").format(code=label, message=message) if label else message
    try:
        code = int(code_raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        if code_raw is None and (status is None or status >= 500 or err.get("is_transient") is True):
            return Transient(full, may_have_landed=write, http_status=status)
        return Rejected(full, code=label, http_status=status)
    if code in BLOCKED_CODES or subcode in BLOCKED_SUBCODES:
        blocked = _("{error} (the account is blocked or restricted)").format(error=full)
        return AuthError(blocked, code=label, http_status=status)
    if (code, subcode) == IG_QUOTA:
        return RateLimited(full, retry_at=clock.now() + dt.timedelta(hours=24), code=label, http_status=status)
    if code in RATE_LIMIT_CODES:
        headers = response.headers if response is not None else {}
        later = regain_at(headers, clock) or clock.now() + DEFAULT_WAIT
        return RateLimited(full, retry_at=later, code=label, http_status=status)
    if code == 506:
        return Duplicate(full, code=label, http_status=status)
    if code in AUTH_CODES:
        return AuthError(full, code=label, http_status=status)
    if code in TRANSIENT_CODES or err.get("is_transient") is True:
        return Transient(full, may_have_landed=write and code != 9007, code=label, http_status=status)
    return Rejected(full, code=label, http_status=status)


def _result(exc: BaseException | None) -> Any:
    """What the SDK's exception carries (``GraphAPIError.result``), when no answer is at hand."""
    result = getattr(exc, "result", None)
    return result if isinstance(result, dict) else None


def usage_entries(headers: Mapping[str, str]) -> list[dict[str, Any]]:
    """The entries of ``X-Business-Use-Case-Usage`` (per business id, a list each)."""
    data = _header_json(headers, "X-Business-Use-Case-Usage")
    if not isinstance(data, dict):
        return []
    return [e for entries in data.values() if isinstance(entries, list) for e in entries if isinstance(e, dict)]


def app_usage(headers: Mapping[str, str]) -> dict[str, Any]:
    """``X-App-Usage`` as a dict (empty without it)."""
    data = _header_json(headers, "X-App-Usage")
    return data if isinstance(data, dict) else {}


def regain_at(headers: Mapping[str, str], clock: Clock = SYSTEM) -> dt.datetime | None:
    """When Graph says calls will work again (``estimated_time_to_regain_access``, minutes)."""
    entries = [*usage_entries(headers), app_usage(headers)]
    minutes = [as_int(e.get("estimated_time_to_regain_access")) for e in entries]
    if not minutes or max(minutes) <= 0:
        return None
    return clock.now() + dt.timedelta(minutes=max(minutes))


def _header_json(headers: Mapping[str, str], name: str) -> Any:
    raw = headers.get(name) or headers.get(name.lower())
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def as_int(value: Any) -> int:
    """A header field as a whole number; anything unreadable counts as 0."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
