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

from .base import Account, Channel, ChannelError, Context, Pace, Rejected, Transient
from .clock import SYSTEM, Clock
from .graph_errors import app_usage, as_int, graph_error, usage_entries
from .http import Session, is_transport, last_headers, make_session
from .i18n import N_, _

DEFAULT_VERSION = "v25.0"
#: A share of the hourly call budget (%) from which no write is sent: Meta throttles at 100.
USAGE_CEILING = 95
#: How long a budget that high is let rest when Meta gives no estimate: its hour rolls,
#: so a part of it frees within minutes.
USAGE_REST = dt.timedelta(minutes=10)
T = TypeVar("T")


def make_graph(account: Account, *, secrets: list[str] | None = None) -> Any:
    """A facebook.GraphAPI for ``account`` on our session (whose redactor hides ``secrets``,
    by default the access token)."""
    import facebook  # deferred: the CLI's --help must not import network clients

    token = str(account.get("access_token", ""))
    graph = facebook.GraphAPI(
        access_token=token,
        session=make_session(account.base_url, secrets=secrets if secrets is not None else [token]),
        timeout=float(account.get("timeout", 30)),
    )
    # The constructor only accepts 2.x versions; the attribute takes any.
    graph.version = str(account.get("api_version", DEFAULT_VERSION))
    return graph


def call(fn: Callable[[], T], *, session: Session, write: bool, clock: Clock = SYSTEM, expect: str | None = None) -> T:
    """Run one Graph call on ``session``; every failure comes out as a :class:`ChannelError`.

    facebook-sdk ignores the HTTP status and hands back any JSON, so the answer our
    session kept is checked too: an error status, a body that is not JSON, or (with
    ``expect``) a dict without that key is an error even when the SDK returned a value.
    """
    import facebook

    session.last_response = None  # this call's answer only
    try:
        result = fn()
    except ChannelError:
        raise
    except requests.RequestException as exc:
        answer = None if is_transport(exc) else session.last_response
        raise graph_error(answer, exc, write=write, redactor=session.redactor, clock=clock) from None
    except (facebook.GraphAPIError, KeyError, ValueError) as exc:
        # GraphAPIError: an error object or a non-JSON body; KeyError('content-type'): no
        # Content-Type header; ValueError: JSON that does not parse.
        raise graph_error(session.last_response, exc, write=write, redactor=session.redactor, clock=clock) from None
    answer = session.last_response
    odd = not isinstance(result, (dict, list)) or (expect is not None and not (isinstance(result, dict) and result.get(expect)))
    if odd or (answer is not None and answer.status_code >= 400):
        raise graph_error(answer, None, write=write, redactor=session.redactor, clock=clock, expected=expect)
    return result


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
    optional_settings = (*Channel.optional_settings, "timeout", "api_version")  # make_graph

    def __init__(self, account: Account, *, context: Context | None = None) -> None:
        super().__init__(account, context=context)
        self._graph: Any = None
        #: The usage headers of the last answer, and when it came (what :meth:`pace` reads).
        self._usage: tuple[Mapping[str, str], dt.datetime] | None = None

    def graph(self) -> Any:
        if self._graph is None:
            self._graph = make_graph(self.account, secrets=self.secrets())
        return self._graph


    def call(self, fn: Callable[[], T], *, write: bool, expect: str | None = None) -> T:
        """One Graph call; failures (and answers without ``expect``) as the error tree."""
        session = self.graph().session
        try:
            return call(fn, session=session, write=write, clock=self.clock, expect=expect)
        finally:
            if session.last_response is not None:  # an answer came: its usage is the latest word
                self._usage = (dict(session.last_response.headers), self.clock.now())

    def token_expiry(self) -> dt.datetime | None:
        """Graph's ``GET /debug_token`` on the account's own token: the earlier of
        ``expires_at`` and ``data_access_expires_at`` (0 means never)."""
        token = str(self.account.get("access_token", ""))
        graph = self.graph()
        answer = self.call(lambda: graph.request(f"{graph.version}/debug_token", args={"input_token": token}),
                           write=False, expect="data")
        return token_expiry(answer["data"])

    def usage(self) -> str | None:
        """How much of its Graph call budget the account has used, from the last answer."""
        return describe_usage(last_headers(self.graph().session))

    def pace(self) -> Pace | None:
        """Meta's usage headers of the last answer (``X-Business-Use-Case-Usage``,
        ``X-App-Usage``): an ``estimated_time_to_regain_access`` above 0, or a share of the
        hourly budget at :data:`USAGE_CEILING` or more, means no write until then (counted
        from when that answer came, so an old answer never makes a new wait)."""
        if self._usage is None:
            return None
        headers, at = self._usage
        return usage_pace(headers, at)


