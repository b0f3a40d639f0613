"""The post lifecycle as data: every move a post may make, and what must hold for it.

:data:`EDGES` is the only place the lifecycle is written down.  :func:`queue.transition`
refuses a move that is not an edge here, turns each edge's guards into the WHERE clause
of its one guarded UPDATE, and appends a ``post_events`` row in the same transaction.
The README's lifecycle diagram is :func:`diagram`'s output (a test keeps them equal).

Guards:

- ``owner``: the acting worker holds the claim and its lease has not run out by the
  store's clock (a worker that lost its claim moves nothing).
- ``lease_expired``: the claim's lease ran out (its worker is presumed dead).
- ``nothing_out``: no part is on the network and no write is in doubt (cancelling would
  hide a post that is out).
- ``all_deleted``: no part is still on the network (every published part was deleted
  there): a thread whose delete stopped half-way stays published.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from channels.i18n import N_, _

from .store.post_models import PostStatus

S = PostStatus

#: How text output names each status (``--json`` and ``--csv`` keep the codes).
LABELS: dict[str, str] = {
    S.SCHEDULED: N_("scheduled"),
    S.PUBLISHING: N_("publishing"),
    S.PUBLISHED: N_("published"),
    S.FAILED: N_("failed"),
    S.CANCELLED: N_("cancelled"),
    S.MISSED: N_("missed"),
    S.WITHDRAWN: N_("withdrawn"),
    S.AWAITING_APPROVAL: N_("awaiting approval"),
    S.UNKNOWN: N_("unknown"),
}


class Guard(enum.StrEnum):
    OWNER = "owner"
    LEASE_EXPIRED = "lease_expired"
    NOTHING_OUT = "nothing_out"
    ALL_DELETED = "all_deleted"


@dataclass(frozen=True)
class Edge:
    """One allowed move: ``name`` takes a post from ``source`` to ``target`` when ``guards`` hold."""

    name: str
    source: PostStatus
    target: PostStatus
    guards: tuple[Guard, ...] = ()
    #: What the move means, in a line (shown in the docs).
    doc: str = ""


EDGES: tuple[Edge, ...] = (
    Edge("claim", S.SCHEDULED, S.PUBLISHING, (), "a worker takes a due post whose account has no hold"),
    Edge("published", S.PUBLISHING, S.PUBLISHED, (Guard.OWNER,), "every part is on the network"),
    Edge("retry", S.PUBLISHING, S.SCHEDULED, (Guard.OWNER,),
         "transient error, rate limit, held account or interruption: try again later"),
    Edge("fail", S.PUBLISHING, S.FAILED, (Guard.OWNER,), "refused for good, or retries used up"),
    Edge("recover", S.PUBLISHING, S.SCHEDULED, (Guard.LEASE_EXPIRED,),
         "the worker died: back to the queue, checked on the network before any write"),
    Edge("reschedule", S.SCHEDULED, S.SCHEDULED, (), "an officer moves it to another time"),
    Edge("edit", S.SCHEDULED, S.SCHEDULED, (Guard.NOTHING_OUT,), "an officer changes its text (the old text is kept)"),
    Edge("edit_failed", S.FAILED, S.FAILED, (Guard.NOTHING_OUT,),
         "a failed post takes an article's new revision (a retry then sends the new text)"),
    Edge("ahead", S.SCHEDULED, S.SCHEDULED, (),
         "an officer lets it go before earlier posts of its account that still wait"),
    Edge("revive", S.FAILED, S.SCHEDULED, (),
         "an officer sends a failed post again (looked up on the network first if it may have landed)"),
    Edge("cancel", S.SCHEDULED, S.CANCELLED, (Guard.NOTHING_OUT,), "an officer withdraws it"),
    Edge("force_cancel", S.SCHEDULED, S.CANCELLED, (),
         "an officer who checked the network withdraws the rest"),
    Edge("miss", S.SCHEDULED, S.MISSED, (Guard.NOTHING_OUT,),
         "overdue by more than `worker.grace` (the daemon was down, a pause): an officer decides"),
    Edge("release", S.MISSED, S.SCHEDULED, (), "an officer sends a missed post after all (`retry`)"),
    Edge("cancel_missed", S.MISSED, S.CANCELLED, (), "an officer drops a missed post (`cancel`)"),
    # Approval (disseminator.approval): a post that needs it is created awaiting_approval.
    Edge("approve", S.AWAITING_APPROVAL, S.SCHEDULED, (), "its last approver approves it (`approve`)"),
    Edge("approve_first", S.AWAITING_APPROVAL, S.AWAITING_APPROVAL, (),
         "the first of two approvers approves it (`approval = \"two\"`)"),
    Edge("reject", S.AWAITING_APPROVAL, S.CANCELLED, (), "an approver refuses it, with a reason (`reject`)"),
    Edge("edit_draft", S.AWAITING_APPROVAL, S.AWAITING_APPROVAL, (), "an officer changes its text before approval"),
    Edge("edit_approved", S.SCHEDULED, S.AWAITING_APPROVAL, (Guard.NOTHING_OUT,),
         "an officer changes an approved post's text: it needs approval again"),
    Edge("reschedule_draft", S.AWAITING_APPROVAL, S.AWAITING_APPROVAL, (),
         "an officer moves it to another time before approval"),
    Edge("cancel_draft", S.AWAITING_APPROVAL, S.CANCELLED, (), "an officer withdraws it before approval"),
    # In doubt (disseminator.in_doubt): a network that cannot be asked (Telegram).
    Edge("in_doubt", S.PUBLISHING, S.UNKNOWN, (Guard.OWNER,),
         "a write may have landed on a network that cannot be asked whether it did: an officer looks"),
    Edge("confirm", S.UNKNOWN, S.PUBLISHED, (),
         "an officer saw it on the network and gives its id (`post confirm --remote-id`)"),
    Edge("confirm_not_sent", S.UNKNOWN, S.SCHEDULED, (),
         "an officer saw it is not on the network (`post confirm --not-sent`): it is sent again"),
    Edge("confirm_part", S.UNKNOWN, S.SCHEDULED, (),
         "an officer saw a part of a thread on the network (`post confirm --remote-id`): the rest is sent"),
    Edge("withdraw", S.PUBLISHED, S.WITHDRAWN, (Guard.ALL_DELETED,),
         "an officer deleted it from the network (`unpublish`): every part is gone; the reason and who are kept"),
)

BY_NAME: dict[str, Edge] = {e.name: e for e in EDGES}


class InvalidTransition(ValueError):
    """A move that is not an edge of the lifecycle."""


def edge(name: str | Edge) -> Edge:
    """The edge called ``name``; raises :class:`InvalidTransition` for any other name."""
    if isinstance(name, Edge):
        if name not in EDGES:
            raise InvalidTransition(f"{name.source} -> {name.target} ({name.name}) is not in the lifecycle")
        return name
    try:
        return BY_NAME[name]
    except KeyError:
        raise InvalidTransition(f"no edge {name!r} in the lifecycle (known: {', '.join(BY_NAME)})") from None


def find(source: PostStatus, target: PostStatus) -> list[Edge]:
    """Every edge from ``source`` to ``target`` (empty when the move is not allowed)."""
    return [e for e in EDGES if e.source == source and e.target == target]


def final(status: PostStatus) -> bool:
    """True when no edge leaves ``status``."""
    return not any(e.source == status for e in EDGES)


def label(status: str) -> str:
    """A status as text output shows it, in the current language (``failed``: ``gagal``);
    a status this version does not know is shown as it is."""
    return _(LABELS[status]) if status in LABELS else status


def diagram() -> str:
    """The lifecycle as a Markdown table, one edge a row (the README shows exactly this)."""
    rows = ["| from | move | to | only when | meaning |", "|---|---|---|---|---|"]
    for e in EDGES:
        guard = ", ".join(f"`{g}`" for g in e.guards) or "-"
        rows.append(f"| `{e.source}` | **{e.name}** | `{e.target}` | {guard} | {e.doc} |")
    return "\n".join(rows)
