"""Posts in doubt on a network that cannot be asked: the worker leaves them ``unknown``,
an officer settles them (``post confirm``).

A write whose answer was lost may have landed.  Where the network can be asked
(:attr:`channels.base.Channel.reconciles`), the worker looks the post up before writing
again.  Where it cannot (Telegram's Bot API reads no channel back) a second write could
post twice, so the worker writes nothing more: the post moves to ``unknown`` (the
lifecycle's ``in_doubt`` edge) with the reason, and waits for an officer who looks at the
network and says what is there::

    post confirm POST --remote-id ID   it is out: the id is recorded, the post published
                                       (a thread's earlier part: the rest is sent)
    post confirm POST --not-sent       it is not out: back to the queue, sent again

Each move is one guarded UPDATE with its event and its entry in the publication record,
under the officer's name.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any

from channels.i18n import _

from .errors import UsageError, UserError
from .run_report import Outcome
from .states import label
from .store.post_models import PostStatus

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from channels.base import Channel

    from .config import Settings
    from .store import PostRow, Store

log = logging.getLogger("disseminator.worker")
#: ``posts.error_kind`` of a post left in doubt.
KIND = "unknown"


def leave_unknown(store: Store, post: PostRow, *, worker: str, kind: str | None, message: str) -> Outcome:
    """Move the claimed ``post`` to ``unknown`` with ``message`` (what happened, caused by
    an error of ``kind``), for an officer to confirm; the outcome carries the reason stored.
    Raises :class:`~disseminator.queue.LostClaim` when ``worker`` no longer holds the claim."""
    from . import queue
    from .queue import LostClaim

    why = _("{error}; this network cannot be asked whether it arrived: check the channel, then "
            "'disseminator post confirm {id} --remote-id ID' or '--not-sent'").format(error=message, id=post.id)
    moved = queue.transition(store, post.id, "in_doubt", worker=worker, reason=kind or KIND, needs_reconcile=True,
                             error_kind=KIND, error_message=why)
    if not moved:
        raise LostClaim(_("post {id}: the claim was lost before its result was recorded").format(id=post.id))
    log.info("post.settled post=%s account=%s status=unknown kind=%s", post.id, post.account, kind)
    return Outcome(post.id, post.account, PostStatus.UNKNOWN, kind or KIND, why, post.remote_url)


def confirm(settings: Settings, store: Store, post_id: int, *, remote_id: str | None, not_sent: bool,
            who: str) -> dict[str, Any]:
    """Settle the ``unknown`` post ``post_id`` as an officer saw it on the network: out
    with ``remote_id`` (published), or ``not_sent`` (scheduled to go at the next run).
    Returns the post's view.  Raises :class:`UsageError` unless exactly one of the two is
    given, :class:`UserError` when the post is not ``unknown`` or ``remote_id`` is another
    post's."""
    from . import queue
    from .views import post_view

    if (remote_id is None) == (not not_sent):
        raise UsageError(_("say what is on the network: --remote-id ID (it is there) or --not-sent (it is not)"))
    row = store.post(post_id)
    if row.status != KIND:
        raise UserError(_("post {id} is {status}, not unknown: nothing to confirm").format(
            id=post_id, status=label(row.status)))
    now = store.clock.now()
    if not_sent:
        moved = queue.transition(store, post_id, "confirm_not_sent", worker=who, actor=who,
                                 reason=_("not on the network, said {who}").format(who=who),
                                 needs_reconcile=False, next_attempt_at=now, error_kind=None, error_message=None)
    else:
        assert remote_id is not None
        moved = _confirm_out(settings, store, row, remote_id.strip(), who=who)
    if not moved:  # another officer settled it meanwhile
        raise UserError(_("post {id} was settled by someone else meanwhile; see 'disseminator post show {id}'").format(
            id=post_id))
    return post_view(store.post(post_id), settings.tz, calls=store.publish_calls([post_id]).get(post_id, 0))


def _confirm_out(settings: Settings, store: Store, row: PostRow, given: str, *, who: str) -> bool:
    from sqlalchemy import update

    from . import queue, recurrence
    from .store import PartRow, PartState

    if not given:
        raise UsageError(_("--remote-id is empty: give the post's id on the network"))
    from channels.base import ChannelError

    try:
        receipt = _channel(settings, store, row).confirmed(given)
    except ChannelError as exc:
        raise UsageError(_("--remote-id {given!r}: {error}").format(given=given, error=exc.message)) from None
    parts = store.parts(row.id)
    pending = [p for p in parts if not p.remote_id]
    if not pending:  # (no move leaves a post unknown with every part out; said, not assumed)
        raise UserError(_("post {id} has every part recorded already").format(id=row.id))
    part = pending[0]
    if owner := store.remote_id_owner(row.account, receipt.remote_id, besides=row.id):
        raise UserError(_("{remote_id} is already post {other}'s on {account}: check the id").format(
            remote_id=receipt.remote_id, other=owner, account=row.account))
    now = store.clock.now()
    last = part.index == len(parts) - 1
    follow = recurrence.next_of(row, now=store.clock.now, zone_for=settings.zone_for) if last else None

    def mark(s: Session) -> None:
        s.execute(update(PartRow).where(PartRow.post_id == row.id, PartRow.index == part.index)
                  .values(remote_id=receipt.remote_id, state=PartState.PUBLISHED.value, published_at=now))
        if follow is not None:
            follow(s)

    url: dict[str, Any] = {"remote_url": receipt.remote_url} if part.index == 0 and receipt.remote_url else {}
    reason = _("seen on the network as {remote_id}, said {who}").format(remote_id=receipt.remote_id, who=who)
    if last:
        return queue.transition(store, row.id, "confirm", worker=who, actor=who, reason=reason, also=mark,
                                published_at=now, needs_reconcile=False, error_kind=None, error_message=None, **url)
    return queue.transition(store, row.id, "confirm_part", worker=who, actor=who, reason=reason, also=mark,
                            next_attempt_at=now, needs_reconcile=False, error_kind=None, error_message=None, **url)


def _channel(settings: Settings, store: Store, row: PostRow) -> Channel:
    """The post's account's channel (which knows how its network names a post)."""
    from .registry import make_channel

    account = settings.account(row.account, resolve=False)
    return make_channel(account, context=dataclasses.replace(settings.context, clock=store.clock))
