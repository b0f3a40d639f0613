"""What every network's error mapping shares; each network's module keeps only its own codes.

A channel maps a failed call once, at one boundary (:mod:`channels.errors` is the tree).
Three steps are the same for every network, and live here:

- **No answer arrived** (:meth:`Failure.unanswered`): a requests transport failure is
  :class:`Transient`, redacted, and ``may_have_landed`` for a write unless its type says
  it was never sent (:func:`channels.http.never_sent`); anything else raised without an
  answer is a Transient in the network's words.
- **An answer without the network's own error object** (:func:`by_status`): 2xx (it
  lacked what was asked), 5xx, 408 and 425 are Transient (``may_have_landed`` for a
  write), 429 is :class:`RateLimited`, 401 and 403 :class:`AuthError`, any other status
  :class:`Rejected`.
- **The signature** (:class:`ErrorMapping`): every mapping is called
  ``mapping(response, exc=None, *, write, redactor=None, clock=SYSTEM, expected=None)``,
  and hands the network one :class:`Failure`.

Between the first and the last, a network reads its own error object (its codes and
what they mean): that part is the network's, in its own module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import requests

from .clock import SYSTEM, Clock
from .errors import AuthError, ChannelError, RateLimited, Rejected, Transient
from .http import describe, never_sent
from .i18n import _
from .redact import Redactor

__all__ = ["NO_REDACTION", "ErrorMapping", "Failure", "by_status", "describe_body", "read_json"]

#: What hides nothing: a mapping called without the account's redactor.
NO_REDACTION = Redactor()


@dataclass(frozen=True)
class Failure:
    """One failed call, as a network's mapping reads it.

    ``response`` is the answer when one arrived (a 2xx included, when it lacked
    ``expected``); ``exc`` what the client library or requests raised, if anything.
    ``write`` says whether the call could have created something on the network; ``hide``
    redacts the account's secrets from any text taken from the answer or the exception.
    """

    response: requests.Response | None
    exc: BaseException | None
    write: bool
    hide: Redactor
    clock: Clock
    expected: str | None = None

    @property
    def status(self) -> int | None:
        """The answer's HTTP status (None: no answer)."""
        return self.response.status_code if self.response is not None else None

    @cached_property
    def body(self) -> Any:
        """The answer's JSON (None: no answer, or not JSON)."""
        return read_json(self.response) if self.response is not None else None

    def unanswered(self, unread: str, *, cause: BaseException | None) -> Transient:
        """The error when no answer can be read: ``cause`` (``exc``, or the requests
        exception a library wrapped) when it is a requests failure, else ``unread`` (the
        network's words for it)."""
        if isinstance(cause, requests.RequestException):
            return Transient(self.hide(describe(cause)), may_have_landed=self.write and not never_sent(cause))
        return Transient(unread, may_have_landed=self.write)

    def shape(self, *, readable: bool = True) -> str:
        """What came back, in a few words: for a 2xx that lacked ``expected``, "JSON without
        it" when its body is ``readable`` JSON; else :func:`describe_body`."""
        assert self.response is not None
        status = self.response.status_code
        if 200 <= status < 300 and self.expected and readable:
            return _("JSON without {expected!r}").format(expected=self.expected)
        return describe_body(self.response)


def by_status(
    status: int,
    message: str,
    *,
    write: bool,
    retry_at: Callable[[], dt.datetime | None],
    auth: Collection[int] = (401, 403),
    code: str | None = None,
) -> ChannelError:
    """The error for an answer read by its HTTP ``status`` alone (the module's table).

    ``retry_at`` is asked only for a 429 (the network's reset header, or its default
    wait); ``auth`` lists the statuses that mean the account must act.
    """
    if 200 <= status < 300 or status >= 500 or status in (408, 425):
        return Transient(message, may_have_landed=write, http_status=status, code=code)
    if status == 429:
        return RateLimited(message, retry_at=retry_at(), http_status=status, code=code)
    if status in auth:
        return AuthError(message, http_status=status, code=code)
    return Rejected(message, http_status=status, code=code)


@dataclass(frozen=True)
class ErrorMapping:
    """A network's mapping of one failed call to the error tree: ``ErrorMapping(network)``
    is called with the arguments every mapping takes, builds the :class:`Failure` and
    returns what ``network(failure)`` (the network's own codes) decided."""

    network: Callable[[Failure], ChannelError]

    def __call__(
        self,
        response: requests.Response | None,
        exc: BaseException | None = None,
        *,
        write: bool,
        redactor: Redactor | None = None,
        clock: Clock = SYSTEM,
        expected: str | None = None,
    ) -> ChannelError:
        """The error for one failed call: ``response`` the answer if one arrived, ``exc``
        what was raised; ``write``: the call could have created something; ``redactor``
        the account's (hides its secrets); ``expected``: what a 2xx answer lacked."""
        return self.network(Failure(response, exc, write=write, hide=redactor or NO_REDACTION, clock=clock,
                                    expected=expected))


def read_json(response: requests.Response) -> Any:
    """The decoded body, or None when it is not JSON (HTML from a proxy, empty, cut off)."""
    try:
        return response.json()
    except (ValueError, requests.RequestException):
        return None


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
        return _("JSON that could not be read") if read_json(response) is None else _("JSON of an unexpected shape")
    kind = content_type or _("untyped")
    return _("a {content_type} body of {size} bytes").format(content_type=kind, size=len(data))
