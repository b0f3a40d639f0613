"""The retry strategy: one table of decisions, tested row by row."""

from __future__ import annotations

import datetime as dt

import pytest

from channels.base import AuthError, ChannelError, Duplicate, RateLimited, Rejected, Transient
from disseminator.retry import DEFAULT_RATE_LIMIT_WAIT, RESET_SLACK, Action, RetryStrategy
from disseminator.store.account_models import HoldKind

NOW = dt.datetime(2026, 11, 29, 1, 0, tzinfo=dt.timezone.utc)
STRATEGY = RetryStrategy(max_attempts=3, base_seconds=60, factor=2, cap_seconds=200)


@pytest.mark.parametrize("failures, seconds", [(0, 60), (1, 60), (2, 120), (3, 200), (10, 200)])
def test_backoff_doubles_up_to_the_cap(failures: int, seconds: int) -> None:
    assert STRATEGY.delay(failures) == dt.timedelta(seconds=seconds)


def test_transient_errors_retry_with_backoff_until_the_budget_is_spent() -> None:
    first = STRATEGY.decide(Transient("503"), failures=1, now=NOW)
    assert (first.action, first.at, first.reconcile, first.hold) == (Action.RETRY, NOW + dt.timedelta(seconds=60), False, None)
    second = STRATEGY.decide(Transient("503"), failures=2, now=NOW)
    assert second.at == NOW + dt.timedelta(seconds=120)
    assert STRATEGY.decide(Transient("503"), failures=3, now=NOW).action is Action.FAIL


def test_a_write_that_may_have_landed_is_never_given_up_without_a_look_up() -> None:
    lost = Transient("read timeout", may_have_landed=True)
    early = STRATEGY.decide(lost, failures=1, now=NOW)
    assert early.action is Action.RETRY and early.reconcile
    spent = STRATEGY.decide(lost, failures=3, now=NOW)
    assert spent.action is Action.RETRY and spent.reconcile and spent.at == NOW + dt.timedelta(seconds=200)
    # A refusal after a write in doubt: still look first.
    doubt = STRATEGY.decide(Rejected("400"), failures=1, now=NOW, in_doubt=True)
    assert doubt.action is Action.RETRY and doubt.reconcile


def test_rate_limits_hold_the_account_until_the_networks_reset() -> None:
    reset = NOW + dt.timedelta(minutes=7)
    d = STRATEGY.decide(RateLimited("429", retry_at=reset), failures=5, now=NOW)
    # The hold carries the wait: lifting it (a passing check) frees the post as well.
    assert (d.action, d.at, d.hold, d.hold_until) == (Action.RETRY, NOW, HoldKind.RATE_LIMIT, reset + RESET_SLACK)
    # A reset already past (clocks differ, resets are rounded): a moment, not the default wait.
    past = STRATEGY.decide(RateLimited("429", retry_at=NOW - dt.timedelta(seconds=1)), failures=0, now=NOW)
    assert past.hold_until == NOW + RESET_SLACK
    # No reset given: the default wait.
    unknown = STRATEGY.decide(RateLimited("429"), failures=0, now=NOW)
    assert unknown.hold_until == NOW + DEFAULT_RATE_LIMIT_WAIT


def test_refused_credentials_hold_the_account_until_someone_looks() -> None:
    d = STRATEGY.decide(AuthError("401"), failures=99, now=NOW)
    assert (d.action, d.at, d.hold, d.hold_until) == (Action.RETRY, NOW, HoldKind.ATTENTION, None)


def test_duplicates_are_reconciled_and_rejections_fail() -> None:
    assert STRATEGY.decide(Duplicate("dup"), failures=1, now=NOW).action is Action.RECONCILE
    assert STRATEGY.decide(Rejected("400"), failures=0, now=NOW).action is Action.FAIL
    assert STRATEGY.decide(ChannelError("odd"), failures=0, now=NOW).action is Action.FAIL


def test_an_interruption_is_looked_up_before_the_next_write() -> None:
    d = STRATEGY.interrupted(failures=2, now=NOW)
    assert d.action is Action.RETRY and d.reconcile and d.at == NOW + dt.timedelta(seconds=120)
    assert STRATEGY.may_write_after_lookup(failures=2) and not STRATEGY.may_write_after_lookup(failures=3)


def test_a_write_in_doubt_is_never_failed_while_the_network_cannot_be_asked() -> None:
    from disseminator.retry import LookupFailed

    asked = LookupFailed("could not check whether it was already published: 503")
    # "failed" would tell an officer the post is not out, and invite a second copy.
    for failures in (1, 8, 50):
        d = STRATEGY.decide(asked, failures=failures, now=NOW, in_doubt=True)
        assert d.action is Action.RETRY and d.reconcile