def usage_pace(headers: Mapping[str, str], at: dt.datetime) -> Pace | None:
    """The pace Graph's usage headers, received at ``at``, tell (None: nothing said, or
    room left)."""
    entries = [*usage_entries(headers), app_usage(headers)]
    minutes = max((as_int(e.get("estimated_time_to_regain_access")) for e in entries), default=0)
    if minutes > 0:
        return Pace(remaining=0, until=at + dt.timedelta(minutes=minutes), reason=N_("Meta asks to wait before more calls"))
    keys = ("call_count", "total_cputime", "total_time")
    shares = [max(as_int(e.get(k)) for k in keys) for e in entries if e]
    if shares and max(shares) >= USAGE_CEILING:
        return Pace(remaining=0, until=at + USAGE_REST,
                    reason=N_("{percent}% of Meta's hourly call budget used").format(percent=max(shares)))
    return None


def describe_usage(headers: Mapping[str, str]) -> str | None:
    """"N% of the call budget used" from Graph's usage headers, or None without them."""
    keys = ("call_count", "total_cputime", "total_time")
    shares = [max(as_int(e.get(k)) for k in keys) for e in usage_entries(headers)]
    if not shares:
        app = app_usage(headers)
        shares = [max(as_int(app.get(k)) for k in keys)] if app else []
    if not shares:
        return None
    return _("{percent}% of the hourly call budget used").format(percent=max(shares))


def token_expiry(data: Mapping[str, Any]) -> dt.datetime | None:
    """The moment a token described by ``debug_token``'s ``data`` stops working, or None.

    Raises :class:`AuthError` when Graph says the token is not valid (anymore).
    """
    from .base import AuthError

    if not data.get("is_valid", True):
        found = data.get("error")
        error: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        raise AuthError(str(error.get("message") or _("the access token is not valid")),
                        code=str(error.get("code", 190)))
    moments = [as_int(data.get(key)) for key in ("expires_at", "data_access_expires_at")]
    moments = [m for m in moments if m > 0]
    return dt.datetime.fromtimestamp(min(moments), dt.timezone.utc) if moments else None


def data_items(answer: Any) -> list[Any]:
    """The ``data`` list of a Graph list answer (an empty list is an answer too: ``[]``)."""
    data = answer.get("data") if isinstance(answer, dict) else None
    return data if isinstance(data, list) else []


def _quota(answer: Any) -> tuple[int, int, dt.timedelta] | None:
    """(total, used, window) of a publishing-limit answer, or None when it does not say."""
    try:
        data = (answer.get("data") or [{}])[0]
        config = data.get("config") or {}
        total, used = int(config["quota_total"]), int(data.get("quota_usage", 0))
        window = dt.timedelta(seconds=int(config.get("quota_duration") or 86400))
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None
    return total, used, window


def publishing_quota(answer: Any, *, now: dt.datetime, reason: str) -> Pace | None:
    """The pace a publishing-limit answer tells: Instagram's ``content_publishing_limit``
    and Threads' ``threads_publishing_limit`` share the shape ``{"data": [{"quota_usage":
    n, "config": {"quota_total": t, "quota_duration": seconds}}]}``.  ``reason`` is a
    marked msgid with ``{total}``.  None when the answer does not say."""
    found = _quota(answer)
    if found is None:
        return None
    total, used, window = found
    return Pace(remaining=max(total - used, 0), window=window, said_at=now, reason=reason.format(total=total))


def describe_quota(answer: Any) -> str | None:
    """"N/T posts left in 24 hours" from a publishing-limit answer, or None."""
    found = _quota(answer)
    if found is None:
        return None
    total, used, _window = found
    return _("{left}/{total} posts left in 24 hours").format(left=max(total - used, 0), total=total)


def same_text(a: str, b: str) -> bool:
    """Whether two post texts are the same but for runs of white space (networks trim
    and fold them), which is how a published post is recognised (reconciliation)."""
    return " ".join(a.split()) == " ".join(b.split())


def wait_for_container(
    container: str,
    read: Callable[[], tuple[str | None, str | None]],
    *,
    clock: Clock,
    interval: float,
    timeout: float,
    failed: str,
    slow: str,
) -> None:
    """Poll a media container (Instagram's and Threads' publishing both make one first)
    until it is FINISHED (or PUBLISHED already).  ``read`` answers (status, detail).

    Raises :class:`Rejected` with ``failed`` (formatted with ``status``) when it is ERROR
    or EXPIRED, :class:`Transient` with ``slow`` (formatted with ``container`` and ``code``) when it is
    still not ready after ``timeout`` seconds: a container is never a post, so trying
    again makes a new one and nothing is published twice.
    """
    deadline = clock.monotonic() + timeout
    while True:
        code, detail = read()
        if code in ("FINISHED", "PUBLISHED"):
            return
        if code in ("ERROR", "EXPIRED"):
            raise Rejected(failed.format(status=detail or code))
        if clock.monotonic() > deadline:
            raise Transient(slow.format(container=container, code=code))
        clock.sleep(interval)
