"""The errors a channel raises: every failure a network reports is translated, at one
boundary inside each channel, into this tree (the worker acts on the class, never on a
library's exception)::

    ChannelError                  base; .message is the network's own words
    ├── RateLimited(retry_at)     429 / Graph 4, 17, 32, 613, 80001 / IG 9: try again later
    ├── Transient                 5xx, timeouts, connection errors: back off, reconcile first
    │                             when .may_have_landed (a write whose answer was lost)
    ├── Duplicate                 X 403 duplicate / Graph 506: reconcile; published if found
    ├── AuthError                 X 401 / 453, Graph 190, 10, 200-299: pause the account
    ├── Spent                     X 402 (paid credits used up): hold the account, never fail
    └── Rejected                  X 400, Graph 100, IG 36000-36004, 9004: fail the post

:mod:`channels.base` re-exports them all (``from channels.base import Rejected`` works).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

__all__ = ["AuthError", "ChannelError", "Duplicate", "RateLimited", "Rejected", "Spent", "Transient"]


class ChannelError(Exception):
    """The network refused or failed the request."""

    kind: ClassVar[str] = "error"

    def __init__(
        self,
        message: str | None = None,
        *,
        http_status: int | None = None,
        code: str | None = None,
    ) -> None:
        self.message = message or (self.__doc__ or "").strip()
        self.http_status = http_status
        self.code = code
        super().__init__(self.message)


class RateLimited(ChannelError):
    """The network asked us to slow down."""

    kind = "rate_limited"

    def __init__(
        self,
        message: str | None = None,
        *,
        retry_at: dt.datetime | None = None,
        http_status: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, http_status=http_status, code=code)
        self.retry_at = retry_at


class Transient(ChannelError):
    """A temporary failure (server error, timeout, connection lost)."""

    kind = "transient"

    def __init__(
        self,
        message: str | None = None,
        *,
        may_have_landed: bool = False,
        http_status: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, http_status=http_status, code=code)
        self.may_have_landed = may_have_landed


class Duplicate(ChannelError):
    """The network says this content was already posted."""

    kind = "duplicate"


class AuthError(ChannelError):
    """The account's credentials were refused, expired or lack a permission."""

    kind = "auth"


class Spent(ChannelError):
    """The account's paid credits with the network are used up (X's HTTP 402)."""

    kind = "budget"


class Rejected(ChannelError):
    """The network refused this content; retrying will not help."""

    kind = "rejected"
