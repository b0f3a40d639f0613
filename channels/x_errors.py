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

import dataclasses
import datetime as dt
from typing import Any

import requests

from .base import AuthError, ChannelError, Duplicate, RateLimited, Rejected, Spent
from .error_map import ErrorMapping, Failure, by_status, describe_body
from .i18n import _

#: Problem types that mean the app or account may not post at all (a person must act).
ACCOUNT_PROBLEMS = ("client-forbidden", "oauth1-permissions", "not-authorized-for-resource")
#: X's limit header families, each with -limit, -remaining and -reset (Unix seconds).
LIMIT_HEADERS = ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour")
_REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests"}


def x_failure(failure: Failure) -> ChannelError:
    """X's part of the mapping (the module's table); :data:`x_error` is the mapping.

    The answer is the one given, else tweepy's ``exc.response``; the message is X's own
    words (or a description of the odd answer), redacted.
    """
    if failure.response is None and failure.exc is not None:
        failure = dataclasses.replace(failure, response=getattr(failure.exc, "response", None))
    response, write = failure.response, failure.write
    if response is None:
        what = type(failure.exc).__name__ if failure.exc is not None else _("nothing")
        return failure.unanswered(_("no answer from X ({what})").format(what=what), cause=failure.exc)

    status = response.status_code
    body = failure.body
    problem = str(body.get("type", "")) if isinstance(body, dict) else ""
    message = failure.hide(_message(body, response))
    if 200 <= status < 300:
        if failure.expected:
            odd = _("X answered HTTP {status} without {expected}: {message}").format(
                status=status, expected=failure.expected, message=message)
        else:
            odd = _("X answered HTTP {status} with something unexpected: {message}").format(status=status, message=message)
        message = odd[:300]
    if status == 402:  # nothing was written; it goes once credits are bought (accounts resume)
        return Spent(_("X says the account's credits are used up ({message})").format(message=message),
                     http_status=status)
    if status == 403:
        codes = _codes(body)
        if "duplicate" in message.lower():
            return Duplicate(message, http_status=status)
        if problem.endswith("usage-capped"):  # the plan's cap: nothing to do but wait for the day
            later = retry_at(response, daily_only=True) or failure.clock.now() + dt.timedelta(hours=24)
            return RateLimited(message, retry_at=later, http_status=status, code="usage-capped")
        if 453 in codes:
            return AuthError(message, http_status=status, code="453")
        if any(problem.endswith(p) for p in ACCOUNT_PROBLEMS):
            return AuthError(message, http_status=status, code=problem.rsplit("/", 1)[-1])
        return Rejected(message, http_status=status)
    return by_status(status, message, write=write, retry_at=lambda: retry_at(response), auth=(401,))


#: The mapping of one failed X call: ``x_error(response, exc=None, *, write, redactor=None,
#: clock=SYSTEM, expected=None)`` (:class:`channels.error_map.ErrorMapping`).
x_error = ErrorMapping(x_failure)


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
