"""An officer's moves: cancel, reschedule, let ahead, send again, edit.

Each is a :func:`disseminator.queue.transition` along its edge; when the move is
refused, the officer is told why (being published, not scheduled, part of it out).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from channels.base import Draft
from channels.i18n import N_, _, ngettext

from ..errors import UserError
from ..states import label
from ..store import PartRow, PartState, PostRow, PostStatus, Store
from ..store.posts import text_hash
from . import transition

S = PostStatus


def cancel(store: Store, post_id: int, *, force: bool = False) -> PostRow:
    """Withdraw a scheduled post.  Raises :class:`UserError` if it is past that point,
    or if part of it may already be on the network (cancelling would hide that) unless
    ``force``: the officer has checked the network and wants the rest withdrawn.

    The guard is part of the UPDATE (``nothing_out``), so a part landing between a look
    and the cancel cannot slip through.
    """
    if (transition(store, post_id, "force_cancel" if force else "cancel", reason=_("cancelled by an officer"))
            or transition(store, post_id, "cancel_missed", reason=_("cancelled by an officer"))
            or transition(store, post_id, "cancel_draft", reason=_("cancelled by an officer"))):
        return store.post(post_id)
    row = store.post(post_id)
    if row.status is S.SCHEDULED:
        done = sum(1 for r in row.remote_ids if r)
        why = (ngettext("{n} of its parts are already published", "{n} of its parts are already published", done)
               .format(n=done) if done else _("it may already be on the network"))
        raise UserError(
            _("post {id} cannot be cancelled: {why}; let the worker finish, or check the network "
              "yourself and use --force").format(id=post_id, why=why)
        )
    if row.status is S.PUBLISHING:
        raise UserError(_("post {id} is being published right now and cannot be cancelled").format(id=post_id))
    raise UserError(_("post {id} is {status}; only scheduled posts can be cancelled").format(id=post_id,
                                                                                              status=label(row.status)))


def reschedule(store: Store, post_id: int, when: dt.datetime) -> PostRow:
    """Move a scheduled post to ``when``.  Raises :class:`UserError` unless it is scheduled
    (a post being published is never touched)."""
    if (transition(store, post_id, "reschedule", reason=_("rescheduled by an officer"), scheduled_at=when,
                   next_attempt_at=when)
            or transition(store, post_id, "reschedule_draft", reason=_("rescheduled by an officer"),
                          scheduled_at=when, next_attempt_at=when)):
        return store.post(post_id)
    raise UserError(_not_scheduled(store.post(post_id), "reschedule"))


def revive(store: Store, post_id: int, *, when: dt.datetime) -> PostRow:
    """Send a failed post again at ``when`` with a fresh retry budget.  Unless the network
    refused it outright, it is looked up on the network before it is written again (its
    last write may have landed).  Raises :class:`UserError` unless it failed, or when the
    article was queued again for the account meanwhile."""
    row = store.post(post_id)
    in_doubt = row.error_kind != "rejected" and bool(store.publish_calls([post_id]).get(post_id))
    try:
        moved = transition(store, post_id, "revive", reason=_("sent again by an officer"), next_attempt_at=when,
                           attempts=0, needs_reconcile=in_doubt, error_kind=None, error_message=None)
    except IntegrityError:
        raise UserError(_("post {id} cannot be sent again: its article is queued again for {account}; "
                          "cancel that post first").format(id=post_id, account=row.account)) from None
    if moved:
        return store.post(post_id)
    raise UserError(_("post {id} is {status}; only a failed post can be sent again").format(
        id=post_id, status=label(store.post(post_id).status)))  # the state in the officer's language


def edit(store: Store, post_id: int, parts: Sequence[str], *, draft: Draft | None = None,
         reason: str = "text edited by an officer") -> PostRow:  # revisions.OFFICER_EDIT: compared, kept in English
    """Replace a scheduled post's text with ``parts`` (already validated), or its whole
    rendering with ``draft`` (a new article revision: text, media, warnings, link),
    keeping the old text on the post's history.  Raises :class:`UserError` unless it is
    scheduled with nothing on the network."""
    old = store.post(post_id)
    if draft is not None:
        parts = draft.parts

    def swap(s: Session) -> None:
        s.query(PartRow).filter(PartRow.post_id == post_id).delete()
        s.add_all([PartRow(post_id=post_id, index=i, text=t, text_hash=text_hash(t), state=PartState.PENDING.value,
                           attempts=0) for i, t in enumerate(parts)])

    rendering: dict[str, Any] = {} if draft is None else {
        "media": [m.to_record() for m in draft.media], "warnings": list(draft.warnings), "link": draft.link}
    move = "edit_failed" if old.status is S.FAILED and draft is not None else "edit"
    from ..reapproval import edit_move  # an approved post edited needs approval again

    move, rendering = edit_move(old, move, rendering)
    if transition(store, post_id, move, reason=reason, detail={"old_parts": old.parts}, also=swap, **rendering):
        return store.post(post_id)
    row = store.post(post_id)
    if row.status is S.SCHEDULED:
        raise UserError(_("post {id} cannot be edited: part of it may already be on the network").format(id=post_id))
    raise UserError(_not_scheduled(row, "edit"))


def let_overtake(store: Store, post_id: int) -> PostRow:
    """Let a scheduled post go before earlier posts of its account that still wait.

    Raises :class:`UserError` unless the post is scheduled.
    """
    if transition(store, post_id, "ahead", reason=_("let ahead by an officer"), overtake=True):
        return store.post(post_id)
    raise UserError(_not_scheduled(store.post(post_id), "ahead"))


#: Why an officer's move is refused, by move: (the post is being published, it is not scheduled).
_NOT_SCHEDULED: dict[str, tuple[str, str]] = {
    "ahead": (N_("post {id} is being published right now and cannot be let ahead of others"),
              N_("post {id} is {status}; only a scheduled post can be let ahead of others")),
    "reschedule": (N_("post {id} is being published right now and cannot be rescheduled"),
                   N_("post {id} is {status}; only a scheduled post can be rescheduled")),
    "edit": (N_("post {id} is being published right now and cannot be edited"),
             N_("post {id} is {status}; only a scheduled post can be edited")),
}


def _not_scheduled(row: PostRow, move: str) -> str:
    publishing, not_scheduled = _NOT_SCHEDULED[move]
    if row.status is S.PUBLISHING:
        return _(publishing).format(id=row.id)
    return _(not_scheduled).format(id=row.id, status=label(row.status))
