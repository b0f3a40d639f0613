"""run_due(): claim each due post, publish it part by part, record every call.

The final status of a claimed post is decided in a ``finally`` block, so an interruption
(a crash, Ctrl-C) cannot leave it claimed without a trace: it goes back to the queue
marked for reconciliation, and the next run asks the network before writing again.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from channels.base import AuthError, Channel, ChannelError, Duplicate, RateLimited, Receipt, Transient
from channels.http import redact

from . import queue
from .config import Settings
from .lease import Heartbeat, LostClaim
from .errors import ConfigError
from .registry import make_channel
from .retry import RetryStrategy
from .store import AttemptRow, PostRow, PostStatus, Store, utcnow

log = logging.getLogger("disseminator.worker")
S = PostStatus
#: How far before a post was queued its remote copy may carry a timestamp (clock skew).
RECONCILE_SKEW = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed post in this run."""

    post_id: int
    account: str
    status: str
    error_kind: str | None = None
    error: str | None = None
    remote_url: str | None = None


@dataclass
class RunReport:
    outcomes: list[Outcome] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)
    #: Due posts held back because their account needs attention: account -> (count, why).
    waiting: dict[str, tuple[int, str]] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """True when a call failed for a reason other than a rate limit, or posts are held."""
        return bool(self.waiting) or any(o.error_kind not in (None, "rate_limited") for o in self.outcomes)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Worker:
    """Publishes due posts for one configuration and database."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        worker_id: str | None = None,
        strategy: RetryStrategy | None = None,
        channel_factory: Callable[..., Channel] = make_channel,
    ) -> None:
        self.settings = settings
        self.store = store
        self.worker_id = worker_id or default_worker_id()
        self.strategy = strategy or RetryStrategy(max_attempts=settings.worker.max_attempts)
        self.lease = dt.timedelta(seconds=settings.worker.lease_seconds)
        self.channel_factory = channel_factory

    def run_due(self, *, now: dt.datetime | None = None, stop: Callable[[], bool] | None = None) -> RunReport:
        """Publish every post due at ``now`` once, then return what happened.

        ``stop`` is asked before each claim; when it answers True the run ends after the
        post in hand (the daemon's graceful shutdown).
        """
        now = now or utcnow()
        # Leases run on the clock, whatever ``now`` says is due.
        report = RunReport(recovered=queue.recover_expired(self.store, now=utcnow()))
        seen: set[int] = set()
        while not (stop and stop()):
            waiting = set(self.store.accounts_needing_attention())
            held = waiting | set(self.store.accounts_resting(utcnow())) | set(self.store.accounts_paused())
            post = queue.claim_next(
                self.store, worker=self.worker_id, now=now, lease=self.lease, skip_ids=seen, skip_accounts=held
            )
            if post is None:
                report.waiting = self._held(waiting, now, exclude=seen)
                return report
            seen.add(post.id)
            try:
                report.outcomes.append(self.publish(post))
            except Exception as exc:  # noqa: BLE001 - one broken post must not stop the run
                # publish() has already put the post back (marked for reconciliation).
                log.exception("post.crashed post=%s account=%s", post.id, post.account)
                row = self.store.post(post.id)
                report.outcomes.append(Outcome(post.id, post.account, row.status, "unknown", redact(f"{type(exc).__name__}: {exc}")))
        return report

    def _held(self, accounts: set[str], now: dt.datetime, *, exclude: set[int]) -> dict[str, tuple[int, str]]:
        reasons = self.store.accounts_needing_attention()
        held: dict[str, tuple[int, str]] = {}
        for post in self.store.posts([S.SCHEDULED.value]):
            if post.account in accounts and post.next_attempt_at <= now and post.id not in exclude:
                count, _ = held.get(post.account, (0, ""))
                held[post.account] = (count + 1, reasons.get(post.account, ""))
        return held

    # ------------------------------------------------------------------ one post

    def publish(self, post: PostRow) -> Outcome:
        """Publish a post this worker has claimed and settle its status.

        A heartbeat keeps the claim's lease alive while this process works on the post,
        so a slow network call is never mistaken for a dead worker.
        """
        settled: Outcome | None = None
        heartbeat = Heartbeat(self.store, post.id, worker=self.worker_id, lease=self.lease)
        heartbeat.start()
        try:
            settled = self._publish(post, heartbeat)
            return settled
        except LostClaim as exc:
            settled = Outcome(post.id, post.account, "lost", "unknown", str(exc))
            return settled
        finally:
            heartbeat.stop()
            if settled is None:
                # Interrupted mid-call: the write may have landed, so ask before retrying.
                # It counts as a failed try, so a crash that repeats ends in "failed".
                tries = self.store.post(post.id).attempts + 1
                queue.transition(
                    self.store,
                    post.id,
                    S.PUBLISHING,
                    owner=self.worker_id,
                    status=S.SCHEDULED,
                    needs_reconcile=True,
                    claimed_by=None,
                    lease_until=None,
                    attempts=tries,
                    next_attempt_at=utcnow() + self.strategy.delay(tries),
                    error_kind="unknown",
                    error_message="interrupted while publishing; the network will be checked before retrying",
                )

    def _publish(self, post: PostRow, heartbeat: Heartbeat) -> Outcome:
        try:
            account = self.settings.account(post.account, resolve=True)
            channel = self.channel_factory(account, context=self.settings.context)
        except ConfigError as exc:
            self.store.set_attention(post.account, exc.message)
            return self._settle(post, "wait_account", kind="config", message=exc.message, at=utcnow(), calls=0)

        draft = self.store.to_draft(post)
        ids: list[str | None] = list(post.remote_ids or [])
        ids += [None] * (len(draft.parts) - len(ids))
        since = post.created_at - RECONCILE_SKEW
        reconcile = bool(post.needs_reconcile)
        exhausted = post.attempts >= self.strategy.max_attempts
        calls = 0
        for index in range(len(draft.parts)):
            if ids[index]:
                continue
            try:
                receipt = None
                if reconcile:
                    receipt = self._reconcile(post, channel, index, since)
                if reconcile and receipt is None and exhausted:
                    # Retries are used up and the last write may have landed: we asked,
                    # it is not there, and we do not write again.
                    return self._settle(post, "fail", kind="transient", calls=calls, message=_part(
                        index, draft, f"{post.error_message or 'gave up'}; retries used up, not found on the network"))
                if receipt is None:
                    heartbeat.check()  # never write for a claim we no longer hold
                    calls += 1
                    receipt = self._write(post, channel, index, ids[index - 1] if index else None)
            except Duplicate as exc:
                receipt = self._reconcile(post, channel, index, since, quiet=True)
                if receipt is None:
                    return self._settle(post, "fail", kind=exc.kind, message=_part(index, draft, exc.message), calls=calls)
            except ChannelError as exc:
                failures = post.attempts + calls
                decision = self.strategy.decide(exc, failures=failures, now=utcnow())
                landed = (isinstance(exc, Transient) and exc.may_have_landed) or (reconcile and receipt is None)
                action, at = decision.action, decision.at
                if action == "fail" and landed:
                    # Never give up on a write that may be out there without asking first.
                    action, at = "retry", utcnow() + self.strategy.delay(failures)
                if action == "wait_account":
                    self.store.set_attention(post.account, exc.message)
                if isinstance(exc, RateLimited) and at is not None:
                    # The limit is the account's, not the post's: its other posts wait
                    # too instead of each spending a call to learn the same thing.
                    self.store.rate_limit(post.account, at)
                message = _part(index, draft, exc.message)
                if action == "fail" and index > 0:
                    message += "; the parts before it are published"
                return self._settle(
                    post,
                    action,
                    kind=exc.kind,
                    message=message,
                    at=at,
                    calls=calls if decision.counts_as_failure else max(calls - 1, 0),
                    reconcile=landed,
                )
            ids[index] = receipt.remote_id
            queue.save_remote_id(
                self.store, post.id, worker=self.worker_id, index=index, remote_id=receipt.remote_id, remote_url=receipt.remote_url
            )
            reconcile = False
        return self._settle(post, "published", calls=calls)

    def _write(self, post: PostRow, channel: Channel, index: int, reply_to: str | None) -> Receipt:
        draft = self.store.to_draft(post)
        attempt = AttemptRow(
            post_id=post.id, part=index, action="publish", worker=self.worker_id, started_at=utcnow(), outcome="unknown",
            sent_text=draft.parts[index],
        )
        try:
            receipt = channel.publish_part(draft, index, reply_to=reply_to)
        except ChannelError as exc:
            self._finish(attempt, exc)
            raise
        except BaseException as exc:
            attempt.error_message = f"interrupted: {type(exc).__name__}"
            self._finish(attempt, None)
            raise
        attempt.outcome, attempt.remote_id = "published", receipt.remote_id
        self._finish(attempt, None)
        return receipt

    def _reconcile(self, post: PostRow, channel: Channel, index: int, since: dt.datetime, *, quiet: bool = False) -> Receipt | None:
        draft = self.store.to_draft(post)
        attempt = AttemptRow(
            post_id=post.id, part=index, action="reconcile", worker=self.worker_id, started_at=utcnow(), outcome="not_found"
        )
        try:
            found = channel.find_published(draft, index, since=since)
        except ChannelError as exc:
            self._finish(attempt, exc)
            if quiet:
                return None
            if isinstance(exc, (RateLimited, AuthError)):
                raise  # wait for the reset / pause the account, as for a write
            raise Transient(f"could not check whether it was already published: {exc.message}") from None
        if found is not None and (owner := self.store.remote_id_owner(post.account, found.remote_id, besides=post.id)):
            # That is another post's copy (same text), not this one's.
            log.warning("reconcile.belongs_to_other post=%s other=%s remote_id=%s", post.id, owner, found.remote_id)
            attempt.error_message = f"found {found.remote_id}, but it is post {owner}'s"
            found = None
        if found is not None:
            attempt.outcome, attempt.remote_id = "found", found.remote_id
            log.info("reconcile.found post=%s part=%s remote_id=%s", post.id, index, found.remote_id)
        self._finish(attempt, None)
        return found

    def _finish(self, attempt: AttemptRow, exc: ChannelError | None) -> None:
        attempt.finished_at = utcnow()
        if exc is not None:
            attempt.outcome = exc.kind
            attempt.http_status = exc.http_status
            attempt.error_code = exc.code
            attempt.error_message = exc.message
        self.store.record_attempt(attempt)

    def _settle(
        self,
        post: PostRow,
        action: str,
        *,
        kind: str | None = None,
        message: str | None = None,
        at: dt.datetime | None = None,
        calls: int = 0,
        reconcile: bool = False,
    ) -> Outcome:
        current = self.store.post(post.id)
        common: dict[str, Any] = dict(claimed_by=None, lease_until=None, attempts=current.attempts + calls)
        values: dict[str, Any]
        if action == "published":
            values = dict(status=S.PUBLISHED, published_at=utcnow(), error_kind=None, error_message=None, needs_reconcile=False)
            self.store.set_attention(post.account, None)
            self.store.clear_rate_limit(post.account)
        elif action in ("retry", "wait_account"):
            values = dict(status=S.SCHEDULED, next_attempt_at=at or utcnow(), error_kind=kind, error_message=message,
                          needs_reconcile=reconcile or bool(current.needs_reconcile))
        else:
            values = dict(status=S.FAILED, error_kind=kind, error_message=message)
        if not queue.transition(self.store, post.id, S.PUBLISHING, owner=self.worker_id, **common, **values):
            raise LostClaim(f"post {post.id} was taken over by another worker; its result is theirs to record")
        final = self.store.post(post.id)
        log.info("post.settled post=%s account=%s status=%s kind=%s", post.id, post.account, final.status, kind)
        return Outcome(post.id, post.account, final.status, kind, message, final.remote_url)


def _part(index: int, draft: object, message: str) -> str:
    parts = getattr(draft, "parts", ())
    return f"part {index + 1} of {len(parts)}: {message}" if len(parts) > 1 else message
