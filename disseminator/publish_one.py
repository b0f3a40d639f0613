"""Publishing one claimed post, part by part, recording every call.

Publishing one post is one short sequence (:meth:`PostPublisher.publish`)::

    claim -> for each part not yet out: [look it up if in doubt] -> fence -> write
          -> settle (published | the retry strategy's decision)

The retry strategy alone decides what follows an error (:mod:`disseminator.retry`); the
publisher obeys it.  Calls are counted in one place (:meth:`Store.record_attempt`).  The
final status of a claimed post is decided in a ``finally`` block, so an interruption (a
crash, Ctrl-C) cannot leave it claimed without a trace: it goes back to the queue marked
for reconciliation, and the next run asks the network before writing again.

Mixed into :class:`disseminator.worker.Worker`, which claims the posts and runs the loop.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import ExitStack
from typing import Any, assert_never

from channels.base import AuthError, Channel, ChannelError, Draft, RateLimited, Receipt
from channels.clock import Clock
from channels.i18n import _

from . import holds, pacing, queue, recurrence
from .clients import Clients
from .config import Settings
from .errors import ConfigError
from .in_doubt import leave_unknown
from .ingest import golive
from .landing import LIFTED_BY_PUBLISHING, land
from .lease import Heartbeat, LostClaim
from .queue.fenced import save_part
from .retry import Action, LookupFailed, RetryDecision, RetryStrategy
from .run_report import Outcome
from .store import AttemptRow, HoldKind, PostRow, PostStatus, Store

log = logging.getLogger("disseminator.worker")  # the worker's log: one name for operators' filters
#: How far before a post was queued its remote copy may carry a timestamp (clock skew).
RECONCILE_SKEW = dt.timedelta(minutes=5)


class PostPublisher:
    """Publishes one post this worker has claimed and settles its status (a mixin of
    :class:`disseminator.worker.Worker`, which sets the attributes below)."""

    settings: Settings
    store: Store
    clock: Clock
    worker_id: str
    strategy: RetryStrategy
    lease: dt.timedelta
    clients: Clients
    #: The publishing call under way (a worker publishes one post at a time).
    _in_flight: AttemptRow | None

    def publish(self, post: PostRow, *, confirmed: float | None = None) -> Outcome:
        """Publish a post this worker has claimed and settle its status.

        A heartbeat keeps the claim's lease alive while this process works on the post,
        so a slow network call is never mistaken for a dead worker.  ``confirmed`` is when
        (the clock's ``monotonic``) the claim was asked for, if this process just made it.
        """
        fence = Heartbeat(self.store, post.id, worker=self.worker_id, lease=self.lease, confirmed=confirmed)
        fence.start()
        self._in_flight = None
        try:
            return self._publish(post, fence)
        except LostClaim as exc:
            return Outcome(post.id, post.account, "lost", "unknown", str(exc))
        except BaseException as exc:
            # Interrupted (a crash, Ctrl-C): a write may have landed, so the next try asks
            # first.  The interruption counts as a try, so one that repeats ends the post.
            self.clients.forget(post.account)  # and its client, whatever state it is in, is not reused
            self._interrupted(post, exc)
            raise
        finally:
            fence.stop()

    def _interrupted(self, post: PostRow, exc: BaseException) -> None:
        attempt = self._in_flight or self._attempt(post, 0, "crash", outcome="unknown")
        attempt.error_message = _("interrupted: {error}").format(error=type(exc).__name__)
        try:
            self._finish(attempt, None)
        except Exception:  # noqa: BLE001 - see below
            log.warning("post.interrupted_unrecorded post=%s", post.id, exc_info=True)
        try:
            decision = self.strategy.interrupted(failures=self._failures(post), now=self.clock.now())
            self._settle(post, decision, kind="unknown",
                         message=_("interrupted while publishing; the network will be checked before retrying"))
        except Exception:  # noqa: BLE001 - the interruption (Ctrl-C, a crash) must reach the caller, not this
            # The claim is gone or the database is: the lease runs out and the post is
            # recovered and looked up on the network, as for a worker that died.
            log.warning("post.interrupted_unsettled post=%s", post.id, exc_info=True)

    def _publish(self, post: PostRow, fence: Heartbeat) -> Outcome:
        with ExitStack() as lent:
            try:  # the account's channel, fenced by this post's claim until it is settled
                channel = lent.enter_context(self.clients.use(post.account, fence.check))
            except ConfigError as exc:
                # Our configuration, not the account (an account no longer configured, say): the
                # post goes back as it was, and no hold is stored that would outlive the fix.
                return self._settle(post, RetryDecision(Action.RETRY, post.next_attempt_at), kind="config",
                                    message=exc.message)
            outcome = self._publish_parts(post, fence, channel)
            if outcome.status == PostStatus.PUBLISHED:  # a limit now used up holds the account at once
                pacing.after_publish(self.store, channel, account=post.account, now=self.clock.now(), tz=self.settings.tz)
            return outcome
        raise AssertionError("unreachable")  # mypy: ExitStack may swallow exceptions

    def _publish_parts(self, post: PostRow, fence: Heartbeat, channel: Channel) -> Outcome:
        in_doubt = bool(post.needs_reconcile)
        if not in_doubt and not any(p.remote_id for p in post.part_rows):
            waits = golive.gate(self.settings, self.store, post)
            if waits is not None:  # its article page is not public yet: nothing is written, it waits
                return self._settle(post, RetryDecision(Action.RETRY, waits[0]), kind=golive.KIND, message=waits[1])
        draft = self.store.to_draft(post)
        since = post.created_at - RECONCILE_SKEW
        previous: str | None = None
        url = post.remote_url
        last = len(post.part_rows) - 1
        for part in post.part_rows:
            if part.remote_id:
                previous = part.remote_id
                continue
            index = part.index
            try:
                if in_doubt and not channel.reconciles:  # cannot be asked: an officer decides, never a blind write
                    earlier = _("an earlier try may have reached the network ({error})").format(
                        error=post.error_message or post.error_kind)
                    return self._unknown(post, post.error_kind, _part(index, draft, earlier))
                receipt = self._lookup(post, channel, draft, index, since) if in_doubt else None
                if receipt is None:
                    if in_doubt and not self.strategy.may_write_after_lookup(failures=self._failures(post)):
                        # Retries are used up and the last write may have landed: we asked,
                        # it is not there, and we do not write again.
                        why = _("{error}; retries used up, not found on the network").format(
                            error=post.error_message or _("gave up"))
                        return self._settle(post, RetryDecision(Action.FAIL), kind="transient", message=_part(index, draft, why),
                                            remote_url=url)
                    wait = pacing.before_write(self.store, channel, draft, account=post.account, first=previous is None,
                                               now=self.clock.now(), tz=self.settings.tz)
                    if wait is not None:  # past a limit or budget: its account holds; the post waits, uncounted
                        return self._settle(post, RetryDecision(Action.RETRY, post.next_attempt_at), kind=wait.error_kind,
                                            message=wait.reason)
                    fence.check()  # never write for a claim we cannot prove we still hold
                    receipt = self._write(post, channel, draft, index, reply_to=previous, last=index == last)
                    url = receipt.remote_url if index == 0 else url
                    if index == last:  # the call, the part and the post published: one transaction
                        log.info("post.settled post=%s account=%s status=published kind=None", post.id, post.account)
                        return Outcome(post.id, post.account, PostStatus.PUBLISHED, None, None, url)
                    previous, in_doubt = receipt.remote_id, False
                    continue
            except ChannelError as exc:
                decision = self.strategy.decide(exc, failures=self._failures(post), now=self.clock.now(),
                                                in_doubt=in_doubt)
                if not channel.reconciles and (decision.reconcile or decision.action is Action.RECONCILE):
                    return self._unknown(post, exc.kind, _part(index, draft, exc.message))
                if decision.action is Action.RECONCILE:
                    receipt = self._lookup(post, channel, draft, index, since, quiet=True)
                    if receipt is None:
                        return self._settle(post, RetryDecision(Action.FAIL), kind=exc.kind,
                                            message=_part(index, draft, exc.message), remote_url=url)
                else:
                    message = _part(index, draft, exc.message)
                    if decision.action is Action.FAIL and index > 0:
                        message = _("{error}; the parts before it are published").format(error=message)
                    return self._settle(post, decision, kind=exc.kind, message=message, remote_url=url)
            save_part(self.store, post.id, worker=self.worker_id, index=index,
                            remote_id=receipt.remote_id, remote_url=receipt.remote_url)
            url = receipt.remote_url if index == 0 and receipt.remote_url else url
            previous, in_doubt = receipt.remote_id, False
        return self._settle(post, None, remote_url=url)

    def _unknown(self, post: PostRow, kind: str | None, message: str) -> Outcome:
        """Leave ``post`` in doubt for an officer (:mod:`disseminator.in_doubt`)."""
        return leave_unknown(self.store, post, worker=self.worker_id, kind=kind, message=message)

    def _failures(self, post: PostRow) -> int:
        """Counted calls so far (the store counts them as they are recorded)."""
        return self.store.attempts_of(post.id)

    def _write(self, post: PostRow, channel: Channel, draft: Draft, index: int, *, reply_to: str | None,
               last: bool) -> Receipt:
        """Send part ``index``; once it landed, record the call with the part (and with
        ``last``, the post published) in one transaction (:func:`disseminator.landing.land`)."""
        attempt = self._attempt(post, index, "publish", outcome="unknown", sent_text=draft.parts[index])
        self._in_flight = attempt  # recorded by _interrupted if the call never returns
        try:
            receipt = channel.publish_part(draft, index, reply_to=reply_to)
            pacing.wrote(self.store, channel, draft, index, account=post.account, now=self.clock.now(), tz=self.settings.tz)
        except ChannelError as exc:
            self._finish(attempt, exc)
            raise
        except LostClaim:
            # The channel confirmed the claim between two calls and it was gone: the
            # post's write was not sent (the next owner looks it up first anyway).
            attempt.outcome, attempt.error_message = "lost_claim", _("claim lost mid-publish; the post was not written")
            self._finish(attempt, None)
            raise
        attempt.outcome, attempt.remote_id = "published", receipt.remote_id
        self._in_flight, attempt.finished_at = None, self.clock.now()
        # The call, the part's remote id and (last part) the post published: one transaction.
        land(self.store, post.id, post.account, worker=self.worker_id, attempt=attempt, remote_url=receipt.remote_url,
             last=last, then=recurrence.next_of(post, now=self.clock.now, zone_for=self.settings.zone_for) if last else None)
        return receipt

    def _lookup(self, post: PostRow, channel: Channel, draft: Draft, index: int, since: dt.datetime, *, quiet: bool = False) -> Receipt | None:
        """Ask the network whether part ``index`` is already there (reconciliation)."""
        attempt = self._attempt(post, index, "reconcile", outcome="not_found")
        try:
            found = channel.find_published(draft, index, since=since)
        except ChannelError as exc:
            self._finish(attempt, exc)
            if quiet:
                return None
            if isinstance(exc, (RateLimited, AuthError)):
                raise  # wait for the reset / hold the account, as for a write
            raise LookupFailed(_("could not check whether it was already published: {error}").format(
                error=exc.message)) from None
        if found is not None and (owner := self.store.remote_id_owner(post.account, found.remote_id, besides=post.id)):
            # That is another post's copy (same text), not this one's.
            log.warning("reconcile.belongs_to_other post=%s other=%s remote_id=%s", post.id, owner, found.remote_id)
            attempt.error_message = _("found {remote_id}, but it is post {post}'s").format(
                remote_id=found.remote_id, post=owner)
            found = None
        if found is not None:
            attempt.outcome, attempt.remote_id = "found", found.remote_id
            log.info("reconcile.found post=%s part=%s remote_id=%s", post.id, index, found.remote_id)
        self._finish(attempt, None)
        return found

    def _attempt(self, post: PostRow, index: int, action: str, *, outcome: str, sent_text: str | None = None) -> AttemptRow:
        return AttemptRow(post_id=post.id, part=index, action=action, worker=self.worker_id,
                          started_at=self.clock.now(), outcome=outcome, sent_text=sent_text)

    def _finish(self, attempt: AttemptRow, exc: ChannelError | None) -> None:
        if attempt is self._in_flight:
            self._in_flight = None
        attempt.finished_at = self.clock.now()
        if exc is not None:
            attempt.outcome = exc.kind
            attempt.http_status = exc.http_status
            attempt.error_code = exc.code
            attempt.error_message = exc.message
        self.store.record_attempt(attempt)

    def _settle(self, post: PostRow, decision: RetryDecision | None, *, kind: str | None = None,
                message: str | None = None, remote_url: str | None = None) -> Outcome:
        """Move the claimed post to where ``decision`` says (None: published); raises
        :class:`LostClaim` when the claim is no longer this worker's.  ``remote_url``: the
        first part's, when it landed in this run."""
        now = self.clock.now()
        status = PostStatus.PUBLISHED
        if decision is None:
            moved = queue.transition(self.store, post.id, "published", worker=self.worker_id, published_at=now,
                                     error_kind=None, error_message=None, needs_reconcile=False,
                                     also=recurrence.next_of(post, now=self.clock.now, zone_for=self.settings.zone_for))
            if moved:
                holds.lift(self.store, post.account, *LIFTED_BY_PUBLISHING)
        else:
            if decision.hold is not None:
                # The limit or the refusal is the account's, not the post's: its other
                # posts wait too instead of each spending a call to learn the same thing.
                holds.place(self.store, post.account, decision.hold, reason=message if decision.hold in (HoldKind.ATTENTION, HoldKind.BUDGET) else None,
                            until=decision.hold_until)
            if decision.action is Action.RETRY:
                extra: dict[str, Any] = {"needs_reconcile": True} if decision.reconcile else {}
                moved = queue.transition(self.store, post.id, "retry", worker=self.worker_id, reason=kind,
                                         next_attempt_at=decision.at or now, error_kind=kind, error_message=message, **extra)
                status = PostStatus.SCHEDULED
            elif decision.action is Action.FAIL:
                moved = queue.transition(self.store, post.id, "fail", worker=self.worker_id, reason=kind,
                                         error_kind=kind, error_message=message,
                                         also=recurrence.next_of(post, now=self.clock.now, zone_for=self.settings.zone_for))
                status = PostStatus.FAILED
            elif decision.action is Action.RECONCILE:
                raise AssertionError("a reconcile decision is carried out before settling")
            else:
                assert_never(decision.action)
        if not moved:
            raise LostClaim(_("post {id}: the claim was lost before its result was recorded; "
                              "it will be checked on the network").format(id=post.id))
        log.info("post.settled post=%s account=%s status=%s kind=%s", post.id, post.account, status.value, kind)
        return Outcome(post.id, post.account, status, kind, message, remote_url or post.remote_url)


def _part(index: int, draft: Draft, message: str) -> str:
    if len(draft.parts) > 1:
        return _("part {part} of {total}: {error}").format(part=index + 1, total=len(draft.parts), error=message)
    return message
