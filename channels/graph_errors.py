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

import requests

from .base import AuthError, ChannelError, Duplicate, RateLimited, Rejected, Transient
from .clock import SYSTEM, Clock
from .http import describe, never_sent
from .i18n import _
from .redact import Redactor
from .x_errors import describe_body

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
_NO_REDACTION = Redactor()


def graph_error(
    response: requests.Response | None,
    exc: BaseException | None = None,
    *,
    write: bool,
    redactor: Redactor | None = None,
    clock: Clock = SYSTEM,
    expected: str | None = None,
) -> ChannelError:
    """The channel error for one failed Graph call.

    ``response`` is the answer when one arrived; ``exc`` what the SDK or requests raised
    (a ``GraphAPIError`` alone is enough for the table of codes).  ``write`` says whether
    the call could have created a post; ``expected`` names what a 2xx answer lacked.
    """
    hide = redactor or _NO_REDACTION
    if response is None and isinstance(exc, requests.RequestException):
        return Transient(hide(describe(exc)), may_have_landed=write and not never_sent(exc))
    status = response.status_code if response is not None else None
    body = _body(response, exc)
    err = body.get("error") if isinstance(body, dict) else None
    if isinstance(err, dict):
        return _from_error_object(err, response, write=write, hide=hide, clock=clock, status=status)
    if response is None:
        if exc is not None:
            unread = _("no readable answer from the Graph API ({error})").format(error=type(exc).__name__)
        else:
            unread = _("no readable answer from the Graph API")
        return Transient(unread, may_have_landed=write)

    assert status is not None
    shape = describe_body(response)
    if 200 <= status < 300 and expected and isinstance(body, (dict, list)):
        shape = _("JSON without {expected!r}").format(expected=expected)
    message = _("the Graph API answered HTTP {status} with {shape}").format(status=status, shape=shape)
    if 200 <= status < 300:
        return Transient(message, may_have_landed=write, http_status=status)
    if status == 429:
        return RateLimited(message, retry_at=regain_at(response.headers, clock) or clock.now() + DEFAULT_WAIT,
                           http_status=status)
    if status >= 500 or status in (408, 425):
        return Transient(message, may_have_landed=write, http_status=status)
    if status in (401, 403):
        return AuthError(message, http_status=status)
    return Rejected(message, http_status=status)


def _from_error_object(
    err: Mapping[str, Any],
    response: requests.Response | None,
    *,
    write: bool,
    hide: Redactor,
    clock: Clock,
    status: int | None,
) -> ChannelError:
    code_raw, subcode = err.get("code"), err.get("error_subcode")
    message = hide(str(err.get("error_user_msg") or err.get("message") or _("no message")))
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


def _body(response: requests.Response | None, exc: BaseException | None) -> Any:
    """The answer's JSON; else what the SDK's exception carries (``GraphAPIError.result``)."""
    if response is not None:
        try:
            return response.json()
        except (ValueError, requests.RequestException):
            return None
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
