"""Approval: posts that wait for approvers, ``approve`` and ``reject``, and accessibility
as a rule.

A post whose account needs approval (``approval = "one"`` or ``"two"``, top level or per
account: :mod:`disseminator.officers`) is queued ``awaiting_approval``: listed by
``queue``, never claimed by a worker.  ``approve`` moves it to ``scheduled`` once it has
the approvers it needs (two different officers for ``"two"``); ``reject`` cancels it with
the approver's reason.  An edit of an approved post sends it back to
``awaiting_approval`` (:func:`disseminator.reapproval.edit_move`).  Every move is an edge of
:mod:`disseminator.states`, with the officer and whether they approved their own draft
kept on the event (and so on the publication record).

Accessibility checks (:func:`blocking`, :func:`hashtag_warnings`):

- an image without alt text cannot be approved (``require_alt_text = false`` turns it off);
- a hashtag of :data:`LONG_HASHTAG` letters or more whose letters after the first are all
  lower case or all upper case (``#harikemerdekaan``, ``#Harikemerdekaan``) is flagged:
  screen readers read CamelCase (``#HariKemerdekaan``) as words.  A warning only, never a
  refusal: a long one-word tag (``#Kesejahteraan``) is flagged too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from channels.i18n import N_, _

from .errors import RunFailed, UserError
from .officers import Officer, check_command, identity
from .reapproval import edit_move, needed

if TYPE_CHECKING:
    from .config import Settings
    from .posts import Preview
    from .store import PostRow, Store

#: Letters from which a hashtag all in one case is flagged (``#harikemerdekaan`` has 15).
LONG_HASHTAG = 12


@dataclass(frozen=True)
class Decided:
    """Posts approved or rejected (``--json`` rows), one line for each post refused, and
    warnings the approver should read (hashtags)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def raise_if_failed(self) -> None:
        if self.refused:
            raise RunFailed(self.refused)


def hashtags(parts: list[str]) -> list[str]:
    """The hashtags in ``parts`` (``#`` included), each once, in order."""
    from channels.text import extract_hashtags_with_indices

    return list(dict.fromkeys("#" + e.value for t in parts for e in extract_hashtags_with_indices(t)))


def hashtag_warnings(parts: list[str]) -> list[str]:
    """A line for each hashtag of :data:`LONG_HASHTAG` letters or more in one case."""
    found = []
    for tag in hashtags(parts):
        letters = [c for c in tag[1:] if c.isalpha()]
        rest = letters[1:]  # "#Harikemerdekaan" (a tag title-cased as one word) is flagged too
        if len(letters) >= LONG_HASHTAG and (all(c.islower() for c in rest) or all(c.isupper() for c in rest)):
            found.append(_("hashtag {tag}: not CamelCase, screen readers cannot split it").format(tag=tag))
    return found


def blocking(settings: Settings, row: PostRow) -> list[str]:
    """Why ``row`` cannot be approved as it is (an image without alt text), one line each."""
    if not settings.officers.require_alt_text:
        return []
    return [_("post {id} cannot be approved: image {n} has no alt text (image_alt)").format(id=row.id, n=n)
            for n, media in enumerate(row.media or [], 1) if not str(media.get("alt") or "").strip()]


def approve(settings: Settings, store: Store, post_ids: list[int], *, officer: Officer | None) -> Decided:
    """Approve each post of ``post_ids`` as ``officer`` (None: no officers configured).

    A post is refused (one line, the others still approved) when it is not awaiting
    approval, when ``officer`` drafted it and self-approval is not allowed, when ``officer``
    already approved it (two approvals need two officers), or when an image has no alt text.
    """
    check_command(officer, "approve")
    result = Decided()
    for pid in dict.fromkeys(post_ids):
        try:
            row = store.post(pid)
            result.rows.append(_approve_one(settings, store, row, officer, result.warnings))
        except UserError as exc:
            result.refused.append(exc.message)
    return result


def _approve_one(settings: Settings, store: Store, row: PostRow, officer: Officer | None,
                 warnings: list[str]) -> dict[str, Any]:
    from . import queue

    _check_awaiting(row, "approve")
    name = identity(officer)
    own = row.drafted_by is not None and row.drafted_by == name
    if own and not settings.officers.self_approval:
        raise UserError(_("post {id}: {name} drafted it, so may not approve it (allow_self_approval)").format(
            id=row.id, name=name))
    approvals = list(row.approved_by or [])
    if any(a.get("officer") == name for a in approvals):
        raise UserError(_("post {id}: {name} approved it already; another approver must too").format(
            id=row.id, name=name))
    problems = blocking(settings, row)
    if problems:
        raise UserError(problems[0])
    warnings += [_("post {id}: {warning}").format(id=row.id, warning=w) for w in hashtag_warnings(row.parts)]
    now = store.clock.now()
    approvals.append({"officer": name, "at": now.isoformat(), "self": own})
    last = len(approvals) >= max(needed(row), 1)
    detail = {"officer": name, "self_approval": own, "approvals": len(approvals), "needed": max(needed(row), 1)}
    reason = _("approved by {name} (their own draft)").format(name=name) if own else \
        _("approved by {name}").format(name=name)
    if not queue.transition(store, row.id, "approve" if last else "approve_first", reason=reason, detail=detail,
                            approved_by=approvals):
        _check_awaiting(store.post(row.id), "approve")  # moved meanwhile: say where it is now
        raise UserError(_("post {id} changed while it was being approved; look at it again").format(id=row.id))
    return _view(settings, store, store.post(row.id), approvals)


