"""X's failures, mapped once: an answer (status, headers, body) or a transport exception
becomes one kind of the channel error tree (:mod:`channels.base`).

Used by every X call, the tweepy ones (``channels.twitter``) and our own media uploads
(``channels.x_media``).  tweepy's exceptions only say which status came back; everything
here is read from the :class:`requests.Response` itself, so it works the same for both::

    answer                                   kind
    429                                      RateLimited, retry_at = latest reset of an
                                             exhausted limit (x-rate-limit-*, x-user-limit-
                                             24hour-*, x-app-limit-24hour-*)
    401                                      AuthError
    402 (credits used up, pay-per-use)       Spent: the account is held, the post waits
    403 "duplicate content"                  Duplicate
    403 problem usage-capped                 RateLimited until the 24-hour reset (or +24 h)
    403 code 453, client-forbidden,
        oauth1-permissions, not-authorized   AuthError (a person must act)
    403 other (reply not allowed...)         Rejected
    408, 425                                 Transient (a proxy gave up waiting)
    other 4xx                                Rejected
    5xx (JSON, HTML or empty)                Transient(may_have_landed=write)
    2xx without what was expected            Transient(may_have_landed=write)
    no answer (requests exception)           Transient; may_have_landed unless the type
                                             says it was never sent (channels.http)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests

from .base import AuthError, ChannelError, Duplicate, RateLimited, Rejected, Spent, Transient
from .clock import SYSTEM, Clock
from .http import describe, never_sent
from .i18n import _
from .redact import Redactor

#: Problem types that mean the app or account may not post at all (a person must act).
ACCOUNT_PROBLEMS = ("client-forbidden", "oauth1-permissions", "not-authorized-for-resource")
#: X's limit header families, each with -limit, -remaining and -reset (Unix seconds).
LIMIT_HEADERS = ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour")
_REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests"}
_NO_REDACTION = Redactor()


def x_error(
    response: requests.Response | None,
    exc: BaseException | None = None,
    *,
    write: bool,
    redactor: Redactor | None = None,
    clock: Clock = SYSTEM,
    expected: str | None = None,
) -> ChannelError:
    """The channel error for one failed X call.

    ``response`` is the answer when one arrived (tweepy's ``exc.response``, our own
    upload's response, or a 2xx that lacked ``expected``); ``exc`` the exception raised,
    if any.  ``write`` says whether the call could have created something on X.  The
    message is the network's own words (or a description of the odd answer), redacted.
    """
    hide = redactor or _NO_REDACTION
    if response is None:
        response = getattr(exc, "response", None) if exc is not None else None
    if response is None:
        if isinstance(exc, requests.RequestException):
            return Transient(hide(describe(exc)), may_have_landed=write and not never_sent(exc))
        what = type(exc).__name__ if exc is not None else _("nothing")
        return Transient(_("no answer from X ({what})").format(what=what), may_have_landed=write)

    status = response.status_code
    body = _json(response)
    problem = str(body.get("type", "")) if isinstance(body, dict) else ""
    message = hide(_message(body, response))
    if 200 <= status < 300:
        if expected:
            odd = _("X answered HTTP {status} without {expected}: {message}").format(
                status=status, expected=expected, message=message)
        else:
            odd = _("X answered HTTP {status} with something unexpected: {message}").format(status=status, message=message)
        return Transient(odd[:300], may_have_landed=write, http_status=status)
    if status == 429:
        return RateLimited(message, retry_at=retry_at(response), http_status=status)
    if status == 401:
        return AuthError(message, http_status=status)
    if status == 402:  # nothing was written; it goes once credits are bought (accounts resume)
        return Spent(_("X says the account's credits are used up ({message})").format(message=message),
                     http_status=status)
    if status == 403:
        codes = _codes(body)
        if "duplicate" in message.lower():
            return Duplicate(message, http_status=status)
        if problem.endswith("usage-capped"):  # the plan's cap: nothing to do but wait for the day
            later = retry_at(response, daily_only=True) or clock.now() + dt.timedelta(hours=24)
            return RateLimited(message, retry_at=later, http_status=status, code="usage-capped")
        if 453 in codes:
            return AuthError(message, http_status=status, code="453")
        if any(problem.endswith(p) for p in ACCOUNT_PROBLEMS):
            return AuthError(message, http_status=status, code=problem.rsplit("/", 1)[-1])
        return Rejected(message, http_status=status)
    if status in (408, 425):
        return Transient(message, may_have_landed=write, http_status=status)
    if status >= 500:
        return Transient(message, may_have_landed=write, http_status=status)
    return Rejected(message, http_status=status)


def retry_at(response: requests.Response | None, *, daily_only: bool = False) -> dt.datetime | None:
    """When X will take calls again: the latest reset among the exhausted limits.

    With ``daily_only``, only the 24-hour families count (a monthly or daily cap).
    """
    if response is None:
        return None
    h = response.headers
    resets = []
    for prefix in LIMIT_HEADERS[1:] if daily_only else LIMIT_HEADERS:
        reset, remaining = h.get(f"{prefix}-reset"), h.get(f"{prefix}-remaining")
        if reset and reset.strip().isdigit() and (remaining is None or remaining.strip() == "0"):
            resets.append(int(reset))
    if not resets:
        return None
    return dt.datetime.fromtimestamp(max(resets), dt.timezone.utc)


def _json(response: requests.Response) -> Any:
    """The decoded body, or None when it is not JSON (HTML from a proxy, empty, cut off)."""
    try:
        return response.json()
    except ValueError:  # requests' JSONDecodeError, also on a body cut off half-way
        return None


def _codes(body: Any) -> list[int]:
    errors = body.get("errors") if isinstance(body, dict) else None
    codes = []
    for item in errors if isinstance(errors, list) else []:
        if isinstance(item, dict) and isinstance(item.get("code"), int):
            codes.append(item["code"])
    return codes


def _message(body: Any, response: requests.Response) -> str:
    """X's own words, in tweepy's order: ``errors[].message``, ``error``, then ``detail``."""
    if isinstance(body, dict):
        found: list[str] = []
        errors = body.get("errors")
        for item in errors if isinstance(errors, list) else []:
            if isinstance(item, dict) and item.get("message"):
                found.append(str(item["message"]))
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            found.append(str(error["message"]))
        elif isinstance(error, str) and error:
            found.append(error)
        if not found:
            found = [str(body[k]) for k in ("detail", "title") if body.get(k)][:1]
        if found:
            return "; ".join(found)
    reason = response.reason or _REASONS.get(response.status_code, "")
    return f"{response.status_code} {reason}".strip() + f" ({describe_body(response)})"


def describe_body(response: requests.Response) -> str:
    """What kind of body came back, in a few words (never the body itself)."""
    content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    try:
        data = response.content
    except requests.RequestException:
        return _("an answer cut off")
    if not data:
        return _("an empty answer")
    if "html" in content_type or data.lstrip()[:1] == b"<":
        return _("an HTML page")
    if "json" in content_type:
        return _("JSON that could not be read") if _json(response) is None else _("JSON of an unexpected shape")
    kind = content_type or _("untyped")
    return _("a {content_type} body of {size} bytes").format(content_type=kind, size=len(data))
