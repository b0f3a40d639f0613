"""What the Facebook Page and Instagram channels share: the Graph client and its errors.

facebook-sdk 3.1 quirks handled here: its constructor rejects modern versions (we set
``version`` after), it decides success by the body and ignores the HTTP status, it raises
``KeyError('content-type')`` on a response without that header, and network failures
arrive as raw ``requests`` exceptions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import requests

from .base import Account, AuthError, Channel, ChannelError, Context, Duplicate, RateLimited, Rejected, Transient
from .http import describe, last_headers, make_session, may_have_landed, redact

DEFAULT_VERSION = "v25.0"
T = TypeVar("T")

_RATE = {4, 17, 32, 341, 613, 80001, 80002}
#: 9007: container not ready yet; 24/2207008: container id not found yet, retry shortly.
_TRANSIENT = {1, 2, -1, -2, 9007, 24}
_AUTH = {102, 190, 10} | set(range(200, 300))
#: Blocked for policy or spam, or the account restricted: a person must look, so the
#: account is paused like a refused token instead of being retried.
_BLOCKED = {368, 25}
_BLOCKED_SUBCODES = {2207051, 2207050}


def make_graph(account: Account) -> Any:
    """A facebook.GraphAPI for ``account`` on our session."""
    import facebook  # deferred: the CLI's --help must not import network clients

    token = str(account.get("access_token", ""))
    graph = facebook.GraphAPI(
        access_token=token,
        session=make_session(account.base_url, secrets=[token]),
        timeout=float(account.get("timeout", 30)),
    )
    # The constructor only accepts 2.x versions; the attribute takes any.
    graph.version = str(account.get("api_version", DEFAULT_VERSION))
    return graph


def call(fn: Callable[[], T], *, secrets: list[str], write: bool) -> T:
    """Run one Graph call, translating every failure into the channel error tree."""
    import facebook

    try:
        result = fn()
    except facebook.GraphAPIError as exc:
        raise translate(exc, secrets=secrets, write=write) from None
    except KeyError as exc:
        # A response without Content-Type (a proxy's bare 502, a dropped body).
        raise Transient(f"the network sent a response without a content type ({exc})", may_have_landed=write) from None
    except requests.RequestException as exc:
        landed = write and may_have_landed(exc)
        raise Transient(redact(describe(exc), secrets), may_have_landed=landed) from None
    except ValueError as exc:
        raise Transient(redact(f"unreadable answer from the network: {exc}", secrets), may_have_landed=write) from None
    if not isinstance(result, (dict, list)):
        # facebook-sdk hands back a proxy's HTML or an empty body as a plain value.
        shown = redact(str(result)[:80], secrets)
        raise Transient(f"the network answered with something other than JSON: {shown!r}", may_have_landed=write)
    return result  # type: ignore[return-value]


def translate(exc: Any, *, secrets: list[str], write: bool) -> ChannelError:
    """Map a facebook.GraphAPIError to the channel error tree."""
    result: dict[str, Any] = exc.result if isinstance(getattr(exc, "result", None), dict) else {}
    err: dict[str, Any] = result["error"] if isinstance(result.get("error"), dict) else {}
    code = err.get("code", getattr(exc, "code", None))
    subcode = err.get("error_subcode")
    message = redact(str(err.get("error_user_msg") or err.get("message") or exc), secrets)
    label = f"{code}/{subcode}" if subcode else (str(code) if code is not None else None)
    full = f"Graph error {label}: {message}" if label else message
    if code is None:
        return Transient(full, may_have_landed=write)
    try:
        code = int(code)
    except (TypeError, ValueError):
        return Rejected(full, code=label)
    if code in _BLOCKED or subcode in _BLOCKED_SUBCODES:
        return AuthError(f"{full} (the account is blocked or restricted)", code=label)
    if code in _RATE or (code == 9 and subcode == 2207042):
        wait = dt.timedelta(hours=24) if code == 9 else dt.timedelta(minutes=15)
        return RateLimited(full, retry_at=dt.datetime.now(dt.timezone.utc) + wait, code=label)
    if code == 506:
        return Duplicate(full, code=label)
    if code in _AUTH:
        return AuthError(full, code=label)
    if code in _TRANSIENT or err.get("is_transient") is True:
        return Transient(full, may_have_landed=write and code not in (9007,), code=label)
    return Rejected(full, code=label)


def graph_time(value: str | None) -> dt.datetime | None:
    """Parse Graph's ``2026-11-29T06:00:00+0000``."""
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None


class GraphChannel(Channel):
    """What a channel on the Graph API shares: the client, made on first use, and calls
    whose failures come out as the channel error tree."""

    secret_keys = ("access_token",)

    def __init__(self, account: Account, *, context: Context | None = None) -> None:
        super().__init__(account, context=context)
        self._graph: Any = None

    def graph(self) -> Any:
        if self._graph is None:
            self._graph = make_graph(self.account)
        return self._graph

    def call(self, fn: Callable[[], T], *, write: bool) -> T:
        session = self.graph().session
        session.last_status, session.last_headers = None, {}  # this call's answer only
        try:
            return call(fn, secrets=self.secrets(), write=write)
        except ChannelError as exc:
            if exc.http_status is None:  # facebook-sdk drops the status; our session kept it
                exc.http_status = getattr(session, "last_status", None)
            if not isinstance(exc, RateLimited):
                raise
            # The network's own estimate beats our guess, except for Instagram's daily
            # publishing quota, which the call-budget header does not describe.
            regain = regain_at(last_headers(session))
            if regain is not None and exc.code != "9/2207042":
                exc.retry_at = regain
            raise

    def usage(self) -> str | None:
        """How much of its Graph call budget the account has used, from the last answer."""
        return describe_usage(last_headers(self.graph().session))


def _usage_entries(headers: Mapping[str, str]) -> list[dict[str, Any]]:
    import json

    raw = headers.get("X-Business-Use-Case-Usage") or headers.get("x-business-use-case-usage")
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return []
    return [e for entries in data.values() if isinstance(entries, list) for e in entries if isinstance(e, dict)]


def regain_at(headers: Mapping[str, str]) -> dt.datetime | None:
    """When Graph says calls will work again (``estimated_time_to_regain_access``, minutes)."""
    minutes = [_int(e.get("estimated_time_to_regain_access")) for e in _usage_entries(headers)]
    if not minutes or max(minutes) <= 0:
        return None
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=max(minutes))


def describe_usage(headers: Mapping[str, str]) -> str | None:
    """"N% of the call budget used" from Graph's usage headers, or None without them."""
    import json

    shares = [max(_int(e.get(k)) for k in ("call_count", "total_cputime", "total_time")) for e in _usage_entries(headers)]
    if not shares:
        raw = headers.get("X-App-Usage") or headers.get("x-app-usage")
        try:
            app = json.loads(raw) if raw else {}
        except ValueError:
            app = {}
        shares = [max(_int(app.get(k)) for k in ("call_count", "total_cputime", "total_time"))] if isinstance(app, dict) and app else []
    return f"{max(shares)}% of the hourly call budget used" if shares else None


def _int(value: Any) -> int:
    """A header field as a whole number; anything unreadable counts as 0."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