def reject(settings: Settings, store: Store, post_ids: list[int], *, reason: str, officer: Officer | None) -> Decided:
    """Reject each post of ``post_ids`` (awaiting approval) with ``reason``: it is cancelled,
    and the reason and the officer are kept on its events."""
    from . import queue

    check_command(officer, "reject")
    if not reason.strip():
        raise UserError(_("reject: --reason is empty; say why the post is rejected"))
    result = Decided()
    name = identity(officer)
    for pid in dict.fromkeys(post_ids):
        try:
            row = store.post(pid)
            _check_awaiting(row, "reject")
            if not queue.transition(store, pid, "reject", reason=reason.strip(), detail={"officer": name}):
                _check_awaiting(store.post(pid), "reject")
                raise UserError(_("post {id} changed while it was being rejected; look at it again").format(id=pid))
            result.rows.append(_view(settings, store, store.post(pid), list(row.approved_by or [])))
        except UserError as exc:
            result.refused.append(exc.message)
    return result


#: Why a post cannot be approved or rejected, by move: (being published, already
#: published, in another state).
_NOT_AWAITING: dict[str, tuple[str, str, str]] = {
    "approve": (N_("post {id} is being published right now; it cannot be approved"),
                N_("post {id} is already published; it cannot be approved"),
                N_("post {id} is {status}, not awaiting approval; it cannot be approved")),
    "reject": (N_("post {id} is being published right now; it cannot be rejected"),
               N_("post {id} is already published; it cannot be rejected"),
               N_("post {id} is {status}, not awaiting approval; it cannot be rejected")),
}


def _check_awaiting(row: PostRow, move: str) -> None:
    """Raises :class:`UserError` unless ``row`` awaits approval (``move``: approve, reject)."""
    from .states import label
    from .store.post_models import PostStatus

    publishing, published, other = _NOT_AWAITING[move]
    if row.status is PostStatus.AWAITING_APPROVAL:
        return
    if row.status is PostStatus.PUBLISHING:
        raise UserError(_(publishing).format(id=row.id))
    if row.status is PostStatus.PUBLISHED:
        raise UserError(_(published).format(id=row.id))
    raise UserError(_(other).format(id=row.id, status=label(row.status)))


def _view(settings: Settings, store: Store, row: PostRow, approvals: list[dict[str, Any]]) -> dict[str, Any]:
    from .views import post_view

    data = post_view(row, settings.tz, calls=store.publish_calls([row.id]).get(row.id, 0))
    data.update({"approval": row.approval, "drafted_by": row.drafted_by,
                 "approved_by": [a.get("officer") for a in approvals],
                 "self_approved": any(a.get("self") for a in approvals)})
    return data


def preview_post(settings: Settings, store: Store, post_id: int) -> Preview:
    """A queued post exactly as it will go out (its stored parts and images, not a new
    rendering), in ``preview``'s shape, with what stands in the way of its approval and
    its hashtag warnings among the warnings."""
    from .pacing import money
    from .posts import Preview
    from .registry import make_channel

    row = store.post(post_id)
    channel = make_channel(settings.account(row.account, resolve=False), context=settings.context)
    draft = store.to_draft(row)
    parts = list(row.parts)
    warnings = [*(row.warnings or []), *(blocking(settings, row) if needed(row) else []), *hashtag_warnings(parts)]
    return Preview([{
        "post_id": row.id,
        "status": row.status.value,
        "account": row.account,
        "channel": row.channel,
        "parts": parts,
        "media": [m.url for m in draft.media],
        "media_alt": [m.alt for m in draft.media],
        "warnings": warnings,
        "link": row.link,
        "counts": [list(channel.measure_part(draft, i)) for i in range(len(parts))],
        "hashtags": hashtags(parts),
        "refused": None,
        "cost": money(channel.cost(draft)),
        "drafted_by": row.drafted_by,
        "approved_by": [a.get("officer") for a in row.approved_by or []],
    }])
