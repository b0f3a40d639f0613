"""Retry policy as data: the strategy decides whether and when, the worker obeys.

A failed call is retried after ``base * factor ** (failures - 1)`` seconds, capped at
``cap``, until ``max_attempts`` counted calls have been made (rate limits and refused
credentials are not counted: they hold the account instead, see
:data:`disseminator.store.attempts.NOT_COUNTED`).  A write that may have landed is never
given up on without asking the network first: the decision is then to retry with a look-up.

=====================  ==========================================================
error                  decision
=====================  ==========================================================
RateLimited            hold the account until the network's reset (the post waits
                       with it, and goes as soon as the hold ends or is lifted)
Duplicate              reconcile now: published if found, failed if not
AuthError / config     retry once the account's ``attention`` hold is lifted
Spent (X's 402)        hold the account (``budget``) until lifted (``accounts
                       resume``, once credits are bought); nothing was written
Rejected               fail (retry with a look-up if a write was in doubt)
Transient              retry with backoff while under ``max_attempts``, else fail
                       (retry with a look-up if the write may have landed)
interrupted            retry with backoff, with a look-up first
LookupFailed           (a look-up before a write in doubt) retry the look-up with
                       backoff, never fail: "failed" would tell an officer it is not out
=====================  ==========================================================
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from channels.base import AuthError, ChannelError, Duplicate, RateLimited, Rejected, Spent, Transient

from .store.account_models import HoldKind

#: How long a rate limit holds when the network gave no reset time.
DEFAULT_RATE_LIMIT_WAIT = dt.timedelta(minutes=15)
#: Past the network's reset time before trying again: its clock and ours differ a little,
#: and a reset given in whole seconds is rounded down.  A reset already past is not a
#: reason to wait the default 15 minutes.
RESET_SLACK = dt.timedelta(seconds=2)


class LookupFailed(Transient):
    """The network could not be asked whether a post is already there."""

    kind = "lookup_failed"


class Action(enum.StrEnum):
    #: Back to the queue at :attr:`RetryDecision.at`.
    RETRY = "retry"
    #: Ask the network now: published if the post is there, failed if not.
    RECONCILE = "reconcile"
    #: Failed for good.
    FAIL = "fail"


@dataclass(frozen=True)
class RetryDecision:
    """What to do with a post after a failed call."""

    action: Action
    at: dt.datetime | None = None
    #: A hold to place on the post's account (and until when; None: until lifted).
    hold: HoldKind | None = None
    hold_until: dt.datetime | None = None
    #: Look the post up on the network before the next write (the last may have landed).
    reconcile: bool = False


@dataclass(frozen=True)
class RetryStrategy:
    max_attempts: int = 8
    base_seconds: float = 60.0
    factor: float = 2.0
    cap_seconds: float = 3600.0

    def delay(self, failures: int) -> dt.timedelta:
        """``base * factor ** (failures - 1)`` seconds, at most ``cap``."""
        seconds = self.base_seconds * self.factor ** max(failures - 1, 0)
        return dt.timedelta(seconds=min(seconds, self.cap_seconds))

    def decide(self, error: ChannelError, *, failures: int, now: dt.datetime, in_doubt: bool = False) -> RetryDecision:
        """The next step after ``error``, given ``failures`` counted calls so far.

        ``in_doubt``: an earlier write of this part may have landed and a look-up has not
        settled it (the error may come from the look-up itself).
        """
        landed = in_doubt or (isinstance(error, Transient) and error.may_have_landed)
        if isinstance(error, RateLimited):
            # The hold carries the wait, so lifting it (a passing check) frees the post too.
            until = max(error.retry_at, now) + RESET_SLACK if error.retry_at else now + DEFAULT_RATE_LIMIT_WAIT
            return RetryDecision(Action.RETRY, now, hold=HoldKind.RATE_LIMIT, hold_until=until, reconcile=landed)
        if isinstance(error, Duplicate):
            return RetryDecision(Action.RECONCILE)
        if isinstance(error, AuthError):
            return self.hold_account(now, reconcile=landed)
        if isinstance(error, Spent):
            return RetryDecision(Action.RETRY, now, hold=HoldKind.BUDGET, reconcile=landed)
        if isinstance(error, Transient) and failures < self.max_attempts:
            return RetryDecision(Action.RETRY, now + self.delay(failures), reconcile=landed)
        if isinstance(error, (Rejected, Transient)) and not landed:
            return RetryDecision(Action.FAIL)
        if landed:
            # Never give up on a write that may be out there without asking first.
            return RetryDecision(Action.RETRY, now + self.delay(failures), reconcile=True)
        return RetryDecision(Action.FAIL)

    def hold_account(self, now: dt.datetime, *, reconcile: bool = False) -> RetryDecision:
        """The account cannot post (credentials, configuration) until an operator looks."""
        return RetryDecision(Action.RETRY, now, hold=HoldKind.ATTENTION, reconcile=reconcile)

    def interrupted(self, *, failures: int, now: dt.datetime) -> RetryDecision:
        """The worker was interrupted mid-publish: a write may have landed."""
        return RetryDecision(Action.RETRY, now + self.delay(failures), reconcile=True)

    def may_write_after_lookup(self, *, failures: int) -> bool:
        """A look-up found nothing: may we write again?  Not once retries are used up."""
        return failures < self.max_attempts
