"""Withdrawing published posts (``unpublish``): each part is deleted on its network, the
last part first, and the post becomes ``withdrawn`` once none is left there.

Where the network cannot delete (Instagram's API has no such call) the officer is told in
one line and the post stays published.  Each delete is one call on the post's record
(an ``attempts`` row, action ``unpublish``) and a part deleted is marked so at once, in
the same transaction: a thread whose delete stops half-way stays published, its parts
saying which are gone, and running ``unpublish`` again finishes it.  A delete is safe to
repeat: a network that says the post does not exist (X's 404, Graph's 100/33) counts as
deleted, so a delete whose answer was lost is settled by asking again.

The move to ``withdrawn`` is the lifecycle's ``withdraw`` edge, guarded in its UPDATE by
``all_deleted``; its event keeps the officer's reason and who asked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from channels.i18n import _, ngettext

from .errors import UsageError, UserError
from .post_changes import Changed
from .states import label

if TYPE_CHECKING:
    from channels.base import Channel, ChannelError

    from .config import Settings
    from .store import PartRow, PostRow, Store

#: The ``attempts.action`` of a delete (never counted as a try to publish).
ACTION = "unpublish"
#: ``posts.error_kind`` of a withdrawn post; its ``error_message`` is the officer's reason.
WITHDRAWN = "withdrawn"


def unpublish(settings: Settings, store: Store, post_ids: Sequence[int], *, reason: str, who: str) -> Changed:
    """Delete each post in ``post_ids`` from its network and mark it withdrawn.

    What could be done is done, post by post; each post left as it was is one line of
    ``refused`` (exit 1): not published, an unknown id, a network that cannot or will not
    delete.  A post already withdrawn is a warning, not a failure.  Raises
    :class:`UsageError` when ``reason`` is empty.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise UsageError(_("--reason is empty: say why the posts are withdrawn (it is kept on their record)"))
    result = Changed()
    channels: dict[str, Channel] = {}
    for pid in dict.fromkeys(post_ids):  # once each, in the order given
        try:
            row = store.post(pid)
            if row.status == "withdrawn":
                result.warnings.append(_("post {id} ({account}) is already withdrawn; nothing to do").format(
                    id=pid, account=row.account))
                continue
            _check_published(row)
            channel = channels.get(row.account) or channels.setdefault(row.account, _channel(settings, store, row))
            result.rows.append(_withdraw(settings, store, row, channel, reason=reason, who=who))
        except UserError as exc:
            result.refused.append(exc.message)
    return result


def _check_published(row: PostRow) -> None:
    """Raise :class:`UserError` with what to do instead unless ``row`` is published."""
    status, pid, out = row.status, row.id, sum(1 for r in row.remote_ids if r)
    if status == "published":
        return
    if status == "publishing":
        raise UserError(_("post {id} is being published right now: wait until it is published, then "
                          "unpublish it").format(id=pid))
    if status == "scheduled" and out:
        raise UserError(_("post {id} is still being published (part of it is out): let the worker finish it, "
                          "then unpublish it").format(id=pid))
    if status == "scheduled":
        raise UserError(_("post {id} is scheduled, not published: nothing is on the network; "
                          "'disseminator cancel {id}' withdraws it").format(id=pid))
    if status == "missed":
        raise UserError(_("post {id} is missed, not published: nothing is on the network; "
                          "'disseminator cancel {id}' drops it").format(id=pid))
    if status == "failed" and out:
        raise UserError(ngettext(
            "post {id} failed with {n} part on the network; only a published post can be unpublished: "
            "delete that part on the network itself",
            "post {id} failed with {n} parts on the network; only a published post can be unpublished: "
            "delete those parts on the network itself", out).format(id=pid, n=out))
    raise UserError(_("post {id} is {status}; only a published post can be unpublished").format(
        id=pid, status=label(status)))


def _channel(settings: Settings, store: Store, row: PostRow) -> Channel:
    """The post's account's channel; :class:`UserError` when the account is no longer
    configured, or its network cannot delete posts."""
    from .registry import make_channel

    try:
        account = settings.account(row.account, resolve=True)
    except UserError as exc:
        raise UserError(_("post {id}: {error}; it stays published").format(id=row.id, error=exc.message)) from None
    channel = make_channel(account, context=dataclasses.replace(settings.context, clock=store.clock))
    if not channel.can_unpublish:
        raise UserError(_("post {id} ({account}): {why}; it stays published here").format(
            id=row.id, account=row.account, why=_(channel.cannot_unpublish).format(network=channel.name)))
    return channel


