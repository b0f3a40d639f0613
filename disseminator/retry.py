"""Retry policy as data: the strategy decides whether and when, the worker obeys.

A failed call is retried after ``base * factor ** (attempts - 1)`` seconds, capped at
``cap``, until ``max_attempts`` calls have failed; rate limits wait until the network's
reset time and are not counted as failures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from channels.base import AuthError, ChannelError, Duplicate, RateLimited, Rejected, Transient


@dataclass(frozen=True)
class RetryDecision:
    """What to do with a post after a failed call."""

    #: "retry" (back to scheduled at ``at``), "wait_account" (scheduled, the account is
    #: flagged), "reconcile" (ask the network), or "fail".
    action: str
    at: dt.datetime | None = None
    counts_as_failure: bool = True


@dataclass(frozen=True)
class RetryStrategy:
    max_attempts: int = 8
    base_seconds: float = 60.0
    factor: float = 2.0
    cap_seconds: float = 3600.0
    #: How long an account with refused credentials waits before its posts are tried again.
    auth_wait_seconds: float = 900.0

    def delay(self, failures: int) -> dt.timedelta:
        seconds = self.base_seconds * self.factor ** max(failures - 1, 0)
        return dt.timedelta(seconds=min(seconds, self.cap_seconds))

    def decide(self, error: ChannelError, *, failures: int, now: dt.datetime) -> RetryDecision:
        """The next step after ``error``, given ``failures`` failed calls so far (this one included)."""
        if isinstance(error, RateLimited):
            at = error.retry_at if error.retry_at and error.retry_at > now else now + dt.timedelta(minutes=15)
            return RetryDecision("retry", at, counts_as_failure=False)
        if isinstance(error, Duplicate):
            return RetryDecision("reconcile")
        if isinstance(error, AuthError):
            return RetryDecision("wait_account", now + dt.timedelta(seconds=self.auth_wait_seconds), counts_as_failure=False)
        if isinstance(error, Rejected):
            return RetryDecision("fail")
        if isinstance(error, Transient) and failures < self.max_attempts:
            return RetryDecision("retry", now + self.delay(failures))
        return RetryDecision("fail")
