"""An officer's changes to queued posts: reschedule, retry a failed one, edit the text,
cancel several.  None of them touches a post being published (the lifecycle's guards
refuse it in the same UPDATE); each move is on the post's record (``post show``).

Several ids are handled one by one: what could be done is done, and each post that could
not is named with why (:class:`Changed`, whose ``raise_if_failed`` ends the command with
exit 1 when one was refused).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from channels.i18n import _

from .errors import RunFailed, UserError
from .officers import check_post, current

if TYPE_CHECKING:
    from .config import Settings
    from .store import PostRow, Store

#: The line that separates the parts of an X thread in an edited text.
PART_BREAK = "---"


@dataclass(frozen=True)
class Changed:
    """The posts changed (``--json`` rows) and one line for each post left as it was."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    #: Things the officer must know about posts that were changed (one line each).
    warnings: list[str] = field(default_factory=list)

    def raise_if_failed(self) -> None:
        if self.refused:
            raise RunFailed(self.refused)


def reschedule(settings: Settings, store: Store, post_ids: Sequence[int], at: str, *,
               now: dt.datetime | None = None) -> Changed:
    """Move scheduled posts to the time ``at`` (the phrases ``schedule --at`` takes).

    Raises :class:`~disseminator.errors.ScheduleError` for a time that cannot be read or is past.
    """
    from .queue import moves
    from .timeparse import parse_when

    when = parse_when(at, tz=settings.tz, now=now or store.clock.now())
    return _each(settings, store, post_ids, lambda pid: moves.reschedule(store, pid, when), move="reschedule")


def retry(settings: Settings, store: Store, post_ids: Sequence[int]) -> Changed:
    """Send failed posts again now (looked up on the network first if they may have landed),
    and missed posts after all (:func:`disseminator.missed.release`)."""
    from . import missed
    from .queue import moves
    from .store import PostStatus

    def again(pid: int) -> PostRow:
        if store.post(pid).status is PostStatus.MISSED:
            return missed.release(store, pid)
        return moves.revive(store, pid, when=store.clock.now())

    return _each(settings, store, post_ids, again)


def cancel(settings: Settings, store: Store, post_ids: Sequence[int], *, article: int | None = None,
           force: bool = False) -> Changed:
    """Cancel scheduled posts: the ids given, and with ``article`` every queued post of it."""
    from .queue import moves
    from .store import PostRow, PostStatus

    ids = list(post_ids)
    if article is not None:
        store.article(article)  # an unknown article is an error, not "nothing to cancel"
        with store.session() as s:
            ids += [pid for (pid,) in s.execute(
                PostRow.__table__.select().with_only_columns(PostRow.id)
                .where(PostRow.article_id == article,
                       PostRow.status.in_([PostStatus.SCHEDULED, PostStatus.AWAITING_APPROVAL]))
                .order_by(PostRow.id))]
        if not ids:
            raise UserError(_("article {id} has no scheduled post to cancel").format(id=article))
    result = _each(settings, store, ids, lambda pid: moves.cancel(store, pid, force=force), move="cancel")
    if force:
        for row in result.rows:
            post = store.post(row["id"])
            if post.needs_reconcile or any(post.remote_ids):
                result.warnings.append(_("post {id} may be partly on the network; it will not be published "
                                         "further: check {account} there").format(id=post.id, account=post.account))
    return result


def edit(settings: Settings, store: Store, post_id: int, text: str) -> Changed:
    """Replace a scheduled post's text, checked against its network's rules exactly as at
    schedule time; the old text stays on the post's record.  An X thread's parts are
    separated by a line ``---``.

    Raises :class:`UserError` when the network's rules refuse the new text (the post keeps
    its old text) or the post is past editing.
    """
    from .queue import moves

    row = store.post(post_id)
    check_post(current(), row, "edit")  # a drafter edits their own posts, or ones awaiting approval
    parts = checked_text(settings, row, text)
    return Changed([_view(settings, store, moves.edit(store, post_id, parts))])


def checked_text(settings: Settings, row: PostRow, text: str) -> tuple[str, ...]:
    """``text`` as the parts of ``row`` (an X thread's parts separated by a line ``---``),
    checked against its network's rules exactly as at schedule time: what ``edit`` saves,
    and what the web page's live check asks as the officer types.

    Raises :class:`UserError` saying why the network would refuse it."""
    from channels.base import Draft, Rejected

    from .registry import make_channel

    post_id = row.id
    parts = tuple(p.strip() for p in _split(text) if p.strip())
    if not parts:
        raise UserError(_("post {id}: the new text is empty; the post keeps its text").format(id=post_id))
    from .store import Store

    old = Store.to_draft(row)
    draft = Draft(parts=parts, media=old.media, warnings=old.warnings, link=old.link, card=old.card, key=old.key)
    channel = make_channel(settings.account(row.account, resolve=False), context=settings.context)
    if len(parts) > 1 and not getattr(channel, "threads", False):
        # Always two parts or more here, so one (plural) message.
        raise UserError(_("post {id}: {account} does not post threads (its text has {n} parts "
                          "separated by '{separator}'); the post keeps its text").format(
            id=post_id, account=row.account, n=len(parts), separator=PART_BREAK))
    try:
        channel.validate(draft)
    except Rejected as exc:
        raise UserError(_("post {id}: {channel} would refuse the new text ({reason}); "
                          "the post keeps its text").format(id=post_id, channel=row.channel, reason=exc.message)) from None
    return parts


def _split(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip() == PART_BREAK:
            parts.append("\n".join(current))
            current = []
        else:
            current.append(line)
    parts.append("\n".join(current))
    return parts


def _each(settings: Settings, store: Store, post_ids: Sequence[int], change: Callable[[int], PostRow], *,
          move: str | None = None) -> Changed:
    result = Changed()
    for pid in dict.fromkeys(post_ids):  # once each, in the order given
        try:
            row = store.post(pid)  # an unknown id (or one no id column can hold) is "no post with id"
            if move:  # a drafter changes only their own posts, or ones awaiting approval
                check_post(current(), row, move)
            result.rows.append(_view(settings, store, change(pid)))
        except UserError as exc:
            result.refused.append(exc.message)
    return result


def _view(settings: Settings, store: Store, row: PostRow) -> dict[str, Any]:
    from .views import post_view

    return post_view(row, settings.tz, calls=store.publish_calls([row.id]).get(row.id, 0))