def _withdraw(settings: Settings, store: Store, row: PostRow, channel: Channel, *, reason: str,
              who: str) -> dict[str, Any]:
    """Delete ``row``'s parts still on the network, last first, then move it to withdrawn.
    Raises :class:`UserError` when a delete fails (the parts deleted before stay so)."""
    from channels.base import ChannelError

    from . import queue
    from .views import post_view

    parts = store.parts(row.id)
    out = [p for p in parts if p.state == "published" and p.remote_id]
    for part in reversed(out):
        started = store.clock.now()
        try:
            gone_before = not channel.unpublish_part(str(part.remote_id))
        except ChannelError as exc:
            _record(store, row, part, who=who, started=started, outcome=exc.kind, error=exc)
            raise UserError(_failed(row, part, exc, deleted=sum(p.state == "deleted" for p in store.parts(row.id)),
                                    total=len(parts))) from None
        _record(store, row, part, who=who, started=started, outcome="gone" if gone_before else "deleted")
    remote_ids = [p.remote_id for p in parts if p.remote_id]
    moved = queue.transition(store, row.id, "withdraw", worker=who, reason=reason,
                             detail={"by": who, "reason": reason, "remote_ids": remote_ids},
                             error_kind=WITHDRAWN, error_message=reason)
    now = store.post(row.id)
    if not moved and now.status != "withdrawn":  # a part marked published again meanwhile: say so, never hide it
        raise UserError(_("post {id} ({account}): a part is still on the network; run unpublish again").format(
            id=row.id, account=row.account))
    view = post_view(now, settings.tz, calls=store.publish_calls([row.id]).get(row.id, 0))
    view["deleted_parts"] = len(out)
    return view


def _record(store: Store, row: PostRow, part: PartRow, *, who: str, started: dt.datetime, outcome: str,
            error: ChannelError | None = None) -> None:
    """One delete on the post's record; a part gone from the network is marked deleted in
    the same transaction, and written to the publication record there."""
    from sqlalchemy import update

    from .store import AttemptRow, PartRow as Part, PartState
    from .store import record as chain

    finished = store.clock.now()
    attempt = AttemptRow(post_id=row.id, part=part.index, action=ACTION, worker=who, started_at=started,
                         finished_at=finished, outcome=outcome, remote_id=part.remote_id,
                         http_status=error.http_status if error else None, error_code=error.code if error else None,
                         error_message=error.message if error else None)
    with store.session() as s:
        s.add(attempt)
        if error is None:
            marked = s.execute(update(Part).where(Part.post_id == row.id, Part.index == part.index,
                                                  Part.state == PartState.PUBLISHED.value)
                               .values(state=PartState.DELETED.value))
            if marked.rowcount == 1:  # type: ignore[attr-defined]  # (a CursorResult) once, whoever marked it
                chain.note(s, event="part_deleted", at=finished, post_id=row.id, account=row.account,
                           actor_name=who, detail={"part": part.index + 1, "remote_id": part.remote_id,
                                                   "answer": outcome})


def _failed(row: PostRow, part: PartRow, exc: ChannelError, *, deleted: int, total: int) -> str:
    """The one line for a delete that failed: what the network said, what stays, what next."""
    from channels.base import RateLimited, Transient

    if total > 1:
        where = _("post {id} ({account}), part {part} of {total}").format(
            id=row.id, account=row.account, part=part.index + 1, total=total)
        stays = ngettext("it stays published with {n} part deleted", "it stays published with {n} parts deleted",
                         deleted).format(n=deleted)
    else:
        where = _("post {id} ({account})").format(id=row.id, account=row.account)
        stays = _("it stays published")
    if isinstance(exc, (Transient, RateLimited)):
        return _("{where}: the delete did not go through ({error}); {stays}: run unpublish again later").format(
            where=where, error=exc.message, stays=stays)
    return _("{where}: the network refused the delete ({error}); {stays}").format(
        where=where, error=exc.message, stays=stays)
